/*
 * unpacked.c
 *		A stored value read once into arrays (see unpacked.h).
 *
 * The cache of a call site lives in its FmgrInfo (fn_extra, in fn_mcxt:
 * the query's memory for an ordinary query).  A value seen for the first
 * time leaves only its key there; seen again, it is unpacked and kept with
 * a copy of the bytes it is passed as (stored in line, compressed or not,
 * or its TOAST pointer within one statement: a value seen again is then
 * neither fetched nor decompressed), which the later calls are compared
 * with byte for byte.  So the calls of a point-in-time query reuse the
 * unpacked values in either join order: the dates of one summary in a
 * row, or every summary once per date.  The unpacked values take about 8
 * bytes a triple beyond the value; a call site keeps at most
 * UNPACK_CACHE_BYTES of them, dropping the least recently used, and at
 * most UNPACK_SLOTS values and keys.  A query that reads each value once
 * pays a hash of at most 128 of its bytes per call, and nothing else.
 */
#include "postgres.h"

#include "common/hashfn.h"
#include "lib/ilist.h"
#include "access/xact.h"
#include "utils/memutils.h"

#include "activity/reader.h"
#include "activity/unpacked.h"

/* the unpacked values a call site keeps, at most */
#define UNPACK_CACHE_BYTES	((Size) 64 << 20)
/* slots of a call site's tables: a value's key picks two of them */
#define UNPACK_SLOTS		8192

/* a value seen again, unpacked */
typedef struct UnpackEntry
{
	uint64		key;			/* value_key() */
	MemoryContext cxt;			/* holds all of it */
	struct varlena *value;		/* a copy, for the byte-for-byte check */
	TimestampTz statement;		/* for a TOAST pointer: its statement's start */
	ActivityUnpacked *unpacked;
	dlist_node	lru;
} UnpackEntry;

/*
 * Two tables of two-way buckets: the keys of values seen once, and the
 * values unpacked.  A value whose slot another one takes is forgotten,
 * which only costs time.
 */
typedef struct UnpackCache
{
	MemoryContext cxt;			/* the entries, a child of fn_mcxt */
	dlist_head	lru;			/* the entries, last used first */
	Size		bytes;			/* their memory */
	uint64		first;			/* the key of the first call, until the tables exist */
	uint64	   *seen;			/* UNPACK_SLOTS keys seen once (0: none) */
	UnpackEntry **entry;		/* UNPACK_SLOTS values unpacked */
} UnpackCache;

/*
 * The key of a value: a hash of its size and of its first and last 64
 * bytes (where values differ: the header's counts and span, the first ids,
 * the last user's days), never 0.  Two values with one key only cost
 * time: an entry is used for a value only when it holds a copy of the same
 * bytes.
 */
static uint64
value_key(const struct varlena *flat, Size size)
{
	const unsigned char *p = (const unsigned char *) flat;
	uint64		h = hash_bytes_uint32_extended((uint32) size, (uint64) size >> 32);

	if (size <= 128)
		h = hash_bytes_extended(p, (int) size, h);
	else
	{
		h = hash_bytes_extended(p, 64, h);
		h = hash_bytes_extended(p + size - 64, 64, h);
	}
	return h == 0 ? 1 : h;
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

	if (cache != NULL)
		return cache;
	cache = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(UnpackCache));
	cache->cxt = AllocSetContextCreate(fcinfo->flinfo->fn_mcxt, "adoption unpacked values",
									   ALLOCSET_DEFAULT_SIZES);
	dlist_init(&cache->lru);
	fcinfo->flinfo->fn_extra = cache;
	return cache;
}

/* the first slot of a key's bucket; the bucket is it and the next */
static inline uint32
bucket_of(uint64 key)
{
	return (uint32) (key % (UNPACK_SLOTS / 2)) * 2;
}

/* the slot of a bucket that a new key takes: an empty one, or either */
static inline uint32
slot_for(uint64 key, bool first_empty, bool second_empty)
{
	uint32		b = bucket_of(key);

	if (first_empty)
		return b;
	if (second_empty)
		return b + 1;
	return b + (uint32) ((key >> 40) & 1);
}

static void
drop_entry(UnpackCache *cache, UnpackEntry *e)
{
	uint32		b = bucket_of(e->key);

	cache->entry[cache->entry[b] == e ? b : b + 1] = NULL;
	dlist_delete(&e->lru);
	cache->bytes -= MemoryContextMemAllocated(e->cxt, true);
	MemoryContextDelete(e->cxt);
}

/*
 * unpacks a value seen before (flat, detoasted) into its slot, within the
 * budget, with a copy of the bytes it is known by (src)
 */
static UnpackEntry *
keep_unpacked(UnpackCache *cache, uint64 key, const struct varlena *src, Size size,
			  const struct varlena *flat, TimestampTz statement)
{
	MemoryContext cxt = AllocSetContextCreate(cache->cxt, "adoption unpacked value",
											  ALLOCSET_SMALL_SIZES);
	MemoryContext oldcxt = MemoryContextSwitchTo(cxt);
	UnpackEntry *e = palloc(sizeof(UnpackEntry));
	uint32		b,
				slot;

	e->key = key;
	e->cxt = cxt;
	e->statement = statement;
	e->unpacked = unpack(flat);
	e->value = palloc(size);
	memcpy(e->value, src, size);
	MemoryContextSwitchTo(oldcxt);

	b = bucket_of(key);
	slot = slot_for(key, cache->entry[b] == NULL, cache->entry[b + 1] == NULL);
	if (cache->entry[slot] != NULL)
		drop_entry(cache, cache->entry[slot]);
	cache->entry[slot] = e;
	cache->bytes += MemoryContextMemAllocated(cxt, true);
	dlist_push_head(&cache->lru, &e->lru);
	while (cache->bytes > UNPACK_CACHE_BYTES)
	{
		UnpackEntry *old = dlist_container(UnpackEntry, lru, dlist_tail_node(&cache->lru));

		if (old == e)
			break;
		drop_entry(cache, old);
	}
	return e;
}

/* what a call site's tables say of a value */
typedef enum UnpackLookup
{
	UNPACK_NEW,					/* not seen before (now remembered), or not kept */
	UNPACK_AGAIN,				/* seen once before: to be unpacked */
	UNPACK_FOUND				/* unpacked before: *found */
} UnpackLookup;

static UnpackLookup
lookup(UnpackCache *cache, uint64 key, const struct varlena *src, Size size,
	   TimestampTz statement, UnpackEntry **found)
{
	uint32		b,
				i;

	if (cache->seen == NULL)
	{
		/* the tables are made at the second call: a single call costs a hash */
		if (cache->first == 0)
		{
			cache->first = key;
			return UNPACK_NEW;
		}
		cache->seen = MemoryContextAllocZero(cache->cxt, sizeof(uint64) * UNPACK_SLOTS);
		cache->entry = MemoryContextAllocZero(cache->cxt, sizeof(UnpackEntry *) * UNPACK_SLOTS);
		cache->seen[bucket_of(cache->first)] = cache->first;
	}
	b = bucket_of(key);
	for (i = 0; i < 2; i++)
	{
		UnpackEntry *e = cache->entry[b + i];

		if (e != NULL && e->key == key)
		{
			if (VARSIZE_ANY(e->value) != size || memcmp(e->value, src, size) != 0 ||
				e->statement != statement)
				return UNPACK_NEW;	/* another value with the same key */
			dlist_move_head(&cache->lru, &e->lru);
			*found = e;
			return UNPACK_FOUND;
		}
	}
	if (cache->seen[b] != key && cache->seen[b + 1] != key)
	{
		/* seen for the first time: remember its key */
		cache->seen[slot_for(key, cache->seen[b] == 0, cache->seen[b + 1] == 0)] = key;
		return UNPACK_NEW;
	}
	cache->seen[cache->seen[b] == key ? b : b + 1] = 0;
	return UNPACK_AGAIN;
}

ActivityUnpacked *
activity_unpacked_repeat(FunctionCallInfo fcinfo, int argno, struct varlena **flat)
{
	struct varlena *raw = (struct varlena *) PG_GETARG_POINTER(argno);
	const struct varlena *src = raw;
	TimestampTz statement = 0;
	UnpackLookup found = UNPACK_NEW;
	UnpackCache *cache = NULL;
	UnpackEntry *e = NULL;
	Size		size;
	uint64		key;

	*flat = NULL;
	if (fcinfo->flinfo != NULL && fcinfo->flinfo->fn_mcxt != NULL)
	{
		/*
		 * A value is known by the bytes it is passed as, so that a value
		 * seen before is neither fetched nor decompressed again: in line,
		 * compressed or not, its own bytes; stored out of line, its TOAST
		 * pointer, which names one value only while the statement runs (its
		 * snapshot keeps the value from being vacuumed away and the pointer
		 * reused).  Any other form, by its bytes once detoasted.
		 */
		if (VARATT_IS_EXTERNAL_ONDISK(raw))
			statement = GetCurrentStatementStartTimestamp();
		else if (VARATT_IS_EXTERNAL(raw))
			src = *flat = activity_detoast_arg(fcinfo, argno);
		size = VARSIZE_ANY(src);
		key = value_key(src, size);
		if (statement != 0)
			key = hash_combine64(key, (uint64) statement) | 1;
		cache = cache_of(fcinfo);
		found = lookup(cache, key, src, size, statement, &e);
		if (found == UNPACK_FOUND)
			return e->unpacked;
	}
	if (*flat == NULL)
		*flat = activity_detoast_arg(fcinfo, argno);
	if (found == UNPACK_AGAIN)
	{
		/* seen again: unpack it, unless it is too large */
		ActivityView v;

		activity_view_init(&v, *flat);
		if (v.ntriples <= UNPACK_MAX_TRIPLES)
			return keep_unpacked(cache, key, src, size, *flat, statement)->unpacked;
	}
	return NULL;
}
