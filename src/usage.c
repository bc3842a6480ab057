/*
 * usage.c
 *		user_count, active_users, stickiness, adoption_rate,
 *		feature_adoption_rate, features, depth, first_day and last_day.
 *
 * Each reads the stored value once, user by user, through the cursor of
 * activity.h; a user's pairs give the per-feature figures directly, and
 * cursor_user_days() the user's distinct days when several features must
 * be merged.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "utils/builtins.h"

#include "args.h"
#include "compat.h"
#include "window_metrics.h"

PG_FUNCTION_INFO_V1(activity_user_count);
PG_FUNCTION_INFO_V1(activity_active_users);
PG_FUNCTION_INFO_V1(activity_stickiness);
PG_FUNCTION_INFO_V1(activity_adoption_rate);
PG_FUNCTION_INFO_V1(activity_feature_adoption_rate);
PG_FUNCTION_INFO_V1(activity_features);
PG_FUNCTION_INFO_V1(activity_depth);
PG_FUNCTION_INFO_V1(activity_first_day);
PG_FUNCTION_INFO_V1(activity_last_day);

static inline bool
matches(const ActivityCursor *c, int32 feature)
{
	return feature == FEATURE_ANY || (int32) c->feature == feature;
}

/* whether the current user has a day in (lo, hi] on the feature filter */
static bool
user_active(ActivityCursor *c, int32 feature, int64 lo, int64 hi)
{
	while (cursor_next_pair(c))
		if (matches(c, feature) && days_in_window(c->days, c->ndays, lo, hi) > 0)
			return true;
	return false;
}

/* users with a day in (lo, hi] on the feature filter */
static int64
count_active(const ActivityView *v, int32 feature, int64 lo, int64 hi)
{
	ActivityCursor c;
	int64		n = 0;

	if (feature == FEATURE_NONE || v->ntriples == 0)
		return 0;
	/* every user has a day in the range when it spans the whole value */
	if (feature == FEATURE_ANY && lo < v->min_day && hi >= v->max_day)
		return v->nusers;
	cursor_init(&c, v);
	while (cursor_next_user(&c))
		if (user_active(&c, feature, lo, hi))
			n++;
	return n;
}

Datum
activity_user_count(PG_FUNCTION_ARGS)
{
	ActivityView v;
	int32		as_of = PG_INT32_MAX;

	if (!arg_activity(fcinfo, &v))
		PG_RETURN_NULL();
	arg_as_of(fcinfo, 2, &as_of);
	PG_RETURN_INT64(count_active(&v, arg_feature(fcinfo, 1, &v), PG_INT64_MIN, as_of));
}

Datum
activity_active_users(PG_FUNCTION_ARGS)
{
	ActivityView v;
	Window		w;

	if (!arg_activity(fcinfo, &v) || !arg_window(fcinfo, 1, 2, &w))
		PG_RETURN_NULL();
	PG_RETURN_INT64(count_active(&v, arg_feature(fcinfo, 3, &v), w.lo, w.hi));
}

Datum
activity_stickiness(PG_FUNCTION_ARGS)
{
	ActivityView v;
	ActivityCursor c;
	Window		w;
	int32		feature;
	int64		active = 0,
				user_days = 0;

	if (!arg_activity(fcinfo, &v) || !arg_window(fcinfo, 1, 2, &w))
		PG_RETURN_NULL();
	feature = arg_feature(fcinfo, 3, &v);
	if (feature == FEATURE_NONE)
		PG_RETURN_NULL();
	cursor_init(&c, &v);
	while (cursor_next_user(&c))
	{
		uint32		n = cursor_user_days_in(&c, feature, w.lo, w.hi);
		uint32		k = days_in_window(c.days, n, w.lo, w.hi);

		if (k > 0)
		{
			active++;
			user_days += k;
		}
	}
	if (active == 0)
		PG_RETURN_NULL();
	/* mean DAU over all days of the window, over the window's actives */
	PG_RETURN_FLOAT8(stickiness_value(user_days, w.days, active));
}

Datum
activity_adoption_rate(PG_FUNCTION_ARGS)
{
	ActivityView v;
	Window		w;
	int64		seats;
	int64		active;

	if (!arg_activity(fcinfo, &v) || PG_ARGISNULL(2) || PG_ARGISNULL(3) ||
		!arg_seats(fcinfo, 1, &seats) || !arg_window(fcinfo, 2, 3, &w) || seats == 0)
		PG_RETURN_NULL();
	active = count_active(&v, arg_feature(fcinfo, 4, &v), w.lo, w.hi);
	PG_RETURN_FLOAT8((double) active / (double) seats);
}

Datum
activity_feature_adoption_rate(PG_FUNCTION_ARGS)
{
	ActivityView v;
	ActivityCursor c;
	Window		w;
	int32		feature;
	int64		active = 0,
				on_feature = 0;

	if (!arg_activity(fcinfo, &v) || !arg_window(fcinfo, 2, 3, &w))
		PG_RETURN_NULL();
	/* a NULL feature is any activity (doc/reference.md, "Conventions"): the rate is then 1 */
	feature = arg_feature(fcinfo, 1, &v);
	cursor_init(&c, &v);
	while (cursor_next_user(&c))
	{
		bool		any = false,
					on = false;

		while (cursor_next_pair(&c))
		{
			if (days_in_window(c.days, c.ndays, w.lo, w.hi) == 0)
				continue;
			any = true;
			if (matches(&c, feature))
				on = true;
		}
		active += any;
		on_feature += on;
	}
	if (active == 0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8((double) on_feature / (double) active);
}

Datum
activity_depth(PG_FUNCTION_ARGS)
{
	ActivityView v;
	ActivityCursor c;
	Window		w;
	int64		active = 0,
				pairs = 0;

	if (!arg_activity(fcinfo, &v) || !arg_window(fcinfo, 1, 2, &w))
		PG_RETURN_NULL();
	cursor_init(&c, &v);
	while (cursor_next_user(&c))
	{
		bool		any = false;

		while (cursor_next_pair(&c))
		{
			if (days_in_window(c.days, c.ndays, w.lo, w.hi) == 0)
				continue;
			any = true;
			if (c.feature > 0)
				pairs++;
		}
		active += any;
	}
	if (active == 0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(depth_value(pairs, active));
}

/* per-feature figures of features() */
typedef struct FeatureStats
{
	int64		users;
	int64		active;
	int32		first;
	int32		last;
} FeatureStats;

Datum
activity_features(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	ActivityView v;
	ActivityCursor c;
	Window		w;
	int64		seats = 0;
	bool		have_seats;
	FeatureStats *fs;
	int64		active = 0;
	uint32		f;

	act_init_srf(fcinfo);
	if (!arg_activity(fcinfo, &v) || !arg_window(fcinfo, 1, 2, &w))
		return (Datum) 0;
	have_seats = arg_seats(fcinfo, 3, &seats) && seats > 0;

	fs = palloc0(((Size) v.nfeatures + 1) * sizeof(FeatureStats));
	cursor_init(&c, &v);
	while (cursor_next_user(&c))
	{
		bool		any = false;

		while (cursor_next_pair(&c))
		{
			FeatureStats *s = &fs[c.feature];
			uint32		upto = days_upper_bound(c.days, c.ndays, w.hi);
			bool		on;

			if (upto == 0)
				continue;
			on = days_in_window(c.days, upto, w.lo, w.hi) > 0;
			any |= on;
			if (s->users == 0 || c.days[0] < s->first)
				s->first = c.days[0];
			if (s->users == 0 || c.days[upto - 1] > s->last)
				s->last = c.days[upto - 1];
			s->users++;
			s->active += on;
		}
		active += any;
	}

	for (f = 1; f <= v.nfeatures; f++)
	{
		FeatureStats *s = &fs[f];
		Datum		values[7];
		bool		nulls[7] = {false, false, false, false, false, false, false};

		if (s->users == 0)
			continue;
		values[0] = PointerGetDatum(cstring_to_text_with_len(v.feat[f], v.feat_len[f]));
		values[1] = Int64GetDatum(s->users);
		values[2] = Int64GetDatum(s->active);
		values[3] = Float8GetDatum(active > 0 ? (double) s->active / (double) active : 0);
		nulls[3] = active == 0;
		values[4] = Float8GetDatum(have_seats ? (double) s->active / (double) seats : 0);
		nulls[4] = !have_seats;
		values[5] = DateADTGetDatum(s->first);
		values[6] = DateADTGetDatum(s->last);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/* first or last day of the feature filter; false when there is none */
static bool
edge_day(FunctionCallInfo fcinfo, bool last, int32 *day)
{
	ActivityView v;
	ActivityCursor c;
	int32		feature;
	bool		found = false;

	if (!arg_activity(fcinfo, &v) || v.ntriples == 0)
		return false;
	feature = arg_feature(fcinfo, 1, &v);
	if (feature == FEATURE_ANY)
	{
		*day = last ? v.max_day : v.min_day;
		return true;
	}
	if (feature == FEATURE_NONE)
		return false;
	cursor_init(&c, &v);
	while (cursor_next_user(&c))
		while (cursor_next_pair(&c))
		{
			int32		d;

			if ((int32) c.feature != feature)
				continue;
			d = last ? c.days[c.ndays - 1] : c.days[0];
			if (!found || (last ? d > *day : d < *day))
				*day = d;
			found = true;
		}
	return found;
}

Datum
activity_first_day(PG_FUNCTION_ARGS)
{
	int32		day;

	if (!edge_day(fcinfo, false, &day))
		PG_RETURN_NULL();
	PG_RETURN_DATEADT(day);
}

Datum
activity_last_day(PG_FUNCTION_ARGS)
{
	int32		day;

	if (!edge_day(fcinfo, true, &day))
		PG_RETURN_NULL();
	PG_RETURN_DATEADT(day);
}
