/*
 * trends.c
 *		usage_trend, dormant_users and abandonment_rate: activity in recent
 *		windows against activity before them.
 */
#include "postgres.h"

#include "args.h"
#include "window_metrics.h"

PG_FUNCTION_INFO_V1(activity_usage_trend);
PG_FUNCTION_INFO_V1(activity_dormant_users);
PG_FUNCTION_INFO_V1(activity_abandonment_rate);

Datum
activity_usage_trend(PG_FUNCTION_ARGS)
{
	ActivityView v;
	ActivityCursor c;
	Window		w;
	int32		feature;
	int64		now = 0,
				before = 0;

	if (!arg_activity(fcinfo, &v) || !arg_window(fcinfo, 1, 2, &w))
		PG_RETURN_NULL();
	feature = arg_feature(fcinfo, 3, &v);
	if (feature == FEATURE_NONE)
		PG_RETURN_NULL();
	cursor_init(&c, &v);
	while (cursor_next_user(&c))
	{
		uint32		n = cursor_user_days_in(&c, feature, w.lo - w.days, w.hi);

		now += days_in_window(c.days, n, w.lo, w.hi);
		before += days_in_window(c.days, n, w.lo - w.days, w.lo);
	}
	if (before == 0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(usage_trend_value(now, before));
}

/*
 * Users of the feature filter, and those of them with no activity in the
 * quiet window, among users with activity up to as_of (before_only: only
 * those active before the quiet window).
 */
static void
quiet_users(const ActivityView *v, int32 feature, int32 as_of, int32 quiet_days,
			bool before_only, int64 *users, int64 *quiet)
{
	ActivityCursor c;
	int64		lo = (int64) as_of - quiet_days;

	*users = *quiet = 0;
	if (feature == FEATURE_NONE)
		return;
	cursor_init(&c, v);
	while (cursor_next_user(&c))
	{
		bool		seen = false,
					recent = false;

		while (cursor_next_pair(&c))
		{
			if ((feature != FEATURE_ANY && (int32) c.feature != feature) ||
				c.days[0] > as_of)
				continue;
			seen |= before_only ? c.days[0] <= lo : true;
			recent |= days_in_window(c.days, c.ndays, lo, as_of) > 0;
		}
		if (seen)
		{
			(*users)++;
			*quiet += !recent;
		}
	}
}

Datum
activity_dormant_users(PG_FUNCTION_ARGS)
{
	ActivityView v;
	int32		as_of,
				quiet_days;
	int64		users,
				quiet;

	if (!arg_activity(fcinfo, &v) || PG_ARGISNULL(1) || PG_ARGISNULL(2))
		PG_RETURN_NULL();
	quiet_days = arg_positive(fcinfo, 2, "quiet_days");
	arg_as_of(fcinfo, 1, &as_of);
	quiet_users(&v, arg_feature(fcinfo, 3, &v), as_of, quiet_days, true, &users, &quiet);
	PG_RETURN_INT64(quiet);
}

Datum
activity_abandonment_rate(PG_FUNCTION_ARGS)
{
	ActivityView v;
	int32		as_of,
				quiet_days;
	int64		users,
				quiet;

	/* a NULL feature is any activity (doc/reference.md, "Conventions") */
	if (!arg_activity(fcinfo, &v) || PG_ARGISNULL(2) || PG_ARGISNULL(3))
		PG_RETURN_NULL();
	quiet_days = arg_positive(fcinfo, 3, "quiet_days");
	arg_as_of(fcinfo, 2, &as_of);
	quiet_users(&v, arg_feature(fcinfo, 1, &v), as_of, quiet_days, false, &users, &quiet);
	if (users == 0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8((double) quiet / (double) users);
}
