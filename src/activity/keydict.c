/*
 * keydict.c
 *		Dictionaries of distinct user ids or feature names, numbered in
 *		arrival order, and put in key order (the canonical order of the
 *		stored form) once a value is encoded.
 */
#include "postgres.h"

#include "common/hashfn.h"
#include "miscadmin.h"
#include "utils/memutils.h"

#include "activity/format.h"
#include "activity/keydict.h"
#include "activity/radix.h"


void
dict_init(KeyDict *d, bool bytes, MemoryContext cxt)
{
	memset(d, 0, sizeof(KeyDict));
	d->bytes = bytes;
	d->cxt = cxt;
}

/* frees what a dictionary holds and empties it */
void
dict_free(KeyDict *d)
{
	if (d->slots)
		pfree(d->slots);
	if (d->dense)
		pfree(d->dense);
	if (d->ints)
		pfree(d->ints);
	if (d->offs)
		pfree(d->offs);
	if (d->arena)
		pfree(d->arena);
	dict_init(d, d->bytes, d->cxt);
}

static void
dict_rehash(KeyDict *d, uint32 nslots)
{
	DictSlot   *old = d->slots;
	uint32		oldn = old ? d->mask + 1 : 0;
	uint32		i;

	d->slots = MemoryContextAllocZero(d->cxt, (Size) nslots * sizeof(DictSlot));
	d->mask = nslots - 1;
	for (i = 0; i < oldn; i++)
	{
		uint32		s;

		if (old[i].entry == 0)
			continue;
		for (s = old[i].hash & d->mask; d->slots[s].entry; s = (s + 1) & d->mask)
			;
		d->slots[s] = old[i];
	}
	if (old)
		pfree(old);
}

/* makes room for one more entry of extra_bytes */
static void
dict_reserve(KeyDict *d, Size extra_bytes)
{
	if (d->n >= MAX_DICT)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("an activity summary holds at most %u distinct users or features", MAX_DICT)));
	if (d->n + 1 >= d->cap)
	{
		uint32		cap = d->cap ? Min((uint64) d->cap * 2, MAX_DICT + 1) : 16;

		if (d->bytes)
		{
			if (d->offs == NULL)
			{
				d->offs = MemoryContextAlloc(d->cxt, (cap + 1) * sizeof(Size));
				d->offs[0] = 0;
			}
			else
				d->offs = repalloc_huge(d->offs, (cap + 1) * sizeof(Size));
		}
		else if (d->ints == NULL)
			d->ints = MemoryContextAlloc(d->cxt, cap * sizeof(int64));
		else
			d->ints = repalloc_huge(d->ints, cap * sizeof(int64));
		d->cap = cap;
	}
	if (d->dense == NULL && (Size) (d->n + 1) * 2 > (Size) d->mask + 1)
		dict_rehash(d, d->slots ? (d->mask + 1) * 2 : 32);
	/* an arena even for an empty first key: no pointer arithmetic on NULL */
	if (d->bytes && (d->arena == NULL || d->offs[d->n] + extra_bytes > d->arena_cap))
	{
		Size		cap = Max(d->arena_cap * 2, d->offs[d->n] + extra_bytes);

		cap = Max(cap, 256);
		if (d->arena == NULL)
			d->arena = MemoryContextAllocHuge(d->cxt, cap);
		else
			d->arena = repalloc_huge(d->arena, cap);
		d->arena_cap = cap;
	}
}

/* adds a slot for entry e, known to be absent */
static void
dict_insert_slot(KeyDict *d, int64 key, uint32 h, uint32 e)
{
	uint32		s;

	for (s = h & d->mask; d->slots[s].entry; s = (s + 1) & d->mask)
		;
	d->slots[s].key = key;
	d->slots[s].hash = h;
	d->slots[s].entry = e + 1;
}

/*
 * Integer ids are often serial, so that the ids of a summary fill most of
 * a range.  While they do, a direct map from id to entry replaces the hash
 * slots: no hashing, and 4 bytes per id of the range rather than 32 per
 * entry, so that a lookup more often hits the cache.  A dictionary of at
 * least DENSE_MIN_ENTRIES entries takes the map when its range, rounded up
 * to a power of two, holds at most DENSE_IDS_PER_ENTRY ids per entry (no
 * more memory than the slots at their sparsest), and goes back to hashing
 * when a new id would break that.
 */
#define DENSE_MIN_ENTRIES	64
#define DENSE_IDS_PER_ENTRY 16

/* the direct map's length for ids lo .. hi, or 0 when too sparse */
static uint64
dense_len_for(const KeyDict *d, int64 lo, int64 hi)
{
	uint64		span = (uint64) hi - (uint64) lo + 1;
	uint64		limit = (uint64) Max(d->n, DENSE_MIN_ENTRIES) * DENSE_IDS_PER_ENTRY;
	uint64		len = 1;

	while (len < span && len <= limit)
		len *= 2;
	return (span == 0 || len < span || len > limit || len > MAX_DICT) ? 0 : len;
}

/* maps ids lo .. lo + len - 1 directly, from the entries */
static void
dict_dense_build(KeyDict *d, int64 lo, uint64 len)
{
	uint32		i;

	if (d->dense)
		pfree(d->dense);
	if (d->slots)
		pfree(d->slots);
	d->slots = NULL;
	d->mask = 0;
	d->dense = MemoryContextAllocZero(d->cxt, len * sizeof(uint32));
	d->dense_lo = lo;
	d->dense_len = (uint32) len;
	for (i = 0; i < d->n; i++)
	{
		uint64		off = (uint64) d->ints[i] - (uint64) lo;

		if (off >= len)
			elog(ERROR, "activity builder: user id outside its direct map");
		d->dense[off] = i + 1;
	}
}

/* hash slots for the entries, instead of the direct map */
static void
dict_dense_drop(KeyDict *d)
{
	uint32		nslots = 32;
	uint32		i;

	pfree(d->dense);
	d->dense = NULL;
	while ((Size) (d->n + 1) * 2 > nslots)
		nslots *= 2;
	dict_rehash(d, nslots);
	for (i = 0; i < d->n; i++)
		dict_insert_slot(d, d->ints[i], hash_int64_key(d->ints[i]), i);
}

/* takes the direct map when the entries are dense enough */
static void
dict_dense_try(KeyDict *d)
{
	int64		lo = PG_INT64_MAX,
				hi = PG_INT64_MIN;
	uint64		len;
	uint32		i;

	for (i = 0; i < d->n; i++)
	{
		lo = Min(lo, d->ints[i]);
		hi = Max(hi, d->ints[i]);
	}
	len = dense_len_for(d, lo, hi);
	if (len > 0)
		dict_dense_build(d, lo, len);
}

/*
 * Widens the direct map to cover key, with room on the side it grew (ids
 * below the range are likely to go on coming); or, when that would be too
 * sparse, hashes instead.  Returns whether the map covers key.
 */
static bool
dict_dense_cover(KeyDict *d, int64 key)
{
	uint64		room = (uint64) PG_INT64_MAX - (uint64) d->dense_lo;
	int64		lo = Min(d->dense_lo, key);
	int64		hi = Max((int64) ((uint64) d->dense_lo + Min((uint64) d->dense_len - 1, room)), key);
	uint64		len = dense_len_for(d, lo, hi);

	if (len == 0)
	{
		dict_dense_drop(d);
		return false;
	}
	if (key < d->dense_lo && (uint64) hi - (uint64) PG_INT64_MIN >= len - 1)
		lo = (int64) ((uint64) hi - (len - 1));
	dict_dense_build(d, lo, len);
	return true;
}

/* dict_int, past the inline lookups of keydict.h */
uint32
dict_int_lookup(KeyDict *d, int64 key)
{
	uint32		h,
				s,
				e;

	if (d->last_entry && d->last_key == key)
		return d->last_entry - 1;
	if (d->dense &&
		((uint64) key - (uint64) d->dense_lo < d->dense_len || dict_dense_cover(d, key)))
	{
		uint32	   *slot = &d->dense[(uint64) key - (uint64) d->dense_lo];

		if (*slot == 0)
		{
			dict_reserve(d, 0);
			d->ints[d->n++] = key;
			*slot = d->n;
		}
		d->last_key = key;
		d->last_entry = *slot;
		return *slot - 1;
	}
	h = hash_int64_key(key);
	if (d->slots)
	{
		for (s = h & d->mask; d->slots[s].entry; s = (s + 1) & d->mask)
		{
			if (d->slots[s].key == key)
			{
				d->last_key = key;
				d->last_entry = d->slots[s].entry;
				return d->last_entry - 1;
			}
		}
	}
	dict_reserve(d, 0);
	e = d->n++;
	d->ints[e] = key;
	dict_insert_slot(d, key, h, e);
	d->last_key = key;
	d->last_entry = e + 1;
	/* at each doubling from DENSE_MIN_ENTRIES on: dense enough for a map? */
	if (d->n >= DENSE_MIN_ENTRIES && (d->n & (d->n - 1)) == 0)
		dict_dense_try(d);
	return e;
}

static inline void
recent_set(RecentKey *r, const char *key, Size len, uint32 e)
{
	if (len > RECENT_BYTES)
		return;
	r->entry = e + 1;
	r->len = (uint32) len;
	memcpy(r->bytes, key, len);
}

/* dict_bytes_key, past the inline lookup of keydict.h */
uint32
dict_bytes_lookup(KeyDict *d, const char *key, Size len)
{
	uint32		h,
				s,
				e;
	Size		elen;
	const char *ekey;
	RecentKey  *r = recent_slot(d, key, len);

	if (r->entry && r->len == len && memcmp(r->bytes, key, len) == 0)
		return r->entry - 1;
	h = hash_bytes((const unsigned char *) key, (int) len);
	if (d->slots)
	{
		for (s = h & d->mask; d->slots[s].entry; s = (s + 1) & d->mask)
		{
			if (d->slots[s].hash != h)
				continue;
			e = d->slots[s].entry - 1;
			ekey = dict_bytes(d, e, &elen);
			if (elen == len && memcmp(ekey, key, len) == 0)
			{
				recent_set(r, key, len, e);
				return e;
			}
		}
	}
	dict_reserve(d, len);
	e = d->n++;
	memcpy(d->arena + d->offs[e], key, len);
	d->offs[e + 1] = d->offs[e] + len;
	dict_insert_slot(d, 0, h, e);
	recent_set(r, key, len, e);
	return e;
}
static int
cmp_dict_entries(const void *a, const void *b, void *arg)
{
	const KeyDict *d = (const KeyDict *) arg;
	uint32		ea = *(const uint32 *) a;
	uint32		eb = *(const uint32 *) b;

	if (d->bytes)
	{
		Size		la,
					lb;
		const char *ka = dict_bytes(d, ea, &la);
		const char *kb = dict_bytes(d, eb, &lb);

		return cmp_bytes(ka, la, kb, lb);
	}
	return (d->ints[ea] > d->ints[eb]) - (d->ints[ea] < d->ints[eb]);
}

/*
 * The entries of an integer dictionary in id order, into order, by radix
 * on (id - smallest, entry): a comparison sort of millions of ids costs
 * several times more.  Returns false, leaving the order to the caller,
 * when the ids span 2^32 or more.
 */
static bool
dict_int_order(const KeyDict *d, uint32 *order)
{
	int64		lo = PG_INT64_MAX,
				hi = PG_INT64_MIN;
	uint64	   *keys;
	uint32		i;

	if (d->bytes)
		return false;
	for (i = 0; i < d->n; i++)
	{
		lo = Min(lo, d->ints[i]);
		hi = Max(hi, d->ints[i]);
	}
	if (((uint64) hi - (uint64) lo) >> 32 != 0)
		return false;
	keys = huge_array(uint64, d->n);
	for (i = 0; i < d->n; i++)
		keys[i] = (((uint64) d->ints[i] - (uint64) lo) << 32) | i;
	sort_keys(keys, d->n);
	for (i = 0; i < d->n; i++)
		order[i] = (uint32) keys[i];
	pfree(keys);
	return true;
}

/*
 * Renumbers the entries in key order (the canonical order of the stored
 * form).  Returns the map from old to new numbers, or NULL when the
 * entries were already in order.
 */
uint32 *
dict_canonicalize(KeyDict *d)
{
	uint32	   *order;
	uint32	   *rank;
	uint32		i;
	bool		sorted = true;

	for (i = 1; i < d->n && sorted; i++)
	{
		uint32		prev = i - 1;

		sorted = cmp_dict_entries(&prev, &i, d) < 0;
	}
	if (sorted)
		return NULL;

	order = MemoryContextAllocHuge(d->cxt, (Size) d->n * sizeof(uint32));
	if (!dict_int_order(d, order))
	{
		for (i = 0; i < d->n; i++)
			order[i] = i;
		qsort_arg(order, d->n, sizeof(uint32), cmp_dict_entries, d);
	}

	rank = MemoryContextAllocHuge(d->cxt, (Size) d->n * sizeof(uint32));
	for (i = 0; i < d->n; i++)
		rank[order[i]] = i;

	/* permute the entries, and renumber them in the hash slots */
	if (d->bytes)
	{
		char	   *arena = MemoryContextAllocHuge(d->cxt, d->arena_cap);
		Size	   *offs = MemoryContextAllocHuge(d->cxt, (Size) (d->cap + 1) * sizeof(Size));

		offs[0] = 0;
		for (i = 0; i < d->n; i++)
		{
			Size		len;
			const char *k = dict_bytes(d, order[i], &len);

			memcpy(arena + offs[i], k, len);
			offs[i + 1] = offs[i] + len;
		}
		pfree(d->arena);
		pfree(d->offs);
		d->arena = arena;
		d->offs = offs;
	}
	else
	{
		int64	   *ints = MemoryContextAllocHuge(d->cxt, (Size) d->cap * sizeof(int64));

		for (i = 0; i < d->n; i++)
			ints[i] = d->ints[order[i]];
		pfree(d->ints);
		d->ints = ints;
	}
	pfree(order);
	for (i = 0; d->slots && i <= d->mask; i++)
		if (d->slots[i].entry)
			d->slots[i].entry = rank[d->slots[i].entry - 1] + 1;
	for (i = 0; d->dense && i < d->dense_len; i++)
		if (d->dense[i])
			d->dense[i] = rank[d->dense[i] - 1] + 1;
	d->last_entry = 0;
	memset(d->recent, 0, sizeof(d->recent));
	return rank;
}
