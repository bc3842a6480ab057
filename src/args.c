/*
 * args.c
 *		The shared handling of accessor arguments (see args.h).
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "utils/array.h"
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
	activity_view_init(v, activity_detoast_arg(fcinfo, 0));
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

bool
arg_date_bound(FunctionCallInfo fcinfo, int argno, int64 *bound)
{
	DateADT		d;

	if (PG_ARGISNULL(argno))
		return false;
	d = PG_GETARG_DATEADT(argno);
	*bound = DATE_IS_NOBEGIN(d) ? PG_INT64_MIN : DATE_IS_NOEND(d) ? PG_INT64_MAX : d;
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
	/* like a STRICT function: a NULL gives NULL before anything is checked */
	if (PG_ARGISNULL(days_arg) || PG_ARGISNULL(as_of_arg))
		return false;
	w->days = arg_positive(fcinfo, days_arg, "days");
	arg_as_of(fcinfo, as_of_arg, &w->hi);
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

bool
arg_checkpoints(FunctionCallInfo fcinfo, int argno, const char *name,
				int32 **values, int *n)
{
	return arg_int_array(fcinfo, argno, name, 0, "at least 0 in every element", values, n);
}

bool
arg_int_array(FunctionCallInfo fcinfo, int argno, const char *name, int32 min,
			  const char *range, int32 **values, int *n)
{
	ArrayType  *a;
	Datum	   *elems;
	bool	   *nulls;
	int			i;

	if (PG_ARGISNULL(argno))
		return false;
	a = PG_GETARG_ARRAYTYPE_P(argno);
	if (ARR_NDIM(a) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be a one-dimensional array", name)));
	deconstruct_array(a, INT4OID, sizeof(int32), true, TYPALIGN_INT, &elems, &nulls, n);
	*values = palloc((Size) Max(*n, 1) * sizeof(int32));
	for (i = 0; i < *n; i++)
	{
		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s must not contain NULL", name)));
		(*values)[i] = DatumGetInt32(elems[i]);
		if ((*values)[i] < min)
			invalid_argument(name, range, (*values)[i]);
	}
	return true;
}

/*
 * The start filter of argument argno (start_feature): START_ACTIVE when
 * the function has no such argument or it is NULL, else a feature code or
 * FEATURE_NONE (a feature absent from the value: nobody starts).
 */
int32
arg_start_feature(FunctionCallInfo fcinfo, int argno, const ActivityView *v)
{
	if (PG_NARGS() <= argno || PG_ARGISNULL(argno))
		return START_ACTIVE;
	return activity_view_feature(v, PG_GETARG_TEXT_PP(argno));
}
