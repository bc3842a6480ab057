/*
 * args.c
 *		The shared handling of accessor arguments (see args.h).
 */
#include "postgres.h"

#include "utils/date.h"

#include "args.h"

void
invalid_argument(const char *name, const char *range, int64 value)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("%s must be %s, not " INT64_FORMAT, name, range, value)));
}

bool
arg_activity(FunctionCallInfo fcinfo, ActivityView *v)
{
	if (PG_ARGISNULL(0))
		return false;
	activity_view_init(v, PG_GETARG_ACTIVITY(0));
	return true;
}

bool
arg_as_of(FunctionCallInfo fcinfo, int argno, int32 *as_of)
{
	DateADT		d;

	if (PG_ARGISNULL(argno))
		return false;
	d = PG_GETARG_DATEADT(argno);
	if (DATE_NOT_FINITE(d))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("as_of must be a finite date")));
	*as_of = d;
	return true;
}

int32
arg_positive(FunctionCallInfo fcinfo, int argno, const char *name)
{
	int32		v = PG_GETARG_INT32(argno);

	if (v < 1)
		invalid_argument(name, "at least 1", v);
	return v;
}

bool
arg_window(FunctionCallInfo fcinfo, int as_of_arg, int days_arg, Window *w)
{
	if (PG_ARGISNULL(days_arg))
		return false;
	w->days = arg_positive(fcinfo, days_arg, "days");
	if (!arg_as_of(fcinfo, as_of_arg, &w->hi))
		return false;
	w->lo = (int64) w->hi - w->days;
	return true;
}

int32
arg_feature(FunctionCallInfo fcinfo, int argno, const ActivityView *v)
{
	if (PG_ARGISNULL(argno))
		return FEATURE_ANY;
	return activity_view_feature(v, PG_GETARG_TEXT_PP(argno));
}

bool
arg_seats(FunctionCallInfo fcinfo, int argno, int64 *seats)
{
	if (PG_ARGISNULL(argno))
		return false;
	*seats = PG_GETARG_INT64(argno);
	if (*seats < 0)
		invalid_argument("seats", "at least 0", *seats);
	return true;
}
