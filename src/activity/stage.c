/*
 * stage.c
 *		Rows of a hashed activity_agg held back and added to their builders
 *		in batches (see stage.h for why).
 */
#include "postgres.h"

#include "miscadmin.h"
#include "utils/memutils.h"

#include "activity/builder_private.h"
#include "activity/stage.h"

/*
 * The stage holds up to ROWS_PER_BUILDER rows per builder (so that a flush
 * gives each builder enough rows to pay for reaching its memory), at least
 * STAGE_MIN_FLUSH and at most STAGE_MAX_ROWS (24 MB) rows.
 */
#define STAGE_MIN_ROWS	1024
#define STAGE_MIN_FLUSH	65536
#define STAGE_MAX_ROWS	((Size) 1 << 20)
#define ROWS_PER_BUILDER 64

/*
 * Staged stored values are flushed once they take VALUE_BYTES_PER_BUILDER
 * bytes per builder, at least STAGE_MIN_VALUE_BYTES and at most
 * STAGE_MAX_VALUE_BYTES: enough values per builder to pay for reaching it,
 * few enough bytes to be read back from the cache.
 */
#define VALUE_BYTES_PER_BUILDER	2048
#define STAGE_MIN_VALUE_BYTES	((Size) 256 << 10)
#define STAGE_MAX_VALUE_BYTES	((Size) 8 << 20)

/*
 * The stages alive, one per builders' context, each removed by a callback
 * when its context goes (reset or deleted with the aggregate context); the
 * last one found is remembered with its aggregate context.  A query rarely
 * has more than one hashed activity_agg context at a time; past MAX_STAGES
 * the rows go straight to their builders.
 */
#define MAX_STAGES		8
static BuilderStage *stages[MAX_STAGES];
static MemoryContext last_aggcxt = NULL;
static BuilderStage *last_stage = NULL;

static void
stage_forget(void *arg)
{
	int			i;

	for (i = 0; i < MAX_STAGES; i++)
		if (stages[i] == arg)
			stages[i] = NULL;
	if (last_stage == arg)
	{
		last_stage = NULL;
		last_aggcxt = NULL;
	}
}

static BuilderStage *
stage_of(MemoryContext cxt)
{
	BuilderStage *s;
	MemoryContextCallback *cb;
	int			i,
				free_slot = -1;

	for (i = 0; i < MAX_STAGES; i++)
	{
		if (stages[i] != NULL && stages[i]->cxt == cxt)
			return stages[i];
		if (stages[i] == NULL && free_slot < 0)
			free_slot = i;
	}
	if (free_slot < 0)
		return NULL;
	s = MemoryContextAllocZero(cxt, sizeof(BuilderStage));
	s->cxt = cxt;
	dict_init(&s->features, true, cxt);
	s->caprows = STAGE_MIN_ROWS;
	s->rows = MemoryContextAlloc(cxt, s->caprows * sizeof(StagedRow));
	s->sorted = MemoryContextAlloc(cxt, s->caprows * sizeof(StagedRow));
	cb = MemoryContextAlloc(cxt, sizeof(MemoryContextCallback));
	cb->func = stage_forget;
	cb->arg = s;
	MemoryContextRegisterResetCallback(cxt, cb);
	stages[free_slot] = s;
	return s;
}

BuilderStage *
stage_for(MemoryContext aggcxt, MemoryContext (*builders_cxt) (MemoryContext))
{
	BuilderStage *s;

	if (aggcxt == last_aggcxt && last_stage != NULL)
		return last_stage;
	s = stage_of(builders_cxt(aggcxt));
	if (s != NULL)
	{
		last_aggcxt = aggcxt;
		last_stage = s;
	}
	return s;
}

/* the slot of datum d in a table of mask + 1 slots */
static inline StageSlot *
stage_slot(StageSlot *slots, uint32 mask, Datum d)
{
	uint32		h = hash_int64_key((int64) d) & mask;

	while (slots[h].index != 0 && slots[h].datum != d)
		h = (h + 1) & mask;
	return &slots[h];
}

uint32
stage_add_builder(BuilderStage *s, ActivityBuilder *b)
{
	Datum		d = EOHPGetRWDatum(&b->hdr);
	StageSlot  *slot;

	Assert(b->hdr.eoh_context == s->cxt && b->stage == NULL);
	if (s->nbuilders == s->capbuilders)
	{
		s->capbuilders = Max(64, s->capbuilders * 2);
		s->builders = s->builders
			? repalloc_huge(s->builders, s->capbuilders * sizeof(ActivityBuilder *))
			: MemoryContextAllocHuge(s->cxt, s->capbuilders * sizeof(ActivityBuilder *));
		s->start = s->start
			? repalloc_huge(s->start, ((Size) s->capbuilders + 1) * sizeof(Size))
			: MemoryContextAllocHuge(s->cxt, ((Size) s->capbuilders + 1) * sizeof(Size));
	}
	/* at most half full */
	if ((Size) (s->nbuilders + 1) * 2 > (Size) s->mask + 1)
	{
		uint32		nslots = Max(128, (s->mask + 1) * 2);
		StageSlot  *ns = MemoryContextAllocHuge(s->cxt, nslots * sizeof(StageSlot));
		uint32		i;

		memset(ns, 0, nslots * sizeof(StageSlot));
		for (i = 0; i < s->nbuilders; i++)
		{
			Datum		bd = EOHPGetRWDatum(&s->builders[i]->hdr);

			slot = stage_slot(ns, nslots - 1, bd);
			slot->datum = bd;
			slot->index = i + 1;
		}
		if (s->slots)
			pfree(s->slots);
		s->slots = ns;
		s->mask = nslots - 1;
	}
	slot = stage_slot(s->slots, s->mask, d);
	slot->datum = d;
	slot->index = s->nbuilders + 1;
	s->builders[s->nbuilders] = b;
	b->stage = s;
	return s->nbuilders++;
}

/* room for more rows: a larger buffer, or the rows flushed */
void
stage_grow(BuilderStage *s)
{
	Size		want = Min(Max((Size) s->nbuilders * ROWS_PER_BUILDER, STAGE_MIN_FLUSH),
						   STAGE_MAX_ROWS);

	if (s->caprows < want)
	{
		s->caprows = Min(s->caprows * 2, want);
		s->rows = repalloc_huge(s->rows, s->caprows * sizeof(StagedRow));
		s->sorted = repalloc_huge(s->sorted, s->caprows * sizeof(StagedRow));
	}
	else
		stage_flush(s);
}

/*
 * Counts the staged items of each builder into s->start, as the start of
 * each builder's items in builder order (then moved to its end as the
 * caller places them).
 */
#define COUNT_BY_BUILDER(s, items, n) \
	do { \
		Size		k_; \
		uint32		i_; \
		memset((s)->start, 0, ((Size) (s)->nbuilders + 1) * sizeof(Size)); \
		for (k_ = 0; k_ < (n); k_++) \
			(s)->start[(items)[k_].builder + 1]++; \
		for (i_ = 0; i_ < (s)->nbuilders; i_++) \
			(s)->start[i_ + 1] += (s)->start[i_]; \
	} while (0)

/*
 * Holds back a copy of a stored value for builder index i; the values are
 * flushed when they take more than their share of bytes (see above).
 */
void
stage_value(BuilderStage *s, uint32 i, const struct varlena *flat)
{
	Size		len = VARSIZE_ANY(flat);
	Size		at = INTALIGN(s->vals_len);
	StagedValue *v;

	Assert(len <= STAGE_VALUE_MAX);
	if (s->nvalues == s->capvalues)
	{
		s->capvalues = Max(1024, s->capvalues * 2);
		s->values = s->values
			? repalloc_huge(s->values, s->capvalues * sizeof(StagedValue))
			: MemoryContextAllocHuge(s->cxt, s->capvalues * sizeof(StagedValue));
		s->sorted_values = s->sorted_values
			? repalloc_huge(s->sorted_values, s->capvalues * sizeof(StagedValue))
			: MemoryContextAllocHuge(s->cxt, s->capvalues * sizeof(StagedValue));
	}
	if (at + len > s->vals_cap)
	{
		s->vals_cap = Max(STAGE_MIN_VALUE_BYTES, Max(s->vals_cap * 2, at + len));
		s->vals = s->vals ? repalloc_huge(s->vals, s->vals_cap)
			: MemoryContextAllocHuge(s->cxt, s->vals_cap);
	}
	memcpy(s->vals + at, flat, len);
	s->vals_len = at + len;
	v = &s->values[s->nvalues++];
	v->builder = i;
	v->len = (uint32) len;
	v->off = at;
	if (s->vals_len >= Min(Max((Size) s->nbuilders * VALUE_BYTES_PER_BUILDER,
							   STAGE_MIN_VALUE_BYTES), STAGE_MAX_VALUE_BYTES))
		stage_flush(s);
}

/*
 * How many values ahead flush_values prefetches: it reads the stage's
 * buffer in builder order, i.e. at random, and a buffer of a few MB is
 * beyond the closer caches (the header of each value read cold took a
 * tenth of a per-day rollup's time).
 */
#define PREFETCH_VALUES	8

static inline void
prefetch_value(const BuilderStage *s, const StagedValue *v)
{
#ifdef __GNUC__
	__builtin_prefetch(s->vals + v->off);
	if (v->len > 64)
		__builtin_prefetch(s->vals + v->off + 64);
#endif
}

/*
 * Adds every staged value to its builder's pending values, in builder
 * order (stable), each builder's batch reserved at once.
 */
static void
flush_values(BuilderStage *s)
{
	Size		n = s->nvalues,
				first,
				k;
	StagedValue *sorted = s->sorted_values;
	uint32		i;

	if (n == 0)
		return;
	s->nvalues = 0;
	CHECK_FOR_INTERRUPTS();
	COUNT_BY_BUILDER(s, s->values, n);
	for (k = 0; k < n; k++)
		sorted[s->start[s->values[k].builder]++] = s->values[k];
	/* start[i] is now the end of builder i's values */
	for (i = 0, first = 0; i < s->nbuilders; first = s->start[i++])
	{
		Size		bytes = 0;

		if (first == s->start[i])
			continue;
		for (k = first; k < s->start[i]; k++)
			bytes += INTALIGN(sorted[k].len);
		builder_reserve_pending(s->builders[i], bytes);
		for (k = first; k < s->start[i]; k++)
		{
			if (k + PREFETCH_VALUES < n)
				prefetch_value(s, &sorted[k + PREFETCH_VALUES]);
			builder_add_flat(s->builders[i], (const struct varlena *) (s->vals + sorted[k].off));
		}
	}
	s->vals_len = 0;
}

/*
 * Adds every staged row to its builder: the rows put in builder order by a
 * counting sort (stable, so each builder takes its rows in arrival order,
 * which keeps its runs of repeated and ascending keys), then each builder
 * its rows in one go, with the stage's feature codes mapped to its own once.
 */
static void
flush_rows(BuilderStage *s)
{
	Size		n = s->nrows,
				k;
	Size	   *start = s->start;
	StagedRow  *sorted = s->sorted;
	uint32	   *fmap,
			   *fstamp;
	uint32		i;

	if (n == 0)
		return;
	s->nrows = 0;
	CHECK_FOR_INTERRUPTS();
	COUNT_BY_BUILDER(s, s->rows, n);
	for (k = 0; k < n; k++)
		sorted[start[s->rows[k].builder]++] = s->rows[k];
	/* start[i] is now the end of builder i's rows */

	fmap = MemoryContextAlloc(s->cxt, ((Size) s->features.n + 1) * sizeof(uint32));
	fstamp = MemoryContextAllocZero(s->cxt, ((Size) s->features.n + 1) * sizeof(uint32));
	fmap[0] = 0;
	for (i = 0, k = 0; i < s->nbuilders; i++)
	{
		ActivityBuilder *b = s->builders[i];

		for (; k < start[i]; k++)
		{
			const StagedRow *r = &sorted[k];
			uint32		feature = 0;
			uint32		user;

			if (r->feature != 0)
			{
				if (fstamp[r->feature] != i + 1)
				{
					Size		len;
					const char *name = dict_bytes(&s->features, r->feature - 1, &len);

					fmap[r->feature] = builder_feature(b, name, len);
					fstamp[r->feature] = i + 1;
				}
				feature = fmap[r->feature];
			}
			user = builder_user_int(b, r->user);
			builder_add(b, user, feature, r->day);
		}
	}
	pfree(fmap);
	pfree(fstamp);
}

/* adds every staged row and value to its builder */
void
stage_flush(BuilderStage *s)
{
	flush_rows(s);
	flush_values(s);
}
