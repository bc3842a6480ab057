/*
 * builder.c
 *		The builder: rows in, as packed keys, sorted and deduplicated in
 *		batches.  Stored values come in through merge.c; encode.c turns
 *		the keys into the stored form.
 */
#include "postgres.h"

#include "miscadmin.h"
#include "utils/memutils.h"

#include "activity/builder_private.h"

/*
 * A new, empty builder.  With own_context it lives in a new child context of
 * cxt, deleted with the object (DeleteExpandedObject); without, directly in
 * cxt, which the caller shares between builders and frees as a whole (see
 * aggregates.c: one context per aggregate context, not one per group).
 */
ActivityBuilder *
builder_create(MemoryContext cxt, uint8 id_type, bool own_context)
{
	ActivityBuilder *b;

	if (own_context)
		cxt = AllocSetContextCreate(cxt, "activity builder", ALLOCSET_SMALL_SIZES);
	b = MemoryContextAllocZero(cxt, sizeof(ActivityBuilder));
	EOH_init_header(&b->hdr, &activity_expanded_methods, cxt);
	b->magic = BUILDER_MAGIC;
	b->id_type = id_type;
	dict_init(&b->users, id_type == ACT_ID_TEXT || id_type == ACT_ID_UUID, cxt);
	dict_init(&b->features, true, cxt);
	b->capkeys = MIN_TAIL;
	b->keys = MemoryContextAlloc(cxt, b->capkeys * sizeof(uint64));
	b->fbits = 8;
	b->dbits = 16;
	b->ushift = b->fbits + b->dbits;
	b->day_base = -(INT64CONST(1) << 15);	/* 1910 to 2089 before any widening */
	return b;
}

/* fails when nusers users do not fit above ushift bits of a key */
void
check_users_fit(ActivityBuilder *b, int ushift, uint64 nusers)
{
	if (ushift > 64 || (ushift > 0 && ushift < 64 && (nusers >> (64 - ushift)) != 0) ||
		(ushift == 64 && nusers > 1))
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("activity summary too large: %llu users, %u features and a span of 2^%d days do not fit",
						(unsigned long long) nusers, b->features.n, b->dbits)));
}

/*
 * Re-packs every key with new field widths.  The packing is monotone in
 * each field, so the sorted prefix stays sorted.
 */
static void
builder_repack(ActivityBuilder *b, int fbits, int dbits, int64 day_base)
{
	uint64		dmask = (UINT64CONST(1) << b->dbits) - 1;
	uint64		fmask = (UINT64CONST(1) << b->fbits) - 1;
	Size		i;

	check_users_fit(b, fbits + dbits, b->users.n);
	for (i = 0; i < b->nkeys; i++)
	{
		uint64		k = b->keys[i];
		uint64		u = k >> b->ushift;
		uint64		f = (k >> b->dbits) & fmask;
		int64		day = (int64) (k & dmask) + b->day_base;

		b->keys[i] = (u << (fbits + dbits)) | (f << dbits) | (uint64) (day - day_base);
	}
	b->fbits = fbits;
	b->dbits = dbits;
	b->ushift = fbits + dbits;
	b->day_base = day_base;
}

/* makes the day field wide enough for day; a no-op when it already is */
void
builder_widen_days(ActivityBuilder *b, int64 day)
{
	int64		lo;
	int64		hi;
	uint64		span;
	int			dbits;

	if ((((uint64) (day - b->day_base)) >> b->dbits) == 0)
		return;
	lo = Min(b->day_base, day);
	hi = Max(b->day_base + (INT64CONST(1) << b->dbits) - 1, day);
	span = (uint64) (hi - lo + 1);
	dbits = bitlen64(span) + 1;

	builder_repack(b, b->fbits, dbits,
				   lo - (int64) (((UINT64CONST(1) << dbits) - span) / 2));
}

/* makes the feature field wide enough for code */
void
builder_widen_features(ActivityBuilder *b, uint32 code)
{
	builder_repack(b, bitlen64(code) + 2, b->dbits, b->day_base);
}

/*
 * Sorts the unsorted tail and merges it into the sorted prefix, dropping
 * duplicates.  Memory: the tail is at most as long as the prefix (see
 * builder_add_slow), so with the scratch copy of the tail the peak is
 * about 3 keys, 24 bytes, per distinct triple.
 */
void
builder_compact(ActivityBuilder *b)
{
	Size		s = b->nsorted;
	Size		t = b->nkeys - s;
	uint64	   *tmp;
	uint64	   *tail;
	Size		i,
				j,
				w,
				dups;

	if (t == 0)
		return;
	tmp = MemoryContextAllocHuge(b->hdr.eoh_context, t * sizeof(uint64));
	tail = radix_sort(b->keys + s, tmp, t, key_bits(b));
	t = dedupe_sorted(tail, t);
	if (s == 0)
	{
		if (tail != b->keys)
			memcpy(b->keys, tail, t * sizeof(uint64));
		b->nkeys = b->nsorted = t;
		pfree(tmp);
		return;
	}
	if (tail != tmp)
		memcpy(tmp, tail, t * sizeof(uint64));

	/* count the keys the tail shares with the prefix */
	for (i = 0, j = 0, dups = 0; i < s && j < t;)
	{
		if (b->keys[i] < tmp[j])
			i++;
		else if (b->keys[i] > tmp[j])
			j++;
		else
		{
			dups++;
			i++;
			j++;
		}
	}

	/* merge from the back: writes never overtake the unread prefix */
	w = s + t - dups;
	i = s;
	j = t;
	while (j > 0)
	{
		uint64		v;

		if (i > 0 && b->keys[i - 1] > tmp[j - 1])
			v = b->keys[--i];
		else
		{
			v = tmp[--j];
			if (i > 0 && b->keys[i - 1] == v)
				i--;
		}
		b->keys[--w] = v;
	}
	Assert(w == i);
	b->nkeys = b->nsorted = s + t - dups;
	pfree(tmp);
}

void
builder_add_slow(ActivityBuilder *b, uint64 key)
{
	builder_forget_flat(b);
	if (b->nkeys == b->capkeys)
	{
		Size		want;

		CHECK_FOR_INTERRUPTS();
		builder_compact(b);
		/* room for a tail as long as the distinct keys held */
		want = b->nkeys + Max(b->nkeys, MIN_TAIL);
		if (b->capkeys < want)
		{
			if (want > MaxAllocHugeSize / sizeof(uint64))
				ereport(ERROR,
						(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
						 errmsg("activity summary too large to build in memory")));
			b->keys = repalloc_huge(b->keys, want * sizeof(uint64));
			b->capkeys = want;
		}
	}
	if (b->nsorted == b->nkeys && (b->nkeys == 0 || key > b->keys[b->nkeys - 1]))
		b->nsorted++;
	b->keys[b->nkeys++] = key;
}

/* empties a builder's set, keeping its key buffer */
void
builder_clear(ActivityBuilder *b)
{
	dict_free(&b->users);
	dict_free(&b->features);
	b->nkeys = b->nsorted = 0;
	b->fbits = 8;
	b->dbits = 16;
	b->ushift = b->fbits + b->dbits;
	b->day_base = -(INT64CONST(1) << 15);
}
