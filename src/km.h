/*
 * km.h
 *		Kaplan-Meier quantiles (doc/reference.md, "Kaplan-Meier quantiles"),
 *		shared by time_to_feature and time_to_first_use.
 */
#ifndef ADOPTION_KM_H
#define ADOPTION_KM_H

#include "activity/radix.h"
#include "activity/reader.h"

/*
 * One observation: a time in days (>= 0) and whether the event happened
 * (else the observation is censored at that time), packed as a sort key.
 */
static inline uint64
km_key(int32 time, bool event)
{
	Assert(time >= 0);
	return ((uint64) (uint32) time << 1) | (event ? 1 : 0);
}

/* a quantile p asked for as the survival level 1 - p = num / den */
typedef struct KmLevel
{
	uint32		num;
	uint32		den;
	bool		found;			/* out: the curve falls to num / den */
	double		value;			/* out: the quantile, when found */
} KmLevel;

/*
 * Sorts the n keys and computes the quantiles of levels[0 .. nlevels),
 * which must be in decreasing order of num / den, each in (0, 1).
 */
extern void km_quantiles(uint64 *keys, Size n, KmLevel *levels, int nlevels);

/*
 * The row (users, reached, median_days, p90_days) of time_to_feature and
 * time_to_first_use over the n observations in keys (sorted here).
 */
extern Datum km_summary_row(FunctionCallInfo fcinfo, uint64 *keys, Size n, int64 reached);

#endif							/* ADOPTION_KM_H */
