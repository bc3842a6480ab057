/*
 * args.h
 *		The shared handling of accessor arguments: the activity value,
 *		as_of, days, feature and seats.  One place validates them, with the
 *		same messages everywhere.
 */
#ifndef ADOPTION_ARGS_H
#define ADOPTION_ARGS_H

#include "activity/reader.h"

/* the trailing window (lo, hi]: the days days ending at as_of */
typedef struct Window
{
	int64		lo;				/* exclusive */
	int32		hi;				/* inclusive: as_of */
	int32		days;
} Window;

/*
 * Opens the activity argument (argument 0); false when it is NULL, and the
 * accessor returns NULL.
 */
extern bool arg_activity(FunctionCallInfo fcinfo, ActivityView *v);

/* reads a date argument named name; false when NULL */
extern bool arg_as_of(FunctionCallInfo fcinfo, int argno, int32 *as_of);

/* a date bound (cohort_from, cohort_to): -infinity and infinity are open */
extern bool arg_date_bound(FunctionCallInfo fcinfo, int argno, int64 *bound);

/* reads as_of and days; false when either is NULL */
extern bool arg_window(FunctionCallInfo fcinfo, int as_of_arg, int days_arg, Window *w);

/* a positive count argument (days, quiet_days, n, periods ...) */
extern int32 arg_positive(FunctionCallInfo fcinfo, int argno, const char *name);

/* the feature filter: FEATURE_ANY when NULL, FEATURE_NONE when unknown */
extern int32 arg_feature(FunctionCallInfo fcinfo, int argno, const ActivityView *v);

/* seats: false when NULL; negative is an error */
extern bool arg_seats(FunctionCallInfo fcinfo, int argno, int64 *seats);

/* no start feature: users start on their first day of the activity counted */
#define START_ACTIVE (-3)

extern int32 arg_start_feature(FunctionCallInfo fcinfo, int argno, const ActivityView *v);

extern void invalid_argument(const char *name, const char *range, int64 value);



/*
 * An integer[] argument whose elements must be >= 0 (retention checkpoints);
 * false when the array is NULL.
 */
extern bool arg_checkpoints(FunctionCallInfo fcinfo, int argno, const char *name,
							int32 **values, int *n);

/*
 * The same with elements >= min (range: the message's allowed range);
 * false when the array is NULL.
 */
extern bool arg_int_array(FunctionCallInfo fcinfo, int argno, const char *name, int32 min,
						  const char *range, int32 **values, int *n);
#endif							/* ADOPTION_ARGS_H */
