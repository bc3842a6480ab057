/*
 * users.c
 *		user_activity: one row per user of a summary, so that a
 *		customer-success manager can see who went quiet and, joined from a
 *		roster, which seats were never used (doc/reference.md, "Users").
 */
#include "postgres.h"

#include "utils/builtins.h"

#include "args.h"
#include "compat.h"

PG_FUNCTION_INFO_V1(activity_user_activity);

/*
 * user_activity(act, as_of, days): for every user with a day on or before
 * as_of, in the summary's user order, (user_id, first_day, last_day,
 * active_days, features): first and last day up to as_of, distinct days
 * and distinct non-NULL features in the window (lo, hi].
 *
 * Two cursors walk the users in step: one merges each user's days over
 * all pairs (cursor_user_days_in), the other reads the pairs themselves
 * for the features; the id reader follows them.
 */
Datum
activity_user_activity(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	ActivityView v;
	ActivityCursor days,
				pairs;
	IdReader	ids;
	Window		w;

	act_init_srf(fcinfo);
	if (!arg_activity(fcinfo, &v) || !arg_window(fcinfo, 1, 2, &w))
		return (Datum) 0;
	cursor_init(&days, &v);
	cursor_init(&pairs, &v);
	idreader_init(&ids, &v);
	while (cursor_next_user(&days))
	{
		uint32		n;
		int32		features = 0;
		Datum		values[5];
		bool		nulls[5] = {false, false, false, false, false};
		text	   *id;

		if (!cursor_next_user(&pairs))
			elog(ERROR, "user_activity: cursors out of step");
		idreader_next(&ids);
		n = cursor_user_days(&days, FEATURE_ANY, w.hi);
		if (n == 0)
			continue;			/* first active after as_of */
		while (cursor_next_pair(&pairs))
			if (pairs.feature > 0 && days_in_window(pairs.days, pairs.ndays, w.lo, w.hi) > 0)
				features++;
		id = idreader_text(&ids);
		values[0] = PointerGetDatum(id);
		values[1] = DateADTGetDatum(days.days[0]);
		values[2] = DateADTGetDatum(days.days[n - 1]);
		values[3] = Int32GetDatum((int32) days_in_window(days.days, n, w.lo, w.hi));
		values[4] = Int32GetDatum(features);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		pfree(id);
	}
	return (Datum) 0;
}
