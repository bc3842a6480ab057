/*
 * report.c
 *		usage_report: active_users, stickiness, adoption_rate, depth,
 *		champion_share, effective_users and usage_trend for a list of
 *		windows ending at as_of, from one reading of the summary.
 *
 * The summary is detoasted once and walked user by user once: each user's
 * distinct days in (as_of - 2 * longest window, as_of], and the last day
 * there of each of the user's pairs, give every window's counts (see
 * doc/reference.md, usage_report).  The days are bits of a small bitmap
 * when the value spans few days there (every pair sets its own, and a
 * window's count is a popcount), else the sorted union of the pairs' days;
 * a value read again at the same call site is searched unpacked
 * (activity/unpacked.h).  The figures are computed by the
 * accessors' own arithmetic (window_metrics.h), so each equals the
 * accessor of the same name.
 */
#include "postgres.h"

#include "port/pg_bitutils.h"
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
 * A user's distinct days in (after, as_of]: a sorted list, or bits (bit i
 * is day base + 1 + i, i < nbits) when the days the value can have there
 * are few, which the reader sets pair by pair without uniting lists
 */
typedef struct UserDays
{
	const int32 *days;			/* NULL: the bits */
	uint32		n;
	const uint64 *bits;
	int64		base;
	int64		nbits;
	int32		last;			/* the last of the days */
} UserDays;

/* the value's days in (after, as_of] that a bitmap may hold, at most */
#define REPORT_BITS_MAX 4096

/* set bits among bits [from, to), clamped to [0, nbits) */
static int64
count_bits(const uint64 *bits, int64 nbits, int64 from, int64 to)
{
	int64		wf,
				wt,
				i,
				n;
	uint64		mf,
				mt;

	from = Max(from, 0);
	to = Min(to, nbits);
	if (from >= to)
		return 0;
	wf = from >> 6;
	wt = (to - 1) >> 6;
	mf = ~UINT64CONST(0) << (from & 63);
	mt = ~UINT64CONST(0) >> (63 - ((to - 1) & 63));
	if (wf == wt)
		return pg_popcount64(bits[wf] & mf & mt);
	n = pg_popcount64(bits[wf] & mf) + pg_popcount64(bits[wt] & mt);
	for (i = wf + 1; i < wt; i++)
		n += pg_popcount64(bits[i]);
	return n;
}

/* the user's days in (lo, hi] */
static inline int64
user_days_in(const UserDays *u, int64 lo, int64 hi)
{
	if (u->days != NULL)
		return days_in_window(u->days, u->n, lo, hi);
	return count_bits(u->bits, u->nbits, lo - u->base, hi - u->base);
}

/*
 * Adds a user to every window: its days in (as_of - 2 * longest window,
 * as_of], at least one, and its pairs with a day there, each with its
 * last day.
 */
static void
report_user(ReportWindow *win, int nwin, int32 as_of, uint32 user,
			const UserDays *u, const PairLast *pairs, uint32 npairs)
{
	int			k;

	for (k = 0; k < nwin; k++)
	{
		ReportWindow *w = &win[k];
		int64		x = user_days_in(u, w->lo, as_of);
		uint32		i;

		w->before += user_days_in(u, w->lo - w->days, w->lo);
		if (x == 0)
			continue;
		spread_add(&w->spread, x, user, u->last);
		/* a pair is in the window when its last day up to as_of is */
		for (i = 0; i < npairs; i++)
			if (pairs[i].feature > 0 && pairs[i].last > w->lo)
				w->pairs++;
	}
}

/*
 * Reads the current user's pairs into bits (u->base, u->nbits set, the
 * words zero) and pairs; false when the user has no day in the bits' range.
 */
static bool
user_bits(ActivityCursor *c, int32 as_of, UserDays *u, uint64 *bits,
		  PairLast *pairs, uint32 *npairs)
{
	int64		top = u->base + u->nbits;	/* the last day the bits hold */

	*npairs = 0;
	u->last = PG_INT32_MIN;
	while (cursor_next_pair(c))
	{
		const int32 *d = c->days;
		int64		i = (int64) days_upper_bound(d, c->ndays, Min((int64) as_of, top)) - 1;

		if (i < 0 || d[i] <= u->base)
			continue;
		pairs[*npairs].feature = c->feature;
		pairs[*npairs].last = d[i];
		(*npairs)++;
		u->last = Max(u->last, d[i]);
		for (; i >= 0 && d[i] > u->base; i--)
		{
			uint64		off = (uint64) ((int64) d[i] - u->base - 1);

			bits[off >> 6] |= UINT64CONST(1) << (off & 63);
		}
	}
	return *npairs > 0;
}

Datum
activity_usage_report(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	ActivityView v;
	struct varlena *flat;
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
	/* a NULL or empty days: no windows, no rows (as retention's days) */
	if (!arg_int_array(fcinfo, 2, "days", 1, "at least 1 in every element", &days, &nwin))
		return (Datum) 0;
	have_seats = arg_seats(fcinfo, 3, &seats) && seats > 0;
	arg_as_of(fcinfo, 1, &as_of);
	if (nwin == 0)
		return (Datum) 0;

	win = palloc0(sizeof(ReportWindow) * nwin);
	for (k = 0; k < nwin; k++)
	{
		win[k].days = days[k];
		win[k].lo = (int64) as_of - days[k];
		longest = Max(longest, (int64) days[k]);
	}
	after = (int64) as_of - 2 * longest;

	pairs = palloc(sizeof(PairLast) * pairs_cap);
	unpacked = activity_unpacked_repeat(fcinfo, 0, &flat);
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
			{
				UserDays	list = {udays + lo, hi - lo, NULL, 0, 0, udays[hi - 1]};

				report_user(win, nwin, as_of, u, &list, pairs, npairs);
			}
		}
	}
	else
	{
		ActivityCursor c;
		UserDays	ud;
		uint64	   *bits = NULL;
		int64		nwords = 0;

		activity_view_init(&v, flat);

		/* bits for the days in (after, as_of] that the value spans, when few */
		ud.days = NULL;
		ud.base = Max(after, (int64) v.min_day - 1);
		ud.nbits = Min((int64) as_of, (int64) v.max_day) - ud.base;
		if (ud.nbits > 0 && ud.nbits <= REPORT_BITS_MAX)
		{
			nwords = (ud.nbits + 63) / 64;
			bits = palloc0(sizeof(uint64) * nwords);
			ud.bits = bits;
		}
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
			if (bits != NULL)
			{
				if (user_bits(&c, as_of, &ud, bits, pairs, &npairs))
				{
					report_user(win, nwin, as_of, c.user, &ud, pairs, npairs);
					memset(bits, 0, sizeof(uint64) * nwords);
				}
				continue;
			}
			/* the user's distinct days from the start of the earliest window read */
			n = cursor_user_days_pairs(&c, after, as_of, pairs, &npairs);
			if (n > 0)
			{
				UserDays	list = {c.days, n, NULL, 0, 0, c.days[n - 1]};

				report_user(win, nwin, as_of, c.user, &list, pairs, npairs);
			}
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
