/*
 * unpacked.c
 *		A stored value read once into arrays (see unpacked.h).
 *
 * The cache of a call site lives in its FmgrInfo (fn_extra, in fn_mcxt:
 * the query's memory for an ordinary query).  A value seen for the first
 * time leaves only its key there; seen again, it is unpacked and kept with
 * a copy of its bytes, which the later calls are compared with byte for
 * byte.  So the calls of a point-in-time query reuse the unpacked values
 * in either join order: the dates of one summary in a row, or every
 * summary once per date.  The unpacked values take about 8 bytes a triple
 * beyond the value; a call site keeps at most UNPACK_CACHE_BYTES of them,
 * dropping the least recently used, and the keys of at most
 * UNPACK_MAX_SEEN values seen once.  A query that reads each value once
 * pays a hash of a few hundred of its bytes per call, and nothing else.
 */
#include "postgres.h"

#include "common/hashfn.h"
#include "lib/ilist.h"
#include "utils/hsearch.h"
#include "utils/memutils.h"

#include "activity/reader.h"
#include "activity/unpacked.h"

/* the unpacked values a call site keeps, at most */
#define UNPACK_CACHE_BYTES	((Size) 64 << 20)
/* values seen once that a call site remembers (by a hash), at most */
#define UNPACK_MAX_SEEN		65536

/* a value a call site has seen: once (cxt NULL), or again and unpacked */
typedef struct UnpackEntry
{
	uint64		key;			/* value_key(): the hash table's key */
	MemoryContext cxt;			/* holds value and unpacked; NULL: seen once */
	struct varlena *value;		/* a copy, for the byte-for-byte check */
	ActivityUnpacked *unpacked;
	dlist_node lru;
} UnpackEntry;

typedef struct UnpackCache
{
	MemoryContext cxt;			/* everything below, a child of fn_mcxt */
	HTAB	   *entries;
	dlist_head	lru;			/* the unpacked entries, last used first */
	Size		bytes;			/* their memory */
	long		seen;			/* the entries seen once */
} UnpackCache;

/*
 * The key of a value: a hash of its size and of its first and last bytes
 * (where values differ: the header's counts and span, the ids, the last
 * user's days).  Two values with one key only cost time: an entry is used
 * for a value only when it holds a copy of the same bytes.
 */
static uint64
value_key(const struct varlena *flat, Size size)
{
	const unsigned char *p = (const unsigned char *) flat;
	uint64		h = hash_bytes_uint32_extended((uint32) size, (uint64) size >> 32);

	if (size <= 256)
		return hash_bytes_extended(p, (int) size, h);
	h = hash_bytes_extended(p, 128, h);
	return hash_bytes_extended(p + size - 128, 128, h);
}

static ActivityUnpacked *
unpack(const struct varlena *flat)
{
	ActivityView v;
	ActivityCursor c;
	ActivityUnpacked *u = palloc(sizeof(ActivityUnpacked));
	uint32		npairs = 0,
				pairs_cap = 64,
				i;
	uint64		ndays = 0;

	activity_view_init(&v, flat);
	u->nusers = v.nusers;
	u->users = palloc(sizeof(UnpackedUser) * Max(v.nusers, 1));
	u->pairs = palloc(sizeof(UnpackedPair) * pairs_cap);
	/* every pair's days, and every user's distinct days: at most 2 per triple */
	u->days = palloc(sizeof(int32) * Max(2 * v.ntriples, 1));

	/* the pairs' days */
	cursor_init(&c, &v);
	for (i = 0; cursor_next_user(&c); i++)
	{
		u->users[i].pair0 = npairs;
		while (cursor_next_pair(&c))
		{
			UnpackedPair *p;

			if (npairs == pairs_cap)
			{
				pairs_cap *= 2;
				u->pairs = repalloc(u->pairs, sizeof(UnpackedPair) * pairs_cap);
			}
			if (ndays + c.ndays > v.ntriples)
				activity_corrupted();
			p = &u->pairs[npairs++];
			p->feature = c.feature;
			p->days.off = (uint32) ndays;
			p->days.ndays = c.ndays;
			p->days.at = 0;
			memcpy(u->days + ndays, c.days, sizeof(int32) * c.ndays);
			ndays += c.ndays;
		}
		u->users[i].npairs = npairs - u->users[i].pair0;
	}
	if (i != v.nusers || ndays != v.ntriples)
		activity_corrupted();

	/* each user's distinct days, as every reader unites them */
	cursor_init(&c, &v);
	for (i = 0; cursor_next_user(&c); i++)
	{
		uint32		n = cursor_user_days(&c, FEATURE_ANY, v.max_day);

		u->users[i].days.off = (uint32) ndays;
		u->users[i].days.ndays = n;
		u->users[i].days.at = 0;
		u->users[i].days_lo = u->users[i].days;
		memcpy(u->days + ndays, c.days, sizeof(int32) * n);
		ndays += n;
	}
	return u;
}

static UnpackCache *
cache_of(FunctionCallInfo fcinfo)
{
	UnpackCache *cache = (UnpackCache *) fcinfo->flinfo->fn_extra;
	HASHCTL		ctl;

	if (cache != NULL)
		return cache;
	cache = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(UnpackCache));
	cache->cxt = AllocSetContextCreate(fcinfo->flinfo->fn_mcxt, "adoption unpacked values",
									   ALLOCSET_DEFAULT_SIZES);
	memset(&ctl, 0, sizeof(ctl));
	ctl.keysize = sizeof(uint64);
	ctl.entrysize = sizeof(UnpackEntry);
	ctl.hcxt = cache->cxt;
	cache->entries = hash_create("adoption unpacked values", 256, &ctl,
								 HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	dlist_init(&cache->lru);
	fcinfo->flinfo->fn_extra = cache;
	return cache;
}

/* forgets the values seen only once, when there are too many */
static void
forget_seen(UnpackCache *cache)
{
	HASH_SEQ_STATUS seq;
	UnpackEntry *e;

	hash_seq_init(&seq, cache->entries);
	while ((e = hash_seq_search(&seq)) != NULL)
		if (e->cxt == NULL)
			hash_search(cache->entries, &e->key, HASH_REMOVE, NULL);
	cache->seen = 0;
}

/* unpacks the value of an entry seen before, and keeps it, within the budget */
static void
keep_unpacked(UnpackCache *cache, UnpackEntry *e, const struct varlena *flat, Size size)
{
	MemoryContext cxt = AllocSetContextCreate(cache->cxt, "adoption unpacked value",
											  ALLOCSET_SMALL_SIZES);
	MemoryContext oldcxt = MemoryContextSwitchTo(cxt);

	e->unpacked = unpack(flat);
	e->value = palloc(size);
	memcpy(e->value, flat, size);
	MemoryContextSwitchTo(oldcxt);
	e->cxt = cxt;
	cache->seen--;
	cache->bytes += MemoryContextMemAllocated(cxt, true);
	dlist_push_head(&cache->lru, &e->lru);
	while (cache->bytes > UNPACK_CACHE_BYTES)
	{
		UnpackEntry *old = dlist_container(UnpackEntry, lru, dlist_tail_node(&cache->lru));

		if (old == e)
			break;
		dlist_delete(&old->lru);
		cache->bytes -= MemoryContextMemAllocated(old->cxt, true);
		MemoryContextDelete(old->cxt);
		hash_search(cache->entries, &old->key, HASH_REMOVE, NULL);
	}
}

ActivityUnpacked *
activity_unpacked_repeat(FunctionCallInfo fcinfo, const struct varlena *flat)
{
	UnpackCache *cache;
	UnpackEntry *e;
	Size		size = VARSIZE_ANY(flat);
	uint64		key;
	bool		found;

	if (fcinfo->flinfo == NULL || fcinfo->flinfo->fn_mcxt == NULL)
		return NULL;
	cache = cache_of(fcinfo);
	key = value_key(flat, size);
	e = hash_search(cache->entries, &key, HASH_FIND, NULL);
	if (e == NULL)
	{
		/* seen for the first time: remember its key */
		if (cache->seen >= UNPACK_MAX_SEEN)
			forget_seen(cache);
		e = hash_search(cache->entries, &key, HASH_ENTER, &found);
		e->cxt = NULL;
		e->value = NULL;
		e->unpacked = NULL;
		cache->seen++;
		return NULL;
	}
	if (e->cxt == NULL)
	{
		/* seen again: unpack it, unless it is too large */
		ActivityView v;

		activity_view_init(&v, flat);
		if (v.ntriples > UNPACK_MAX_TRIPLES)
			return NULL;
		keep_unpacked(cache, e, flat, size);
		return e->unpacked;
	}
	if (VARSIZE_ANY(e->value) != size || memcmp(e->value, flat, size) != 0)
		return NULL;			/* another value with the same key */
	dlist_move_head(&cache->lru, &e->lru);
	return e->unpacked;
}
