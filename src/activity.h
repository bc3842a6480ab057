/*
 * activity.h
 *		The representation every other file reads through.
 *
 * An activity value is, logically, the exact set of (user, feature, day)
 * triples of one group.  It exists in two forms:
 *
 *	- the stored ("flat") form, a varlena whose bytes are canonical: equal
 *	  sets give byte-identical values.  Only activity.c knows its layout;
 *	  everything else reads it through ActivityView and ActivityCursor.
 *
 *	- the builder, an expanded object (see utils/expandeddatum.h) that the
 *	  aggregates update in place, one row or one summary at a time.
 *	  Flattening a builder produces the stored form.
 *
 * Stored form, format version 1 (all integers are unsigned LEB128 varints
 * unless said otherwise; "zz" is a zigzag-coded signed varint):
 *
 *	uint8	version (1)
 *	uint8	user-id type (ActivityIdType)
 *	nusers, nfeatures, ntriples
 *	zz min_day, max_day - min_day			(only when ntriples > 0)
 *	length in bytes of the user-id section
 *	user ids, ascending:
 *		int4/int8: zz first, then (delta - 1) for each following id
 *		text:      length, bytes
 *		uuid:      16 bytes
 *	feature names, ascending in byte order: length, bytes
 *	for each user, in id order:
 *		npairs
 *		for each (user, feature) pair, features ascending, the absent
 *		feature (code 0) first and named features as rank 1..nfeatures:
 *			feature code (first pair) or (code - previous code - 1)
 *			ndays - 1
 *			first day - min_day
 *			(day - previous day - 1) for each following day
 *
 * Days are PostgreSQL DateADT values (days since 2000-01-01).
 */
#ifndef ADOPTION_ACTIVITY_H
#define ADOPTION_ACTIVITY_H

#include "postgres.h"
#include "fmgr.h"
#include "utils/expandeddatum.h"
#include "utils/date.h"

#define ACTIVITY_FORMAT_VERSION 1

/* an array in the current context, allowed past 1 GB */
#define huge_array(type, n) \
	((type *) MemoryContextAllocHuge(CurrentMemoryContext, (Size) (n) * sizeof(type)))

typedef enum ActivityIdType
{
	ACT_ID_INT4 = 1,
	ACT_ID_INT8 = 2,
	ACT_ID_TEXT = 3,
	ACT_ID_UUID = 4
} ActivityIdType;

#define ACT_ID_TYPE_VALID(t) ((t) >= ACT_ID_INT4 && (t) <= ACT_ID_UUID)

extern const char *activity_id_type_name(int id_type);

/* ----------------------------------------------------------------
 * The builder
 * ----------------------------------------------------------------
 */

/*
 * A dictionary of distinct keys, numbered in insertion order.  Integer
 * user ids are kept as int64; text and uuid user ids and feature names as
 * byte strings in an arena.
 */
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

typedef struct ActivityBuilder
{
	ExpandedObjectHeader hdr;

	/*
	 * What every row reads comes first, to touch few cache lines: hash
	 * aggregation interleaves the rows of thousands of builders.
	 *
	 * Triples as packed keys: user << ushift | feature << dbits | day -
	 * day_base.  keys[0 .. nsorted) is sorted and free of duplicates; the
	 * rest is appended in arrival order until the next compaction.
	 */
	int32		magic;
	uint8		id_type;
	uint8		fbits;
	uint8		dbits;
	uint8		ushift;			/* fbits + dbits */
	uint64	   *keys;
	Size		nkeys;
	Size		nsorted;
	Size		capkeys;
	int64		day_base;
	/* cached stored form; NULL when the set changed since it was built */
	struct varlena *flat;
	/* stored values added but not merged yet (builder_add_flat) */
	char	   *pend;			/* copies, each at an int-aligned offset */
	Size		pend_len;
	Size		pend_cap;
	uint32		npend;

	KeyDict		users;
	KeyDict		features;		/* named features; code = entry + 1 */
} ActivityBuilder;

extern ActivityBuilder *builder_create(MemoryContext cxt, uint8 id_type, bool own_context);
extern ActivityBuilder *builder_from_rw_datum(Datum d);
extern uint32 builder_user_int(ActivityBuilder *b, int64 id);
extern uint32 builder_user_bytes(ActivityBuilder *b, const char *id, Size len);
extern uint32 builder_feature(ActivityBuilder *b, const char *name, Size len);
extern void builder_add_flat(ActivityBuilder *b, const struct varlena *flat);
extern void builder_merge(ActivityBuilder *b);
extern struct varlena *builder_flatten(ActivityBuilder *b);

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
 * Starts loading what adding a row for this integer user will read (the
 * user's hash slot, the end of the key buffer), so that the caller's other
 * work on the row overlaps those cache misses: hash aggregation interleaves
 * the rows of thousands of builders, and their memory is rarely in cache.
 */
static inline void
builder_prefetch_int(const ActivityBuilder *b, int64 id)
{
#ifdef __GNUC__
	if (b->users.last_entry && b->users.last_key == id)
		;
	else if (b->users.dense && (uint64) id - (uint64) b->users.dense_lo < b->users.dense_len)
		__builtin_prefetch(&b->users.dense[(uint64) id - (uint64) b->users.dense_lo]);
	else if (b->users.slots)
		__builtin_prefetch(&b->users.slots[hash_int64_key(id) & b->users.mask]);
	__builtin_prefetch(&b->keys[b->nkeys], 1);
#endif
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

/* the same for a feature name: its recent-keys slot */
static inline void
builder_prefetch_feature(ActivityBuilder *b, const char *name, Size len)
{
#ifdef __GNUC__
	__builtin_prefetch(recent_slot(&b->features, name, len));
#endif
}

/* add one triple; feature code 0 is "no feature" */
extern void builder_add_slow(ActivityBuilder *b, uint64 key);
extern void builder_widen_days(ActivityBuilder *b, int64 day);

static inline void
builder_add(ActivityBuilder *b, uint32 user, uint32 feature, int32 day)
{
	uint64		off = (uint64) ((int64) day - b->day_base);
	uint64		key;

	if (unlikely(off >> b->dbits) != 0)
	{
		builder_widen_days(b, day);
		off = (uint64) ((int64) day - b->day_base);
	}
	key = ((uint64) user << b->ushift) | ((uint64) feature << b->dbits) | off;
	/* the same triple twice in a row is the common duplicate: skip it */
	if (b->nkeys > 0 && b->keys[b->nkeys - 1] == key)
		return;
	if (unlikely(b->nkeys == b->capkeys) || unlikely(b->flat != NULL))
	{
		builder_add_slow(b, key);
		return;
	}
	if (b->nsorted == b->nkeys && (b->nkeys == 0 || key > b->keys[b->nkeys - 1]))
		b->nsorted++;
	b->keys[b->nkeys++] = key;
}

/* ----------------------------------------------------------------
 * Reading the stored form
 * ----------------------------------------------------------------
 */

/* a stored value, with its header and feature names decoded */
typedef struct ActivityView
{
	uint8		id_type;
	uint32		nusers;
	uint32		nfeatures;
	uint64		ntriples;
	int32		min_day;
	int32		max_day;
	const uint8 *ids;			/* user-id section */
	const uint8 *body;			/* per-user section */
	const uint8 *end;
	const char **feat;			/* feat[r], r = 1 .. nfeatures */
	uint32	   *feat_len;
} ActivityView;

/* walks the users of a view in id order, and each user's pairs */
typedef struct ActivityCursor
{
	const ActivityView *v;
	const uint8 *p;
	uint32		user;			/* 0-based rank of the current user */
	uint32		pairs_left;		/* pairs of the current user not yet read */
	uint32		feature;		/* feature code of the last pair read */
	bool		feature_seen;	/* a pair of this user has been read */
	/* days of the last pair read, or of cursor_user_days() */
	int32	   *days;
	uint32		ndays;
	uint32		cap;
	int32	   *tmp;			/* merge scratch */
	uint32		tmpcap;
	uint64	   *bits;			/* union scratch: a bitmap of days, all zero */
	uint32		bitscap;		/* words */
} ActivityCursor;

/* feature filters for cursor_user_days() and activity_view_feature() */
#define FEATURE_ANY		(-1)	/* any activity, with or without a feature */
#define FEATURE_NONE	(-2)	/* a feature absent from the value */

extern void activity_view_init(ActivityView *v, const struct varlena *flat);
extern int32 activity_view_feature(const ActivityView *v, const text *name);
extern void cursor_init(ActivityCursor *c, const ActivityView *v);
extern bool cursor_next_user(ActivityCursor *c);
extern bool cursor_next_pair(ActivityCursor *c);
extern uint32 cursor_user_days_in(ActivityCursor *c, int32 feature, int64 after, int32 max_day);

/* a pair seen by cursor_user_days_pairs: its feature code, its last day in range */
typedef struct PairLast
{
	uint32		feature;
	int32		last;
} PairLast;

extern uint32 cursor_user_days_pairs(ActivityCursor *c, int64 after, int32 max_day,
									 PairLast *pairs, uint32 *npairs);

/* the user's distinct days up to max_day (see cursor_user_days_in) */
static inline uint32
cursor_user_days(ActivityCursor *c, int32 feature, int32 max_day)
{
	return cursor_user_days_in(c, feature, PG_INT64_MIN, max_day);
}

/* reads the user ids of a view in order */
typedef struct IdReader
{
	const ActivityView *v;
	const uint8 *p;
	uint32		left;
	int64		ival;			/* int4 and int8 ids */
	const uint8 *bytes;			/* text and uuid ids */
	uint32		len;
} IdReader;

extern void idreader_init(IdReader *r, const ActivityView *v);
extern void idreader_next(IdReader *r);
extern text *idreader_text(const IdReader *r);

/* number of days of a sorted day list in (lo, hi] */
static inline uint32
days_upper_bound(const int32 *days, uint32 n, int64 x)
{
	uint32		lo = 0,
				hi = n;

	while (lo < hi)
	{
		uint32		mid = lo + (hi - lo) / 2;

		if (days[mid] <= x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static inline uint32
days_in_window(const int32 *days, uint32 n, int64 lo, int64 hi)
{
	if (n == 0 || days[n - 1] <= lo || days[0] > hi)
		return 0;
	return days_upper_bound(days, n, hi) - days_upper_bound(days, n, lo);
}

/* sorts 64-bit keys in place (a radix sort) */
extern void sort_keys(uint64 *keys, Size n);

/* full validation of untrusted bytes; ereports with the given errcode */
extern void activity_validate(const uint8 *data, Size len, int code);

/* detoasted stored form of an activity datum (flattening a builder) */
extern struct varlena *activity_detoast(Datum d);

#define PG_GETARG_ACTIVITY(n)	activity_detoast(PG_GETARG_DATUM(n))

#endif							/* ADOPTION_ACTIVITY_H */
