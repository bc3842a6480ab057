/*
 * cohorts.c
 *		cohort_retention and lifecycle: users by calendar period (day,
 *		week from any week day, month, quarter).
 *
 * Both read, per user, the sorted distinct days up to as_of in one pass
 * over the stored value, and count (user, period) keys sorted by radix;
 * the counts add up across groups, as retention's do.  cohort_retention
 * may start users on their first use of a start feature (start_feature,
 * a second cursor in step with the first), and with recurring cohorts on
 * every period in which they start.  The 0.2.0 signatures, kept under
 * other names for views made with them, call the same entry points with
 * fewer arguments: PG_NARGS() says which arguments are there.
 */
#include "postgres.h"

#include "port/pg_bitutils.h"
#include "utils/builtins.h"
#include "datatype/timestamp.h"
#include "utils/datetime.h"

#include "activity/radix.h"
#include "args.h"
#include "compat.h"

PG_FUNCTION_INFO_V1(activity_cohort_retention);
PG_FUNCTION_INFO_V1(activity_lifecycle);

/* ----------------------------------------------------------------
 * Calendar periods (doc/reference.md, "cohort_retention" and "lifecycle")
 * ----------------------------------------------------------------
 */

typedef enum PeriodKind
{
	PERIOD_DAY,
	PERIOD_WEEK,
	PERIOD_MONTH,
	PERIOD_QUARTER
} PeriodKind;

/*
 * a kind of period, and for weeks the day they start on; the first days of
 * the periods a value spans (period_table)
 */
typedef struct PeriodSpec
{
	PeriodKind	kind;
	int32		week_origin;	/* a day (DateADT) on which a week starts */
	int32	   *bounds;			/* NULL, or bounds[k] = period_start(p0 + k), k = 0 .. nbounds */
	int64		p0;
	uint32		nbounds;
	/* NULL, or day_bit[d - bits_from] = the period of day d less the first's */
	uint8	   *day_bit;
	int32		bits_from;
	int32		bits_to;		/* the last day of the table */
} PeriodSpec;

/* a value's periods at most, for which period_table() makes a table */
#define PERIOD_TABLE_MAX 100000

static PeriodKind
arg_period(FunctionCallInfo fcinfo, int argno)
{
	char	   *s = text_to_cstring(PG_GETARG_TEXT_PP(argno));

	if (pg_strcasecmp(s, "day") == 0)
		return PERIOD_DAY;
	if (pg_strcasecmp(s, "week") == 0)
		return PERIOD_WEEK;
	if (pg_strcasecmp(s, "month") == 0)
		return PERIOD_MONTH;
	if (pg_strcasecmp(s, "quarter") == 0)
		return PERIOD_QUARTER;
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("period must be 'day', 'week', 'month' or 'quarter', not \"%s\"", s)));
	return PERIOD_DAY;
}

/* 2000-01-03, day 2, is a Monday: ISO weeks start on days 2 + 7k */
#define FIRST_MONDAY 2

/*
 * week_start: a full English day name, case-insensitive; the day (DateADT)
 * of one such weekday
 */
static int32
arg_week_start(FunctionCallInfo fcinfo, int argno)
{
	static const char *const names[] = {
		"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"
	};
	char	   *s = text_to_cstring(PG_GETARG_TEXT_PP(argno));
	int			i;

	for (i = 0; i < (int) lengthof(names); i++)
		if (pg_strcasecmp(s, names[i]) == 0)
			return FIRST_MONDAY + i;
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("week_start must be 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday' or 'sunday', not \"%s\"",
					s)));
	return FIRST_MONDAY;
}

static inline int64
floor_div(int64 a, int64 b)
{
	return a / b - (a % b < 0 ? 1 : 0);
}

/* the number of the calendar period holding a day */
static int64
period_of(const PeriodSpec *ps, int32 day)
{
	int			y,
				m,
				d;

	switch (ps->kind)
	{
		case PERIOD_DAY:
			return day;
		case PERIOD_WEEK:
			return floor_div((int64) day - ps->week_origin, 7);
		case PERIOD_MONTH:
			j2date(day + POSTGRES_EPOCH_JDATE, &y, &m, &d);
			return (int64) y * 12 + (m - 1);
		case PERIOD_QUARTER:
			j2date(day + POSTGRES_EPOCH_JDATE, &y, &m, &d);
			return (int64) y * 4 + (m - 1) / 3;
	}
	return 0;
}

/* the first day of a period */
static int32
period_start(const PeriodSpec *ps, int64 p)
{
	switch (ps->kind)
	{
		case PERIOD_DAY:
			return (int32) p;
		case PERIOD_WEEK:
			return (int32) (p * 7 + ps->week_origin);
		case PERIOD_MONTH:
			return date2j((int) floor_div(p, 12), (int) (p - floor_div(p, 12) * 12) + 1, 1)
				- POSTGRES_EPOCH_JDATE;
		case PERIOD_QUARTER:
			return date2j((int) floor_div(p, 4), (int) (p - floor_div(p, 4) * 4) * 3 + 1, 1)
				- POSTGRES_EPOCH_JDATE;
	}
	return 0;
}

/* the latest period that has ended on or before as_of */
static int64
last_ended_period(const PeriodSpec *ps, int32 as_of)
{
	int64		p = period_of(ps, as_of);

	return period_start(ps, p + 1) - 1 <= as_of ? p : p - 1;
}

/*
 * For weeks, months and quarters, the first day of each period from the
 * one of min_day to the one after max_day's, so that user_periods finds a
 * day's period by comparing days instead of converting dates or dividing.
 */
static void
period_table(PeriodSpec *ps, int32 min_day, int32 max_day)
{
	int64		p0,
				np,
				k;

	ps->bounds = NULL;
	if (ps->kind == PERIOD_DAY)
		return;
	p0 = period_of(ps, min_day);
	np = period_of(ps, max_day) - p0 + 1;
	if (np > PERIOD_TABLE_MAX)
		return;
	ps->bounds = palloc(sizeof(int32) * (np + 1));
	for (k = 0; k <= np; k++)
		ps->bounds[k] = period_start(ps, p0 + k);
	ps->p0 = p0;
	ps->nbounds = (uint32) np;
}

/*
 * The distinct periods of a sorted day list, up to and including period
 * last; returns their number.  The days of one period are stepped over:
 * with the period table a day's period is found by comparing it with the
 * periods' first days; without it, by a calendar conversion per period,
 * not per day.
 */
static uint32
user_periods(const PeriodSpec *ps, const int32 *days, uint32 ndays, int64 last, int64 *out)
{
	uint32		i = 0,
				n = 0;

	if (ps->bounds != NULL && ndays > 0 && days[0] >= ps->bounds[0] &&
		days[ndays - 1] < ps->bounds[ps->nbounds])
	{
		const int32 *b = ps->bounds;
		uint32		k = days_upper_bound(b, ps->nbounds + 1, days[0]) - 1;

		/* b[k] <= days[i] < b[k + 1] */
		while (i < ndays)
		{
			int64		p;

			while (days[i] >= b[k + 1])
				k++;
			p = ps->p0 + k;
			if (p > last)
				break;
			out[n++] = p;
			for (i++; i < ndays && days[i] < b[k + 1]; i++)
				;
		}
		return n;
	}
	while (i < ndays)
	{
		int64		p = period_of(ps, days[i]);
		int64		next;

		if (p > last)
			break;
		out[n++] = p;
		next = period_start(ps, p + 1);
		for (i++; i < ndays && days[i] < next; i++)
			;
	}
	return n;
}

/* scratch for uniting period lists, grown as needed */
typedef struct PeriodScratch
{
	int64	   *a;
	Size		cap;
} PeriodScratch;

/*
 * The table of day_bit for periods cut to last (at most 64; the same for
 * every user of a call), made at the first user: each day's period is then
 * one load, not a search.
 */
static void
day_bit_table(PeriodSpec *ps, int64 cut, int64 last)
{
	int64		k;

	ps->bits_from = period_start(ps, cut);
	ps->bits_to = period_start(ps, last + 1) - 1;
	ps->day_bit = palloc((Size) Max(ps->bits_to - ps->bits_from + 1, 1));
	for (k = 0; k <= last - cut; k++)
	{
		int32		d = period_start(ps, cut + k),
					end = period_start(ps, cut + k + 1);

		for (; d < end; d++)
			ps->day_bit[d - ps->bits_from] = (uint8) k;
	}
}

/*
 * cursor_user_periods when the periods from cut to last are at most 64:
 * each day from cut_day on sets its period's bit of one word, and the
 * first period, when before cut, is that of the pairs' earliest first day.
 */
static uint32
cursor_user_period_bits(ActivityCursor *c, PeriodSpec *ps, int32 feature, int64 last,
						int64 cut, int32 cut_day, int64 *out)
{
	uint64		bits = 0;
	int32		first = PG_INT32_MAX;
	uint32		n = 0;

	if (ps->day_bit == NULL)
		day_bit_table(ps, cut, last);
	Assert(ps->bits_from == period_start(ps, cut) && ps->bits_to == period_start(ps, last + 1) - 1);
	while (cursor_next_pair(c))
	{
		const int32 *days = c->days;
		uint32		i;

		if (feature != FEATURE_ANY && (int32) c->feature != feature)
			continue;
		i = days_upper_bound(days, c->ndays, (int64) cut_day - 1);
		if (i > 0)
			first = Min(first, days[0]);
		/* days[i] >= cut_day, and >= bits_from: cut's period holds min_day otherwise */
		for (; i < c->ndays && days[i] <= ps->bits_to; i++)
			bits |= UINT64CONST(1) << ps->day_bit[days[i] - ps->bits_from];
	}
	if (first < PG_INT32_MAX)
	{
		int64		p = period_of(ps, first);

		if (p <= last)
			out[n++] = p;
	}
	while (bits != 0)
	{
		out[n++] = cut + pg_rightmost_one_pos64(bits);
		bits &= bits - 1;
	}
	return n;
}

/*
 * The current user's periods on the feature filter, up to last, that
 * cohort_retention and lifecycle read: the first, and every one from the
 * period starting on day cut_day on; in out (room for all of the user's
 * days), sorted; returns their number.  Each pair's periods are found from
 * its days from cut_day on, and the pairs' lists, a few periods each,
 * united: far less than the union of the days, which a reader of days
 * would take.
 */
static uint32
cursor_user_periods(ActivityCursor *c, PeriodSpec *ps, int32 feature, int64 last,
					int64 cut, int32 cut_day, int64 *out, PeriodScratch *sc)
{
	uint32		n = 0;

	if (last - cut < 64)
		return cursor_user_period_bits(c, ps, feature, last, cut, cut_day, out);
	while (cursor_next_pair(c))
	{
		uint32		m = 0,
					i,
					j,
					w,
					from;

		if (feature != FEATURE_ANY && (int32) c->feature != feature)
			continue;
		/*
		 * the pair's first period, when before cut_day (if it is after last,
		 * so are all the others); then those of its days from cut_day on
		 */
		from = days_upper_bound(c->days, c->ndays, (int64) cut_day - 1);
		if (from > 0 && user_periods(ps, c->days, 1, last, out + n) == 0)
			continue;
		m = from > 0 ? 1 : 0;
		m += user_periods(ps, c->days + from, c->ndays - from, last, out + n + m);
		if (n == 0 || m == 0)
		{
			n += m;
			continue;
		}
		/* unite out[0 .. n) and out[n .. n + m) */
		if (sc->cap < (Size) n + m)
		{
			sc->cap = Max((Size) n + m, 2 * sc->cap);
			sc->a = sc->a ? repalloc_huge(sc->a, sc->cap * sizeof(int64)) : huge_array(int64, sc->cap);
		}
		for (i = 0, j = n, w = 0; i < n && j < n + m;)
		{
			if (out[i] < out[j])
				sc->a[w++] = out[i++];
			else if (out[i] > out[j])
				sc->a[w++] = out[j++];
			else
			{
				sc->a[w++] = out[i++];
				j++;
			}
		}
		while (i < n)
			sc->a[w++] = out[i++];
		while (j < n + m)
			sc->a[w++] = out[j++];
		memcpy(out, sc->a, (Size) w * sizeof(int64));
		n = w;
	}
	return n;
}

/*
 * The first day of period cut, or PG_INT32_MIN when it is not after the
 * period of a value's first day (nothing to skip)
 */
static int32
cut_day_of(const PeriodSpec *ps, const ActivityView *v, int64 cut)
{
	if (v->ntriples == 0 || cut <= period_of(ps, v->min_day))
		return PG_INT32_MIN;
	return period_start(ps, cut);
}

typedef struct PeriodArgs
{
	PeriodSpec	spec;
	int32		periods;
	int32		as_of;
	int64		last;			/* last ended period */
	int64		first;			/* first period shown */
} PeriodArgs;

/*
 * act, period, periods, as_of (arguments 0 to 3) and week_start (argument
 * week_arg, Monday when the function has none); false when one is NULL
 */
static bool
period_args(FunctionCallInfo fcinfo, ActivityView *v, PeriodArgs *pa, int week_arg)
{
	bool		has_week = PG_NARGS() > week_arg;

	if (!arg_activity(fcinfo, v) || PG_ARGISNULL(1) || PG_ARGISNULL(2) || PG_ARGISNULL(3) ||
		(has_week && PG_ARGISNULL(week_arg)))
		return false;
	pa->spec.kind = arg_period(fcinfo, 1);
	pa->periods = arg_positive(fcinfo, 2, "periods");
	arg_as_of(fcinfo, 3, &pa->as_of);
	pa->spec.week_origin = has_week ? arg_week_start(fcinfo, week_arg) : FIRST_MONDAY;
	pa->spec.bounds = NULL;
	pa->spec.day_bit = NULL;
	pa->last = last_ended_period(&pa->spec, pa->as_of);
	pa->first = pa->last - pa->periods + 1;
	return true;
}

/*
 * The periods that can hold counts: from the value's first active period
 * to the one after its last (where its users can turn dormant), within the
 * periods shown.  Rows outside them are zeros, and need no memory.
 */
static void
data_periods(const ActivityView *v, const PeriodArgs *pa, int64 *lo, int64 *hi)
{
	*lo = pa->first;
	*hi = pa->last;
	if (v->ntriples > 0)
	{
		*lo = Max(*lo, period_of(&pa->spec, v->min_day));
		*hi = Min(*hi, period_of(&pa->spec, v->max_day) + 1);
	}
	else
		*hi = *lo - 1;
}

/*
 * cohort_retention and lifecycle count, for each user, their periods.  When
 * the periods the value spans are few (in proportion to the value) the
 * counts are arrays indexed by period; otherwise they are sorted keys, one
 * for each (user, period), so that memory stays in proportion to the value
 * (a value may span all the dates PostgreSQL has: billions of day periods).
 */
#define DENSE_SLACK 65536

/* a growing array of sorted-later keys */
typedef struct KeyBuf
{
	uint64	   *keys;
	Size		n;
	Size		cap;
} KeyBuf;

static void
keybuf_grow(KeyBuf *b)
{
	if (b->cap >= MaxAllocHugeSize / sizeof(uint64) / 2)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("too many (cohort, period) counts to keep in memory"),
				 errhint("Ask for fewer periods, or for longer ones.")));
	b->cap *= 2;
	b->keys = repalloc_huge(b->keys, b->cap * sizeof(uint64));
}

static inline void
keybuf_push(KeyBuf *b, uint64 key)
{
	if (unlikely(b->n == b->cap))
		keybuf_grow(b);
	b->keys[b->n++] = key;
}

/* sparse cohort_retention keys: (cohort - lo) << 32 | k, or | COHORT_MEMBER */
#define COHORT_MEMBER UINT64CONST(0xFFFFFFFF)

Datum
activity_cohort_retention(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	ActivityView v;
	ActivityCursor c,
				s;
	PeriodArgs	pa;
	int32		feature,
				start;
	bool		recurring = false;
	int64		lo,
				hi,
				n,
				i,
				k;
	bool		dense;
	int64	  **retained = NULL;	/* dense: [cohort][k] */
	int64	   *sizes = NULL;	/* dense: [cohort] */
	KeyBuf		kb = {NULL, 0, 0};	/* sparse */
	Size		next;
	int64	   *periods,
			   *starts;
	int64		cutp;
	int32		cut;
	PeriodScratch sc = {NULL, 0};

	act_init_srf(fcinfo);
	if (PG_NARGS() > 6 && PG_ARGISNULL(6))
		return (Datum) 0;
	if (!period_args(fcinfo, &v, &pa, 7))
		return (Datum) 0;
	feature = arg_feature(fcinfo, 4, &v);
	start = arg_start_feature(fcinfo, 5, &v);
	if (PG_NARGS() > 6)
		recurring = PG_GETARG_BOOL(6);
	data_periods(&v, &pa, &lo, &hi);
	if (lo > hi || start == FEATURE_NONE)
		return (Datum) 0;
	period_table(&pa.spec, v.min_day, v.max_day);
	/* periods before lo matter only as a user's first: cohorts before lo are not shown */
	cutp = lo;
	cut = cut_day_of(&pa.spec, &v, cutp);
	n = hi - lo + 1;
	/* the triangle has n (n + 1) / 2 counts */
	dense = n <= 65536 && n * (n + 1) / 2 <= 4 * (int64) v.ntriples + DENSE_SLACK;
	if (dense)
	{
		retained = palloc(n * sizeof(int64 *));
		for (i = 0; i < n; i++)
			retained[i] = palloc0((n - i) * sizeof(int64));
		sizes = palloc0(n * sizeof(int64));
	}
	else
	{
		/* one for each user period and user: all that a first cohort needs */
		kb.cap = (Size) v.ntriples + v.nusers + 1;
		kb.keys = huge_array(uint64, kb.cap);
	}
	periods = palloc(((Size) v.ntriples + 1) * sizeof(int64));
	starts = start == START_ACTIVE ? periods : palloc(((Size) v.ntriples + 1) * sizeof(int64));

	cursor_init(&c, &v);
	if (start != START_ACTIVE)
		cursor_init(&s, &v);
	while (cursor_next_user(&c))
	{
		uint32		np,
					ns,
					j,
					a = 0;

		/* the user's start periods, and the periods in which they are active */
		if (start == START_ACTIVE)
		{
			np = ns = cursor_user_periods(&c, &pa.spec, feature, pa.last, cutp, cut, periods, &sc);
		}
		else
		{
			cursor_next_user(&s);
			ns = cursor_user_periods(&s, &pa.spec, start, pa.last, cutp, cut, starts, &sc);
			if (ns == 0)
				continue;
			np = cursor_user_periods(&c, &pa.spec, feature, pa.last, cutp, cut, periods, &sc);
		}
		if (ns == 0 || (!recurring && starts[0] < lo))
			continue;
		if (!recurring)
			ns = 1;				/* the cohort of the first start only */
		for (j = 0; j < ns; j++)
		{
			int64		cohort = starts[j];
			uint32		m;

			if (cohort < lo)
				continue;
			CHECK_FOR_INTERRUPTS();
			/* the user's active periods from the cohort's on */
			while (a < np && periods[a] < cohort)
				a++;
			if (dense)
			{
				int64	   *row = retained[cohort - lo];

				sizes[cohort - lo]++;
				for (m = a; m < np; m++)
					row[periods[m] - cohort]++;
			}
			else
			{
				/* both below 2^32: fewer than the days PostgreSQL has */
				uint64		base = (uint64) (cohort - lo) << 32;

				keybuf_push(&kb, base | COHORT_MEMBER);
				for (m = a; m < np; m++)
					keybuf_push(&kb, base | (uint64) (periods[m] - cohort));
			}
		}
	}
	if (!dense)
		sort_keys(kb.keys, kb.n);

	/* each cohort that has users, in order, with every k up to last */
	next = 0;
	for (i = 0; i < n; i++)
	{
		int64		size = 0;
		Size		end = next;

		if (dense)
			size = sizes[i];
		else
		{
			if (next >= kb.n)
				break;
			i = (int64) (kb.keys[next] >> 32);
			/* the cohort's keys: its k in order, then its members */
			while (end < kb.n && (int64) (kb.keys[end] >> 32) == i)
			{
				if ((kb.keys[end] & 0xFFFFFFFF) == COHORT_MEMBER)
					size++;
				end++;
			}
		}
		if (size == 0)
			continue;
		for (k = 0; k <= pa.last - (lo + i); k++)
		{
			Datum		values[5];
			bool		nulls[5] = {false, false, false, false, false};
			int64		r = 0;

			CHECK_FOR_INTERRUPTS();
			if (dense)
				r = k < n - i ? retained[i][k] : 0;
			else
				while (next < end && (int64) (kb.keys[next] & 0xFFFFFFFF) == k)
				{
					r++;
					next++;
				}
			values[0] = DateADTGetDatum(period_start(&pa.spec, lo + i));
			values[1] = Int32GetDatum((int32) Min(k, PG_INT32_MAX));
			values[2] = Int64GetDatum(size);
			values[3] = Int64GetDatum(r);
			values[4] = Float8GetDatum((double) r / (double) size);
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		}
		next = end;
	}
	return (Datum) 0;
}

Datum
activity_lifecycle(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	ActivityView v;
	ActivityCursor c;
	PeriodArgs	pa;
	int32		feature;
	int64		first,
				lo,
				hi,
				n,
				p;
	int64	   *periods;
	bool		dense;
	int64		(*counts)[4] = NULL;	/* dense: new, returning, resurrecting,
										 * dormant */
	uint64	   *keys = NULL;	/* sparse: (p - lo) << 2 | the same 0 .. 3 */
	int64		cutp;
	int32		cut;
	PeriodScratch sc = {NULL, 0};
	Size		nkeys = 0,
				next;

	act_init_srf(fcinfo);
	if (!period_args(fcinfo, &v, &pa, 5))
		return (Datum) 0;
	feature = arg_feature(fcinfo, 4, &v);
	/* every requested period gets a row, with data or not */
	first = Max(pa.last - pa.periods + 1,
				period_of(&pa.spec, DATETIME_MIN_JULIAN - POSTGRES_EPOCH_JDATE) + 1);
	pa.first = first;
	data_periods(&v, &pa, &lo, &hi);
	if (v.ntriples > 0)
		period_table(&pa.spec, v.min_day, v.max_day);
	/*
	 * periods before lo - 1 matter only as a user's first (new or
	 * resurrecting): their counts are not shown
	 */
	cutp = lo - 1;
	cut = cut_day_of(&pa.spec, &v, cutp);
	n = Max(hi - lo + 1, 0);
	dense = n <= 2 * (int64) v.ntriples + DENSE_SLACK;
	if (dense)
		counts = palloc0((n + 1) * sizeof(*counts));
	else
		keys = huge_array(uint64, 2 * ((Size) v.ntriples + 1));	/* two for each user period */
	periods = palloc(((Size) v.ntriples + 1) * sizeof(int64));

	cursor_init(&c, &v);
	while (cursor_next_user(&c))
	{
		uint32		np = cursor_user_periods(&c, &pa.spec, feature, pa.last, cutp, cut, periods, &sc);
		uint32		j;

		for (j = 0; j < np; j++)
		{
			int			kind;

			p = periods[j];
			if (p >= lo && p <= hi)
			{
				kind = j == 0 ? 0 : periods[j - 1] == p - 1 ? 1 : 2;
				if (dense)
					counts[p - lo][kind]++;
				else
					keys[nkeys++] = ((uint64) (p - lo) << 2) | kind;
			}
			/* active in p but not in p + 1: dormant in p + 1 */
			if (p + 1 >= lo && p + 1 <= hi &&
				(j + 1 == np || periods[j + 1] != p + 1))
			{
				if (dense)
					counts[p + 1 - lo][3]++;
				else
					keys[nkeys++] = ((uint64) (p + 1 - lo) << 2) | 3;
			}
		}
	}
	if (!dense)
		sort_keys(keys, nkeys);

	next = 0;
	for (p = first; p <= pa.last; p++)
	{
		Datum		values[5];
		bool		nulls[5] = {false, false, false, false, false};
		int64		sums[4] = {0, 0, 0, 0};
		int			k;

		CHECK_FOR_INTERRUPTS();
		if (p >= lo && p <= hi)
		{
			if (dense)
				memcpy(sums, counts[p - lo], sizeof(sums));
			else
				while (next < nkeys && (int64) (keys[next] >> 2) == p - lo)
				{
					sums[keys[next] & 3]++;
					next++;
				}
		}
		values[0] = DateADTGetDatum(period_start(&pa.spec, p));
		for (k = 0; k < 4; k++)
			values[k + 1] = Int64GetDatum(sums[k]);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}
