/*
 * funnel.c
 *		Activation milestones: funnel and time_to_first_use
 *		(doc/reference.md, "Funnels and activation").
 *
 * Both read, per user, the sorted distinct days of a few features, in one
 * pass over the stored value.  Counts add up across groups (users belong
 * to one account), so a product-wide funnel is the sum of per-account
 * rows; medians do not add up, and come from one summary of the whole
 * population (rollup) where they are wanted product-wide.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "utils/array.h"
#include "utils/builtins.h"

#include "args.h"
#include "compat.h"
#include "km.h"

PG_FUNCTION_INFO_V1(activity_time_to_first_use);
PG_FUNCTION_INFO_V1(activity_funnel);

/* a growable copy of one feature's days for the current user */
typedef struct DayList
{
	int32	   *days;
	uint32		n;
	uint32		cap;
	uint32		user;			/* the user the list belongs to; else empty */
} DayList;

static void
daylist_set(DayList *l, uint32 user, const int32 *days, uint32 n)
{
	if (n > l->cap)
	{
		uint32		cap = Max(l->cap, 16);

		while (cap < n)
			cap = cap > PG_UINT32_MAX / 2 ? n : cap * 2;
		if (l->days)
			pfree(l->days);
		l->days = huge_array(int32, cap);
		l->cap = cap;
	}
	memcpy(l->days, days, (Size) n * sizeof(int32));
	l->n = n;
	l->user = user;
}

/* the first day >= from in a sorted list, or PG_INT64_MAX */
static inline int64
first_day_from(const int32 *days, uint32 n, int64 from)
{
	uint32		i = days_upper_bound(days, n, from - 1);

	return i < n ? days[i] : PG_INT64_MAX;
}

/* ----------------------------------------------------------------
 * time_to_first_use(act, feature, as_of, start_feature)
 * ----------------------------------------------------------------
 */
Datum
activity_time_to_first_use(PG_FUNCTION_ARGS)
{
	ActivityView v;
	ActivityCursor c;
	int32		feature,
				start_feature,
				as_of;
	uint64	   *obs;
	int64		users = 0,
				reached = 0;
	DayList		target = {NULL, 0, 0, PG_UINT32_MAX};

	/* like a STRICT function in as_of (feature NULL is any activity) */
	if (!arg_activity(fcinfo, &v) || PG_ARGISNULL(2))
		PG_RETURN_NULL();
	arg_as_of(fcinfo, 2, &as_of);
	feature = arg_feature(fcinfo, 1, &v);
	start_feature = arg_feature(fcinfo, 3, &v);
	obs = huge_array(uint64, (Size) v.nusers + 1);
	if (start_feature != FEATURE_NONE)
	{
		cursor_init(&c, &v);
		while (cursor_next_user(&c))
		{
			int64		start = PG_INT64_MAX;
			int64		first = PG_INT64_MAX;

			while (cursor_next_pair(&c))
			{
				if (c.days[0] > as_of)
					continue;
				if (start_feature == FEATURE_ANY || (int32) c.feature == start_feature)
					start = Min(start, c.days[0]);
				if (feature >= 0 && (int32) c.feature == feature)
					daylist_set(&target, c.user, c.days, c.ndays);
			}
			if (start == PG_INT64_MAX)
				continue;		/* no start on or before as_of */
			users++;
			if (feature == FEATURE_ANY)
				first = start;	/* the start itself is activity */
			else if (target.user == c.user)
				first = first_day_from(target.days, target.n, start);
			if (first <= as_of)
			{
				obs[users - 1] = km_key((int32) (first - start), true);
				reached++;
			}
			else
				obs[users - 1] = km_key((int32) (as_of - start), false);
		}
	}
	PG_RETURN_DATUM(km_summary_row(fcinfo, obs, (Size) users, reached));
}

/* ----------------------------------------------------------------
 * funnel(act, steps, within, as_of, cohort_from, cohort_to)
 * ----------------------------------------------------------------
 */

/* the steps argument: an error unless a non-empty list of names */
static void
arg_steps(FunctionCallInfo fcinfo, int argno, Datum **names, int *n)
{
	ArrayType  *a;
	bool	   *nulls;
	int			i;

	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("steps must be a non-empty array of feature names, not NULL")));
	a = PG_GETARG_ARRAYTYPE_P(argno);
	if (ARR_NDIM(a) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("steps must be a one-dimensional array")));
	deconstruct_array(a, TEXTOID, -1, false, TYPALIGN_INT, names, &nulls, n);
	if (*n == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("steps must be a non-empty array of feature names, not an empty array")));
	for (i = 0; i < *n; i++)
		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("steps must not contain NULL (element %d is NULL)", i + 1)));
}

Datum
activity_funnel(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	ActivityView v;
	ActivityCursor c;
	Datum	   *names;
	int			nsteps,
				k;
	int32		within,
				as_of;
	int64		cohort_from = PG_INT64_MIN,
				cohort_to = PG_INT64_MAX;
	int32	   *slot_of;		/* feature code -> its day list, or -1 */
	int		   *step_slot;		/* step -> its day list, or -1 (unknown) */
	DayList    *lists;
	int			nlists = 0;
	int64		eligible = 0;
	int64	   *reached;
	uint64	   *times = NULL;	/* (step << 32) | days from entry */
	Size		ntimes = 0,
				captimes = 0,
				next;

	act_init_srf(fcinfo);
	if (PG_ARGISNULL(0))
		return (Datum) 0;
	arg_steps(fcinfo, 1, &names, &nsteps);
	if (PG_ARGISNULL(2) || PG_ARGISNULL(3))
		return (Datum) 0;
	within = arg_positive(fcinfo, 2, "within");
	arg_as_of(fcinfo, 3, &as_of);
	arg_date_bound(fcinfo, 4, &cohort_from);
	arg_date_bound(fcinfo, 5, &cohort_to);
	arg_activity(fcinfo, &v);

	/* one day list per distinct feature among the steps */
	slot_of = palloc(((Size) v.nfeatures + 1) * sizeof(int32));
	memset(slot_of, -1, ((Size) v.nfeatures + 1) * sizeof(int32));
	step_slot = palloc(nsteps * sizeof(int));
	lists = palloc0(nsteps * sizeof(DayList));
	for (k = 0; k < nsteps; k++)
	{
		int32		f = activity_view_feature(&v, DatumGetTextPP(names[k]));

		step_slot[k] = -1;
		if (f < 0)
			continue;
		if (slot_of[f] < 0)
		{
			lists[nlists].user = PG_UINT32_MAX;
			slot_of[f] = nlists++;
		}
		step_slot[k] = slot_of[f];
	}
	reached = palloc0(nsteps * sizeof(int64));

	if (step_slot[0] >= 0)
	{
		cursor_init(&c, &v);
		while (cursor_next_user(&c))
		{
			DayList    *l;
			int64		entry,
						last,
						d;

			while (cursor_next_pair(&c))
				if (slot_of[c.feature] >= 0)
					daylist_set(&lists[slot_of[c.feature]], c.user, c.days, c.ndays);
			l = &lists[step_slot[0]];
			if (l->user != c.user || l->days[0] > as_of)
				continue;		/* no entry on or before as_of */
			entry = l->days[0];
			if (entry < cohort_from || entry > cohort_to)
				continue;
			last = entry + within - 1;	/* the last day of the window */
			if (last > as_of)
				continue;		/* the window is not observed whole yet */
			eligible++;
			d = entry;
			for (k = 0; k < nsteps; k++)
			{
				if ((k & 0xFFFF) == 0xFFFF)
					CHECK_FOR_INTERRUPTS();	/* a long list of steps */
				if (k > 0)
				{
					if (step_slot[k] < 0)
						break;
					l = &lists[step_slot[k]];
					if (l->user != c.user)
						break;
					d = first_day_from(l->days, l->n, d);
					if (d > last)
						break;
				}
				reached[k]++;
				if (ntimes == captimes)
				{
					captimes = Max(captimes * 2, 1024);
					times = times ? repalloc_huge(times, captimes * sizeof(uint64))
						: huge_array(uint64, captimes);
				}
				times[ntimes++] = ((uint64) k << 32) | (uint64) (d - entry);
			}
		}
	}
	if (ntimes > 0)
		sort_keys(times, ntimes);

	next = 0;
	for (k = 0; k < nsteps; k++)
	{
		Datum		values[6];
		bool		nulls[6] = {false, false, false, false, false, false};

		if ((k & 0xFFFF) == 0xFFFF)
			CHECK_FOR_INTERRUPTS();
		values[0] = Int32GetDatum(k + 1);
		values[1] = names[k];
		values[2] = Int64GetDatum(eligible);
		values[3] = Int64GetDatum(reached[k]);
		if (eligible > 0)
			values[4] = Float8GetDatum((double) reached[k] / (double) eligible);
		else
			nulls[4] = true;
		if (reached[k] > 0)
		{
			/* the lower middle value, as percentile_disc(0.5) */
			Size		mid = next + (Size) ((reached[k] + 1) / 2) - 1;

			values[5] = Float8GetDatum((double) (times[mid] & 0xFFFFFFFF));
		}
		else
			nulls[5] = true;
		next += (Size) reached[k];
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}
