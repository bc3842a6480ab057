/*
 * keydict.h
 *		Dictionaries of distinct keys: the user ids and the feature names of
 *		a builder, numbered in arrival order.
 *
 * Integer user ids are kept as int64; text and uuid user ids and feature
 * names as byte strings in an arena.  The lookups of a key just seen, and
 * of an id in the direct map, are inline here: every row of activity_agg
 * takes one or two, and most end there.
 */
#ifndef ADOPTION_ACTIVITY_KEYDICT_H
#define ADOPTION_ACTIVITY_KEYDICT_H

#include "postgres.h"

/* a hash slot: the key itself (int64 keys) or its hash, and its entry */
typedef struct DictSlot
{
	int64		key;			/* int64 keys */
	uint32		hash;
	uint32		entry;			/* entry number + 1; 0 = empty */
} DictSlot;

/* a short key cached inline, so a hit reads no other memory */
#define RECENT_BYTES 20
typedef struct RecentKey
{
	uint32		entry;			/* entry number + 1; 0 = empty */
	uint32		len;
	char		bytes[RECENT_BYTES];
} RecentKey;

typedef struct KeyDict
{
	/* read on every lookup */
	uint32		mask;			/* hash slots - 1 */
	uint32		last_entry;		/* int64 keys: entry + 1 of the last key found */
	int64		last_key;
	DictSlot   *slots;
	RecentKey	recent[16];		/* byte keys: recent short keys */
	/* int64 keys, when dense (see dict_int): entry + 1 of key dense_lo + i */
	uint32	   *dense;			/* NULL: the hash slots index the entries */
	int64		dense_lo;
	uint32		dense_len;
	/* read when adding a key */
	bool		bytes;			/* byte-string keys (else int64) */
	uint32		n;				/* number of keys */
	uint32		cap;			/* allocated entries */
	int64	   *ints;			/* integer keys */
	Size	   *offs;			/* byte keys: start of entry i in arena;
								 * offs[n] is the end */
	char	   *arena;
	Size		arena_cap;
	MemoryContext cxt;
} KeyDict;

extern void dict_init(KeyDict *d, bool bytes, MemoryContext cxt);
extern void dict_free(KeyDict *d);
extern uint32 dict_int_lookup(KeyDict *d, int64 key);
extern uint32 dict_bytes_lookup(KeyDict *d, const char *key, Size len);
extern uint32 *dict_canonicalize(KeyDict *d);

static inline uint32
hash_int64_key(int64 k)
{
	uint64		h = (uint64) k;

	h ^= h >> 33;
	h *= UINT64CONST(0xff51afd7ed558ccd);
	h ^= h >> 33;
	h *= UINT64CONST(0xc4ceb9fe1a85ec53);
	h ^= h >> 33;
	return (uint32) h;
}

/*
 * A slot of a byte dictionary's recent-keys cache: a cheap hash of the
 * key's length and some of its bytes.  Feature names are few and short, so
 * nearly every lookup of one ends there, without hash_bytes or the arena.
 */
static inline RecentKey *
recent_slot(KeyDict *d, const char *key, Size len)
{
	uint32		x = (uint32) len;

	if (len > 0)
		x = x * 31 + (uint8) key[0] * 7 + (uint8) key[len - 1] * 3 + (uint8) key[len / 2];
	return &d->recent[x & (lengthof(d->recent) - 1)];
}

/* the bytes of entry e of a byte dictionary */
static inline const char *
dict_bytes(const KeyDict *d, uint32 e, Size *len)
{
	*len = d->offs[e + 1] - d->offs[e];
	return d->arena + d->offs[e];
}

/* the entry of an integer key, added when new */
static inline uint32
dict_int(KeyDict *d, int64 key)
{
	if (d->last_entry && d->last_key == key)
		return d->last_entry - 1;
	if (d->dense && (uint64) key - (uint64) d->dense_lo < d->dense_len)
	{
		uint32		e = d->dense[(uint64) key - (uint64) d->dense_lo];

		if (e != 0)
		{
			d->last_key = key;
			d->last_entry = e;
			return e - 1;
		}
	}
	return dict_int_lookup(d, key);
}

/* the entry of a byte-string key, added when new */
static inline uint32
dict_bytes_key(KeyDict *d, const char *key, Size len)
{
	RecentKey  *r = recent_slot(d, key, len);

	if (r->entry && r->len == len && memcmp(r->bytes, key, len) == 0)
		return r->entry - 1;
	return dict_bytes_lookup(d, key, len);
}

#endif							/* ADOPTION_ACTIVITY_KEYDICT_H */
