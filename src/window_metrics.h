/*
 * window_metrics.h
 *		What the window accessors of usage.c, trends.c and team.c compute
 *		from their per-user counts, shared with usage_report (report.c) so
 *		that each figure of the report is the accessor's own arithmetic.
 */
#ifndef ADOPTION_WINDOW_METRICS_H
#define ADOPTION_WINDOW_METRICS_H

#include "postgres.h"

/* how the window's active user-days spread over users */
typedef struct Spread
{
	int64		users;			/* users active in the window */
	int64		total;			/* active user-days: sum of x */
	double		sum_sq;			/* sum of x^2 */
	int64		top;			/* largest x */
	uint32		top_user;		/* its user, the first in id order */
	int32		top_last;		/* its last active day up to as_of */
} Spread;

/*
 * Adds a user with x active days in the window (0: not active), last its
 * last active day up to as_of; users must come in id order, so that a later
 * tie never replaces the first.
 */
static inline void
spread_add(Spread *s, int64 x, uint32 user, int32 last)
{
	if (x == 0)
		return;
	s->users++;
	s->total += x;
	s->sum_sq += (double) x * (double) x;
	if (x > s->top)
	{
		s->top = x;
		s->top_user = user;
		s->top_last = last;
	}
}

/* champion_share: the top user's share of the active user-days (users > 0) */
static inline double
spread_champion_share(const Spread *s)
{
	return (double) s->top / (double) s->total;
}

/* effective_users: (sum x)^2 / sum x^2 (users > 0) */
static inline double
spread_effective_users(const Spread *s)
{
	return (double) s->total * (double) s->total / s->sum_sq;
}

/* stickiness: mean DAU over all days of the window, over the window's actives (active > 0) */
static inline double
stickiness_value(int64 user_days, int32 days, int64 active)
{
	return (double) user_days / (double) days / (double) active;
}

/* depth: (user, named feature) pairs of the window per active user (active > 0) */
static inline double
depth_value(int64 pairs, int64 active)
{
	return (double) pairs / (double) active;
}

/* usage_trend: user-days now over user-days in the window before, minus 1 (before > 0) */
static inline double
usage_trend_value(int64 now, int64 before)
{
	return (double) now / (double) before - 1.0;
}

#endif							/* ADOPTION_WINDOW_METRICS_H */
