/*
 * team.c
 *		champion, champion_share, effective_users, frequency,
 *		seat_activation and adoption_stage: how activity spreads over the
 *		users (or, with the team as the actor, the teams) of an account.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "utils/builtins.h"

#include "args.h"
#include "compat.h"
#include "window_metrics.h"

PG_FUNCTION_INFO_V1(activity_champion);
PG_FUNCTION_INFO_V1(activity_champion_share);
PG_FUNCTION_INFO_V1(activity_effective_users);
PG_FUNCTION_INFO_V1(activity_frequency);
PG_FUNCTION_INFO_V1(activity_seat_activation);
PG_FUNCTION_INFO_V1(adoption_stage);

static void
spread(const ActivityView *v, const Window *w, Spread *s)
{
	ActivityCursor c;

	memset(s, 0, sizeof(Spread));
	cursor_init(&c, v);
	while (cursor_next_user(&c))
	{
		uint32		n = cursor_user_days_in(&c, FEATURE_ANY, w->lo, w->hi);
		int64		x = days_in_window(c.days, n, w->lo, w->hi);

		spread_add(s, x, c.user, x > 0 ? c.days[n - 1] : 0);
	}
}

Datum
activity_champion(PG_FUNCTION_ARGS)
{
	ActivityView v;
	Window		w;
	Spread		s;
	TupleDesc	tupdesc;
	Datum		values[4];
	bool		nulls[4] = {true, true, true, true};

	if (!arg_activity(fcinfo, &v) || !arg_window(fcinfo, 1, 2, &w))
		PG_RETURN_NULL();
	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	tupdesc = BlessTupleDesc(tupdesc);
	spread(&v, &w, &s);
	if (s.users > 0)
	{
		IdReader	r;
		uint32		i;

		idreader_init(&r, &v);
		for (i = 0; i <= s.top_user; i++)
			idreader_next(&r);
		values[0] = PointerGetDatum(idreader_text(&r));
		values[1] = Int32GetDatum((int32) s.top);
		values[2] = Float8GetDatum(spread_champion_share(&s));
		values[3] = DateADTGetDatum(s.top_last);
		memset(nulls, 0, sizeof(nulls));
	}
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}

Datum
activity_champion_share(PG_FUNCTION_ARGS)
{
	ActivityView v;
	Window		w;
	Spread		s;

	if (!arg_activity(fcinfo, &v) || !arg_window(fcinfo, 1, 2, &w))
		PG_RETURN_NULL();
	spread(&v, &w, &s);
	if (s.users == 0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(spread_champion_share(&s));
}

Datum
activity_effective_users(PG_FUNCTION_ARGS)
{
	ActivityView v;
	Window		w;
	Spread		s;

	if (!arg_activity(fcinfo, &v) || !arg_window(fcinfo, 1, 2, &w))
		PG_RETURN_NULL();
	spread(&v, &w, &s);
	if (s.users == 0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(spread_effective_users(&s));
}

Datum
activity_frequency(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	ActivityView v;
	ActivityCursor c;
	Window		w;
	int32		feature;
	int64	   *users;
	int64		most,
				k;

	act_init_srf(fcinfo);
	if (!arg_activity(fcinfo, &v) || !arg_window(fcinfo, 1, 2, &w))
		return (Datum) 0;
	feature = arg_feature(fcinfo, 3, &v);
	/*
	 * nobody can be active on more days than the value spans, nor than it
	 * has triples (a value may span all the dates PostgreSQL has)
	 */
	most = v.ntriples > 0 ? Min(Min((int64) w.days, (int64) v.max_day - v.min_day + 1),
								(int64) v.ntriples) : 0;
	users = palloc0((most + 1) * sizeof(int64));
	if (feature != FEATURE_NONE)
	{
		cursor_init(&c, &v);
		while (cursor_next_user(&c))
		{
			uint32		n = cursor_user_days_in(&c, feature, w.lo, w.hi);

			users[days_in_window(c.days, n, w.lo, w.hi)]++;
		}
	}
	for (k = 1; k <= w.days; k++)
	{
		Datum		values[2];
		bool		nulls[2] = {false, false};

		CHECK_FOR_INTERRUPTS();
		values[0] = Int32GetDatum((int32) k);
		values[1] = Int64GetDatum(k <= most ? users[k] : 0);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

Datum
activity_seat_activation(PG_FUNCTION_ARGS)
{
	ActivityView v;
	ActivityCursor c;
	int64		seats,
				users = 0;
	int32		as_of;

	if (!arg_activity(fcinfo, &v) || PG_ARGISNULL(2) || !arg_seats(fcinfo, 1, &seats) ||
		seats == 0)
		PG_RETURN_NULL();
	arg_as_of(fcinfo, 2, &as_of);
	cursor_init(&c, &v);
	while (cursor_next_user(&c))
		if (cursor_user_days(&c, FEATURE_ANY, as_of) > 0)
			users++;
	PG_RETURN_FLOAT8((double) users / (double) seats);
}

static void
check_share(const char *name, double v)
{
	if (!(v >= 0.0 && v <= 1.0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be between 0 and 1, not %g", name, v)));
}

/* the first rule that holds (doc/reference.md, "adoption_stage") */
Datum
adoption_stage(PG_FUNCTION_ARGS)
{
	int64		active = PG_GETARG_INT64(0);
	int64		seats = PG_GETARG_INT64(1);
	int32		active_teams = PG_GETARG_INT32(2);
	int32		teams = PG_GETARG_INT32(3);
	double		teams_share = PG_GETARG_FLOAT8(4);
	double		seats_share = PG_GETARG_FLOAT8(5);
	const char *stage;

	if (active < 0)
		invalid_argument("active_users", "at least 0", active);
	if (seats < 0)
		invalid_argument("seats", "at least 0", seats);
	if (teams < 0)
		invalid_argument("teams", "at least 0", teams);
	if (active_teams < 0 || active_teams > teams)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("active_teams must be between 0 and teams (%d), not %d", teams, active_teams)));
	check_share("company_wide_teams", teams_share);
	check_share("company_wide_seats", seats_share);

	if (active == 0)
		stage = "none";
	else if (active == 1)
		stage = "champion";
	else if (active_teams <= 1)
		stage = "role_based";
	else if ((double) active_teams >= teams_share * teams &&
			 (double) active >= seats_share * seats)
		stage = "company_wide";
	else
		stage = "cross_team";
	PG_RETURN_TEXT_P(cstring_to_text(stage));
}
