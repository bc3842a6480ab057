/*
 * retention.c
 *		retention, retention_rate, feature_retention and time_to_feature
 *		(cohort_retention and lifecycle, by calendar period, are in
 *		cohorts.c).
 *
 * All read, per user, the sorted distinct days up to as_of (of a feature,
 * or of any activity), in one pass over the stored value.  The figures are
 * counts that add up across groups (users belong to one account), so a
 * product-wide table is the sum of per-account rows.
 *
 * retention, retention_rate and cohort_retention may start users on the
 * first use of a start feature (start_feature) instead of their first
 * activity: a second cursor then walks the same users in step, one reading
 * the start feature's days and the other the activity that retains.  The
 * 0.2.0 signatures of these functions (and of lifecycle), kept under other
 * names for views made with them, call the same entry points with fewer
 * arguments: PG_NARGS() says which arguments are there.
 */
#include "postgres.h"

#include "utils/builtins.h"
#include "datatype/timestamp.h"
#include "utils/datetime.h"

#include "activity/radix.h"
#include "args.h"
#include "compat.h"
#include "km.h"

PG_FUNCTION_INFO_V1(activity_retention);
PG_FUNCTION_INFO_V1(activity_retention_rate);
PG_FUNCTION_INFO_V1(activity_feature_retention);
PG_FUNCTION_INFO_V1(activity_time_to_feature);

/* ----------------------------------------------------------------
 * Checkpoint retention (doc/reference.md, "retention")
 * ----------------------------------------------------------------
 */

typedef struct Checkpoints
{
	int			n;
	int32	   *day;			/* N of each checkpoint */
	int32		width;			/* 0: unbounded */
	int32		as_of;
	int64		cohort_from;	/* inclusive bounds on a user's start */
	int64		cohort_to;
} Checkpoints;

/* counts of one set of checkpoints */
typedef struct RetentionCounts
{
	int64		cohort;
	int64	   *eligible;
	int64	   *retained;
} RetentionCounts;

static void
counts_init(RetentionCounts *rc, int n)
{
	rc->cohort = 0;
	rc->eligible = palloc0((Size) Max(n, 1) * sizeof(int64));
	rc->retained = palloc0((Size) Max(n, 1) * sizeof(int64));
}

/*
 * adds one user, given their start and their sorted distinct active days
 * up to as_of
 */
static inline void
counts_add_start(RetentionCounts *rc, const Checkpoints *cp, int64 start,
				 const int32 *days, uint32 ndays)
{
	int			i;

	if (start < cp->cohort_from || start > cp->cohort_to)
		return;
	rc->cohort++;
	for (i = 0; i < cp->n; i++)
	{
		int64		from = start + cp->day[i];	/* first day of the bracket */
		int64		to = cp->width ? from + cp->width - 1 : cp->as_of;

		if (to > cp->as_of || from > cp->as_of)
			continue;			/* not observed whole yet: not eligible */
		rc->eligible[i]++;
		if (days_in_window(days, ndays, from - 1, to) > 0)
			rc->retained[i]++;
	}
}

/* adds one user started by their first active day, given their days */
static void
counts_add_user(RetentionCounts *rc, const Checkpoints *cp, const int32 *days, uint32 ndays)
{
	if (ndays == 0)
		return;
	counts_add_start(rc, cp, days[0], days, ndays);
}



/* reads days, width, as_of of retention-like functions; false for NULL */
static bool
checkpoint_args(FunctionCallInfo fcinfo, int days_arg, int width_arg, int as_of_arg,
				Checkpoints *cp)
{
	if (PG_ARGISNULL(days_arg) || PG_ARGISNULL(as_of_arg))
		return false;
	cp->width = 0;
	if (!PG_ARGISNULL(width_arg))
	{
		cp->width = PG_GETARG_INT32(width_arg);
		if (cp->width < 1)
			invalid_argument("width", "at least 1, or NULL for unbounded", cp->width);
	}
	cp->cohort_from = PG_INT64_MIN;
	cp->cohort_to = PG_INT64_MAX;
	return arg_checkpoints(fcinfo, days_arg, "days", &cp->day, &cp->n) &&
		arg_as_of(fcinfo, as_of_arg, &cp->as_of);
}

static void
put_retention_rows(ReturnSetInfo *rsinfo, const Checkpoints *cp, const RetentionCounts *rc,
				   text *feature)
{
	int			i;

	for (i = 0; i < cp->n; i++)
	{
		Datum		values[6];
		bool		nulls[6] = {false, false, false, false, false, false};
		int			k = 0;

		if (feature)
			values[k++] = PointerGetDatum(feature);
		values[k++] = Int32GetDatum(cp->day[i]);
		values[k++] = Int64GetDatum(rc->cohort);
		values[k++] = Int64GetDatum(rc->eligible[i]);
		values[k++] = Int64GetDatum(rc->retained[i]);
		if (rc->eligible[i] > 0)
			values[k] = Float8GetDatum((double) rc->retained[i] / (double) rc->eligible[i]);
		else
			nulls[k] = true;
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
}

/* the counts of one feature filter (and start filter) over the whole value */
static void
retention_counts(const ActivityView *v, int32 feature, int32 start, const Checkpoints *cp,
				 RetentionCounts *rc)
{
	ActivityCursor c,
				s;

	counts_init(rc, cp->n);
	if (start == START_ACTIVE)
	{
		if (feature == FEATURE_NONE)
			return;
		cursor_init(&c, v);
		while (cursor_next_user(&c))
		{
			uint32		n = cursor_user_days(&c, feature, cp->as_of);

			counts_add_user(rc, cp, c.days, n);
		}
		return;
	}
	/* a start feature: s reads its days, c the same user's activity */
	if (start == FEATURE_NONE)
		return;
	cursor_init(&s, v);
	cursor_init(&c, v);
	while (cursor_next_user(&s))
	{
		uint32		ns,
					n;

		cursor_next_user(&c);
		ns = cursor_user_days(&s, start, cp->as_of);
		if (ns == 0)
			continue;			/* never used the start feature: no cohort */
		n = cursor_user_days(&c, feature, cp->as_of);
		counts_add_start(rc, cp, s.days[0], c.days, n);
	}
}

Datum
activity_retention(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	ActivityView v;
	Checkpoints cp;
	RetentionCounts rc;

	act_init_srf(fcinfo);
	if (!arg_activity(fcinfo, &v) || !checkpoint_args(fcinfo, 1, 2, 3, &cp))
		return (Datum) 0;
	arg_date_bound(fcinfo, 5, &cp.cohort_from);
	arg_date_bound(fcinfo, 6, &cp.cohort_to);
	retention_counts(&v, arg_feature(fcinfo, 4, &v), arg_start_feature(fcinfo, 7, &v), &cp, &rc);
	put_retention_rows(rsinfo, &cp, &rc, NULL);
	return (Datum) 0;
}

Datum
activity_retention_rate(PG_FUNCTION_ARGS)
{
	ActivityView v;
	Checkpoints cp;
	RetentionCounts rc;
	int32		day;

	if (!arg_activity(fcinfo, &v) || PG_ARGISNULL(1) || PG_ARGISNULL(3))
		PG_RETURN_NULL();
	day = PG_GETARG_INT32(1);
	if (day < 0)
		invalid_argument("day", "at least 0", day);
	cp.width = 0;
	if (!PG_ARGISNULL(2))
	{
		cp.width = PG_GETARG_INT32(2);
		if (cp.width < 1)
			invalid_argument("width", "at least 1, or NULL for unbounded", cp.width);
	}
	arg_as_of(fcinfo, 3, &cp.as_of);
	cp.n = 1;
	cp.day = &day;
	cp.cohort_from = PG_INT64_MIN;
	cp.cohort_to = PG_INT64_MAX;
	retention_counts(&v, arg_feature(fcinfo, 4, &v), arg_start_feature(fcinfo, 5, &v), &cp, &rc);
	if (rc.eligible[0] == 0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8((double) rc.retained[0] / (double) rc.eligible[0]);
}

/* every feature at once: a user's pairs are its per-feature day lists */
Datum
activity_feature_retention(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	ActivityView v;
	ActivityCursor c;
	Checkpoints cp;
	RetentionCounts *rc;
	uint32		f;

	act_init_srf(fcinfo);
	if (!arg_activity(fcinfo, &v) || !checkpoint_args(fcinfo, 1, 2, 3, &cp))
		return (Datum) 0;
	rc = palloc(((Size) v.nfeatures + 1) * sizeof(RetentionCounts));
	for (f = 0; f <= v.nfeatures; f++)
		counts_init(&rc[f], cp.n);
	cursor_init(&c, &v);
	while (cursor_next_user(&c))
		while (cursor_next_pair(&c))
			counts_add_user(&rc[c.feature], &cp, c.days,
							days_upper_bound(c.days, c.ndays, cp.as_of));
	for (f = 1; f <= v.nfeatures; f++)
		if (rc[f].cohort > 0)
			put_retention_rows(rsinfo, &cp, &rc[f],
							   cstring_to_text_with_len(v.feat[f], v.feat_len[f]));
	return (Datum) 0;
}

/* ----------------------------------------------------------------
 * Time to the n-th feature, Kaplan-Meier
 * ----------------------------------------------------------------
 */

static int
cmp_int32(const void *a, const void *b)
{
	int32		x = *(const int32 *) a;
	int32		y = *(const int32 *) b;

	return (x > y) - (x < y);
}

Datum
activity_time_to_feature(PG_FUNCTION_ARGS)
{
	ActivityView v;
	ActivityCursor c;
	int32		n,
				as_of;
	uint64	   *s;
	int32	   *firsts;
	int64		users = 0,
				reached = 0;

	if (!arg_activity(fcinfo, &v) || PG_ARGISNULL(1) || PG_ARGISNULL(2))
		PG_RETURN_NULL();
	n = arg_positive(fcinfo, 1, "n");
	arg_as_of(fcinfo, 2, &as_of);
	s = huge_array(uint64, (Size) v.nusers + 1);
	firsts = palloc(((Size) v.nfeatures + 1) * sizeof(int32));
	cursor_init(&c, &v);
	while (cursor_next_user(&c))
	{
		int32		f0 = PG_INT32_MAX;
		uint32		nf = 0;

		while (cursor_next_pair(&c))
		{
			if (c.days[0] > as_of)
				continue;
			f0 = Min(f0, c.days[0]);
			if (c.feature > 0)
				firsts[nf++] = c.days[0];
		}
		if (f0 == PG_INT32_MAX)
			continue;
		if (nf >= (uint32) n)
		{
			qsort(firsts, nf, sizeof(int32), cmp_int32);
			s[users] = km_key(firsts[n - 1] - f0, true);
			reached++;
		}
		else
			s[users] = km_key(as_of - f0, false);
		users++;
	}

	PG_RETURN_DATUM(km_summary_row(fcinfo, s, (Size) users, reached));
}
