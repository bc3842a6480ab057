/*
 * unpacked.h
 *		A stored value read once into arrays, for a call site that reads
 *		the same values again and again.
 *
 * A point-in-time query (a backtest: every account as of each of 52 week
 * ends) calls one function on the same summary once per date, and each
 * call decodes the whole value again, while it needs only a few of each
 * user's days.  activity_unpacked_repeat() notices, per call site, that
 * its argument is byte for byte a value it has seen before, and from the
 * second sighting on hands out that value unpacked: each user's distinct
 * days and each pair's days as sorted arrays, which a call searches
 * instead of decoding.  Checked against a copy of the bytes themselves,
 * an unpacked form is never used for another value.
 */
#ifndef ADOPTION_ACTIVITY_UNPACKED_H
#define ADOPTION_ACTIVITY_UNPACKED_H

#include "postgres.h"
#include "fmgr.h"
#include "activity/reader.h"

/*
 * A sorted day list, and where the last search in it ended: the calls of a
 * point-in-time query mostly move as_of by a few days, so a search starts
 * there (unpacked_bound).  The memo only saves time, it never changes a
 * result.
 */
typedef struct UnpackedDays
{
	uint32		off;			/* first day, in ActivityUnpacked.days */
	uint32		ndays;
	uint32		at;				/* a recent result of unpacked_bound */
} UnpackedDays;

/* one (user, feature) pair: its feature code and its days */
typedef struct UnpackedPair
{
	uint32		feature;
	UnpackedDays days;
} UnpackedPair;

/*
 * one user, in id order: its distinct days (any feature), twice for the
 * memo of two bounds, and its pairs
 */
typedef struct UnpackedUser
{
	UnpackedDays days;
	UnpackedDays days_lo;		/* the same days, for a window's lower bound */
	uint32		pair0;			/* first pair, in ActivityUnpacked.pairs */
	uint32		npairs;
} UnpackedUser;

typedef struct ActivityUnpacked
{
	uint32		nusers;
	UnpackedUser *users;
	UnpackedPair *pairs;
	int32	   *days;
} ActivityUnpacked;

/*
 * The unpacked form of the summary argument argno when this call site has
 * seen the same value before; else NULL, and *flat is the value detoasted
 * (the caller reads it as usual).  *flat is NULL when the value is handed
 * out unpacked without being detoasted.  The call site's fn_extra is this
 * module's.  Values of more than UNPACK_MAX_TRIPLES triples are never
 * unpacked.
 */
#define UNPACK_MAX_TRIPLES	((uint64) 1 << 22)

extern ActivityUnpacked *activity_unpacked_repeat(FunctionCallInfo fcinfo, int argno,
												  struct varlena **flat);

/*
 * The number of days of d that are <= x (days_upper_bound), searched from
 * the memo: a few steps when x moved little since the last search, a binary
 * search of the rest otherwise.
 */
static inline uint32
unpacked_bound(const ActivityUnpacked *u, UnpackedDays *d, int64 x)
{
	const int32 *days = u->days + d->off;
	uint32		at = d->at,
				lo,
				hi,
				step;

	if (at < d->ndays && days[at] <= x)
	{
		/* forward: the answer is above at */
		for (step = 0; step < 4; step++)
		{
			at++;
			if (at == d->ndays || days[at] > x)
				return d->at = at;
		}
		lo = at + 1;
		hi = d->ndays;
	}
	else if (at > 0 && days[at - 1] > x)
	{
		/* backward: the answer is below at */
		for (step = 0; step < 4; step++)
		{
			at--;
			if (at == 0 || days[at - 1] <= x)
				return d->at = at;
		}
		lo = 0;
		hi = at - 1;
	}
	else
		return at;
	/* days[lo - 1] <= x < days[hi] (where they exist) */
	return d->at = lo + days_upper_bound(days + lo, hi - lo, x);
}

#endif							/* ADOPTION_ACTIVITY_UNPACKED_H */
