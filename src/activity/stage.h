/*
 * stage.h
 *		Rows of a hashed activity_agg held back, and added to their
 *		builders in batches, one builder at a time (stage.c).
 *
 * Hash aggregation over events in time order hands each row to another
 * group's builder: with thousands of groups, every row of activity_agg
 * missed the cache on its builder's header, its user dictionary and the
 * end of its key buffer, and those misses grew with the number of groups
 * (the time per event of a build grew with the scale).  A stage is shared
 * by the builders of one aggregate context.  A row goes into it knowing
 * only which builder it is for (found from the state datum without
 * reading the builder); when the stage fills, its rows are ordered by
 * builder and each builder takes its rows in one go, its memory then in
 * cache.  A builder whose rows are staged flushes the stage before it is
 * read (builder_flatten), so nothing ever sees a builder without them.
 *
 * Small stored values of a hashed rollup (per-day summaries rolled up per
 * account) are staged the same way: copied into the stage's buffer as they
 * come, they reach their builders' pending values (builder_add_flat) in
 * batches, instead of each being copied to the end of a cold buffer of
 * its builder.
 */
#ifndef ADOPTION_ACTIVITY_STAGE_H
#define ADOPTION_ACTIVITY_STAGE_H

#include "activity/builder.h"

typedef struct StagedRow
{
	uint32		builder;		/* index in stage->builders */
	uint32		feature;		/* stage feature code; 0: no feature */
	int64		user;
	int32		day;
} StagedRow;

/* a stored value held back: vals[off .. off + len) */
typedef struct StagedValue
{
	uint32		builder;		/* index in stage->builders */
	uint32		len;
	Size		off;
} StagedValue;

/* stored values up to this size are staged; larger ones are added at once */
#define STAGE_VALUE_MAX	8192

/* a builder's state datum and its index + 1 (0: an empty slot) */
typedef struct StageSlot
{
	Datum		datum;
	uint32		index;
} StageSlot;

typedef struct BuilderStage
{
	MemoryContext cxt;			/* the builders' context, the stage's own */
	/* the builders, and their state datums hashed to their index */
	ActivityBuilder **builders;
	uint32		nbuilders;
	uint32		capbuilders;
	StageSlot  *slots;			/* open addressing, at most half full */
	uint32		mask;
	/* the feature names of staged rows; code = entry + 1 */
	KeyDict		features;
	StagedRow  *rows;
	Size		nrows;
	Size		caprows;
	/* stored values staged, their bytes in vals at int-aligned offsets */
	StagedValue *values;
	Size		nvalues;
	Size		capvalues;
	char	   *vals;
	Size		vals_len;
	Size		vals_cap;
	/* stage_flush's scratch, kept across flushes */
	StagedRow  *sorted;			/* caprows rows */
	StagedValue *sorted_values; /* capvalues values */
	Size	   *start;			/* capbuilders + 1 */
} BuilderStage;

/*
 * the stage of an aggregate context's builders (builders_cxt gives their
 * context), created when missing; NULL when none can be
 */
extern BuilderStage *stage_for(MemoryContext aggcxt,
							   MemoryContext (*builders_cxt) (MemoryContext));
/* builder b (of the stage's context) takes part in the stage */
extern uint32 stage_add_builder(BuilderStage *s, ActivityBuilder *b);
/* adds every staged row and value to its builder */
extern void stage_flush(BuilderStage *s);
extern void stage_grow(BuilderStage *s);
/* holds back a copy of stored value flat (at most STAGE_VALUE_MAX bytes) */
extern void stage_value(BuilderStage *s, uint32 i, const struct varlena *flat);

/* the index of the builder behind a state datum, or -1 */
static inline int64
stage_builder_index(const BuilderStage *s, Datum d)
{
	uint32		h;

	if (s->mask == 0)
		return -1;
	h = hash_int64_key((int64) d) & s->mask;
	while (s->slots[h].index != 0)
	{
		if (s->slots[h].datum == d)
			return s->slots[h].index - 1;
		h = (h + 1) & s->mask;
	}
	return -1;
}

/* the stage code of a feature name */
static inline uint32
stage_feature(BuilderStage *s, const char *name, Size len)
{
	return dict_bytes_key(&s->features, name, len) + 1;
}

/* holds back a row for builder index i */
static inline void
stage_row(BuilderStage *s, uint32 i, int64 user, uint32 feature, int32 day)
{
	StagedRow  *r;

	if (unlikely(s->nrows == s->caprows))
		stage_grow(s);
	r = &s->rows[s->nrows++];
	r->builder = i;
	r->feature = feature;
	r->user = user;
	r->day = day;
}

#endif							/* ADOPTION_ACTIVITY_STAGE_H */
