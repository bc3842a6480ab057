/*
 * report.c
 *		usage_report: active_users, stickiness, adoption_rate, depth,
 *		champion_share, effective_users and usage_trend for a list of
 *		windows ending at as_of, from one reading of the summary.
 *
 * The summary is detoasted once and walked user by user once: each user's
 * distinct days in (as_of - 2 * longest window, as_of], and the last day
 * there of each of the user's pairs, give every window's counts (see
 * doc/reference.md, usage_report).  The figures are computed by the
 * accessors' own arithmetic (window_metrics.h), so each equals the
 * accessor of the same name.
 */
#include "postgres.h"

#include "utils/builtins.h"

#include "activity/unpacked.h"
#include "args.h"
#include "compat.h"
#include "window_metrics.h"

PG_FUNCTION_INFO_V1(activity_usage_report);

/* the counts of one window (as_of - days, as_of] */
typedef struct ReportWindow
{
	int32		days;
	int64		lo;				/* as_of - days, exclusive */
	Spread		spread;			/* active users, user-days, champion, effective users */
	int64		pairs;			/* (user, named feature) pairs active in the window */
	int64		before;			/* user-days of the window before it */
} ReportWindow;

/*
 * Adds a user to every window: n > 0 distinct days in (as_of - 2 * longest
 * window, as_of], and its pairs with a day there, each with its last day.
 */
static void
report_user(ReportWindow *win, int nwin, int32 as_of, uint32 user,
			const int32 *days, uint32 n, const PairLast *pairs, uint32 npairs)
{
	int			k;

	for (k = 0; k < nwin; k++)
	{
		ReportWindow *w = &win[k];
		int64		x = days_in_window(days, n, w->lo, as_of);
		uint32		i;

		w->before += days_in_window(days, n, w->lo - w->days, w->lo);
		if (x == 0)
			continue;
		spread_add(&w->spread, x, user, days[n - 1]);
		/* a pair is in the window when its last day up to as_of is */
		for (i = 0; i < npairs; i++)
			if (pairs[i].feature > 0 && pairs[i].last > w->lo)
				w->pairs++;
	}
}

Datum
activity_usage_report(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	ActivityView v;
	const struct varlena *flat;
	ActivityUnpacked *unpacked;
	int32		as_of;
	int32	   *days;
	int			nwin,
				k;
	int64		seats = 0;
	bool		have_seats;
	int64		longest = 0,
				after;
	ReportWindow *win;
	PairLast   *pairs;
	uint32		pairs_cap = 64;

	act_init_srf_expected(fcinfo);
	/* a NULL summary or as_of: no rows, before anything else is checked */
	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		return (Datum) 0;
	if (!arg_int_array(fcinfo, 2, "days", 1, "at least 1 in every element", &days, &nwin))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("days must not be NULL")));
	if (nwin == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("days must not be empty")));
	have_seats = arg_seats(fcinfo, 3, &seats) && seats > 0;
	arg_as_of(fcinfo, 1, &as_of);
	if (PG_ARGISNULL(0))
		return (Datum) 0;
	flat = activity_detoast_arg(fcinfo, 0);
	activity_view_init(&v, flat);

	win = palloc0(sizeof(ReportWindow) * nwin);
	for (k = 0; k < nwin; k++)
	{
		win[k].days = days[k];
		win[k].lo = (int64) as_of - days[k];
		longest = Max(longest, (int64) days[k]);
	}
	after = (int64) as_of - 2 * longest;

	pairs = palloc(sizeof(PairLast) * pairs_cap);
	unpacked = activity_unpacked_repeat(fcinfo, flat);
	if (unpacked != NULL)
	{
		/* the same value as the call before: search its arrays */
		uint32		u;

		for (u = 0; u < unpacked->nusers; u++)
		{
			UnpackedUser *uu = &unpacked->users[u];
			const int32 *udays = unpacked->days + uu->days.off;
			uint32		lo = unpacked_bound(unpacked, &uu->days_lo, after),
						hi = unpacked_bound(unpacked, &uu->days, as_of),
						npairs = 0,
						i;

			if (hi == lo)
				continue;
			if (uu->npairs > pairs_cap)
			{
				while (uu->npairs > pairs_cap)
					pairs_cap *= 2;
				pairs = repalloc(pairs, sizeof(PairLast) * pairs_cap);
			}
			for (i = 0; i < uu->npairs; i++)
			{
				UnpackedPair *p = &unpacked->pairs[uu->pair0 + i];
				uint32		n = unpacked_bound(unpacked, &p->days, as_of);
				int32		last = n > 0 ? unpacked->days[p->days.off + n - 1] : 0;

				if (n > 0 && last > after)
				{
					pairs[npairs].feature = p->feature;
					pairs[npairs].last = last;
					npairs++;
				}
			}
			report_user(win, nwin, as_of, u, udays + lo, hi - lo, pairs, npairs);
		}
	}
	else
	{
		ActivityCursor c;

		cursor_init(&c, &v);
		while (cursor_next_user(&c))
		{
			uint32		n,
						npairs;

			if (c.pairs_left > pairs_cap)
			{
				while (c.pairs_left > pairs_cap)
					pairs_cap *= 2;
				pairs = repalloc(pairs, sizeof(PairLast) * pairs_cap);
			}
			/* the user's distinct days from the start of the earliest window read */
			n = cursor_user_days_pairs(&c, after, as_of, pairs, &npairs);
			if (n > 0)
				report_user(win, nwin, as_of, c.user, c.days, n, pairs, npairs);
		}
	}

	for (k = 0; k < nwin; k++)
	{
		const ReportWindow *w = &win[k];
		const Spread *s = &w->spread;
		Datum		values[8];
		bool		nulls[8] = {false, false, false, false, false, false, false, false};

		values[0] = Int32GetDatum(w->days);
		values[1] = Int64GetDatum(s->users);
		if (s->users > 0)
		{
			values[2] = Float8GetDatum(stickiness_value(s->total, w->days, s->users));
			values[4] = Float8GetDatum(depth_value(w->pairs, s->users));
			values[5] = Float8GetDatum(spread_champion_share(s));
			values[6] = Float8GetDatum(spread_effective_users(s));
		}
		else
			nulls[2] = nulls[4] = nulls[5] = nulls[6] = true;
		if (have_seats)
			values[3] = Float8GetDatum((double) s->users / (double) seats);
		else
			nulls[3] = true;
		if (w->before > 0)
			values[7] = Float8GetDatum(usage_trend_value(s->total, w->before));
		else
			nulls[7] = true;
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}
