/*
 * aggregates.c
 *		Transition and combine functions of activity_agg and rollup, and
 *		activity_union.
 *
 * The aggregate state is an activity value held as a read-write expanded
 * object whose memory context is a child of the aggregate context, so
 * nodeAgg keeps it across rows without copying (see ExecAggTransReparent)
 * and frees it with the group.  When PostgreSQL or Citus ships a partial
 * state, it is flattened to the stored form; the combine function expands
 * it again.
 *
 * All the builders of one aggregate context share that child context: a
 * context per group would make hash aggregation quadratic in the number of
 * groups, as it sums the memory of every child context whenever a group is
 * added.  nodeAgg never deletes a state we return unchanged, and the shared
 * context goes with the aggregate context's reset (end of group, batch or
 * query).
 */
#include "postgres.h"

#include "datatype/timestamp.h"
#include "nodes/execnodes.h"
#include "pgtime.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"
#include "utils/uuid.h"

#include "activity/builder.h"
#include "activity/stage.h"

PG_MODULE_MAGIC;

PG_FUNCTION_INFO_V1(activity_combine);
PG_FUNCTION_INFO_V1(activity_union);

static void
infinite_day(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
			 errmsg("activity_agg day must be finite"),
			 errdetail("An infinite date or timestamp is not a day of activity.")));
}

static inline int32
date_to_day(DateADT d)
{
	if (DATE_NOT_FINITE(d))
		infinite_day();
	return d;
}

static int32
local_day(TimestampTz t, int *tz)
{
	struct pg_tm tm;
	fsec_t		fsec;

	if (timestamp2tm(t, tz, &tm, &fsec, NULL, NULL) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("timestamp out of range")));
	return date2j(tm.tm_year, tm.tm_mon, tm.tm_mday) - POSTGRES_EPOCH_JDATE;
}

/*
 * timestamptz to date as ::date does (session TimeZone), through a cache of
 * UTC hours whose instants all fall on one local day with one UTC offset.
 * The conversion is a pure function of the time zone and the instant, so
 * the cache lives for the backend and is cleared when TimeZone changes.
 */
#define HOUR_CACHE 16384			/* about 22 months of hours */
static struct
{
	int64		hour;
	int32		day;
}			hour_cache[HOUR_CACHE];
static pg_tz *hour_cache_tz = NULL;

static int32
tstz_to_day(TimestampTz t)
{
	int64		hour;
	TimestampTz start,
				end;
	int			slot,
				tz_start,
				tz_end;
	int32		day_start,
				day_end;

	if (TIMESTAMP_NOT_FINITE(t))
		infinite_day();
	hour = t / USECS_PER_HOUR - (t % USECS_PER_HOUR < 0 ? 1 : 0);
	slot = (int) (hour & (HOUR_CACHE - 1));
	if (likely(hour_cache_tz == session_timezone) && hour_cache[slot].hour == hour)
		return hour_cache[slot].day;
	if (hour_cache_tz != session_timezone)
	{
		int			i;

		for (i = 0; i < HOUR_CACHE; i++)
			hour_cache[i].hour = PG_INT64_MIN;
		hour_cache_tz = session_timezone;
	}
	start = hour * USECS_PER_HOUR;
	end = start + USECS_PER_HOUR - 1;
	if (!IS_VALID_TIMESTAMP(start) || !IS_VALID_TIMESTAMP(end))
		return local_day(t, &tz_start);
	/*
	 * Local time is monotone within an hour without an offset change, so
	 * the same day and offset at both ends mean the same day throughout.
	 */
	day_start = local_day(start, &tz_start);
	day_end = local_day(end, &tz_end);
	if (day_start != day_end || tz_start != tz_end)
		return local_day(t, &tz_start);
	hour_cache[slot].hour = hour;
	hour_cache[slot].day = day_start;
	return day_start;
}

/*
 * The context that all builders of an aggregate context share: a child of
 * it, found by name, so it goes with the aggregate context's reset (end of
 * group, batch or query).  Nothing is kept in fn_extra: callers such as
 * Citus's worker_partial_agg call the transition function through a fresh
 * FmgrInfo for every row.
 */
#define BUILDERS_CONTEXT "activity builders"

static MemoryContext
builder_context(MemoryContext aggcxt)
{
	MemoryContext c;

	for (c = aggcxt->firstchild; c != NULL; c = c->nextchild)
		if (c->name && strcmp(c->name, BUILDERS_CONTEXT) == 0)
			return c;
	return AllocSetContextCreate(aggcxt, BUILDERS_CONTEXT, ALLOCSET_DEFAULT_SIZES);
}

/* the builder of the aggregate state, created or expanded as needed */
static ActivityBuilder *
agg_state(FunctionCallInfo fcinfo, uint8 id_type, MemoryContext aggcxt)
{
	ActivityBuilder *b;

	if (PG_ARGISNULL(0))
		return builder_create(builder_context(aggcxt), id_type, false);
	b = builder_from_rw_datum(PG_GETARG_DATUM(0));
	if (b == NULL || MemoryContextGetParent(b->hdr.eoh_context) != aggcxt)
	{
		/* a flat or foreign state: expand a copy that we own */
		struct varlena *flat = PG_GETARG_ACTIVITY(0);

		b = builder_create(builder_context(aggcxt), activity_value_id_type(flat), false);
		builder_add_flat(b, flat);
	}
	return b;
}

static MemoryContext
agg_context(FunctionCallInfo fcinfo, const char *fname)
{
	MemoryContext aggcxt;

	if (!AggCheckCallContext(fcinfo, &aggcxt))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("%s can only be called as an aggregate transition function", fname)));
	return aggcxt;
}

/*
 * Hash aggregation interleaves the rows of its groups: there the rows of
 * integer user ids are staged (activity/stage.h), so that each builder is
 * updated in batches.  Sorted and plain aggregation, window aggregates and
 * other callers (Citus's worker_partial_agg) add each row at once.
 */
static inline bool
hashed_aggregation(FunctionCallInfo fcinfo)
{
	return fcinfo->context && IsA(fcinfo->context, AggState)
		&& ((AggState *) fcinfo->context)->aggstrategy == AGG_HASHED;
}

/*
 * The builder index in stage s of the aggregate state, the state created
 * or expanded (and added to the stage) as needed; the state datum to
 * return in *state.
 */
static uint32
staged_state(FunctionCallInfo fcinfo, BuilderStage *s, uint8 id_type,
			 MemoryContext aggcxt, Datum *state)
{
	ActivityBuilder *b;
	int64		i;

	if (!PG_ARGISNULL(0))
	{
		*state = PG_GETARG_DATUM(0);
		i = stage_builder_index(s, *state);
		if (i >= 0)
			return (uint32) i;
	}
	/* a new state, one of this context not staged yet, or a copy we expanded */
	b = agg_state(fcinfo, id_type, aggcxt);
	Assert(b->stage == NULL);
	*state = EOHPGetRWDatum(&b->hdr);
	return stage_add_builder(s, b);
}

/*
 * activity_agg over hashed groups, integer user ids: the row is staged for
 * the group's builder, found from the state datum without reading it.
 */
static Datum
activity_trans_staged(FunctionCallInfo fcinfo, BuilderStage *s, uint8 id_type,
					  bool tstz, MemoryContext aggcxt)
{
	Datum		state;
	uint32		i = staged_state(fcinfo, s, id_type, aggcxt, &state);
	int32		day;
	uint32		feature = 0;

	day = tstz ? tstz_to_day(PG_GETARG_TIMESTAMPTZ(2)) : date_to_day(PG_GETARG_DATEADT(2));
	if (PG_NARGS() > 3 && !PG_ARGISNULL(3))
	{
		text	   *f = PG_GETARG_TEXT_PP(3);

		feature = stage_feature(s, VARDATA_ANY(f), VARSIZE_ANY_EXHDR(f));
	}
	stage_row(s, i,
			  id_type == ACT_ID_INT4 ? (int64) PG_GETARG_INT32(1) : PG_GETARG_INT64(1),
			  feature, day);
	PG_RETURN_DATUM(state);
}

/*
 * activity_agg(user_id, day [, feature]): one row.  Rows with a NULL user
 * or day are skipped before anything is added, and an infinite day fails
 * before its feature or user is, so every user and feature in the
 * dictionaries has at least one triple.
 */
static inline Datum
activity_trans(FunctionCallInfo fcinfo, uint8 id_type, bool tstz)
{
	MemoryContext aggcxt = agg_context(fcinfo, "activity_agg_trans");
	ActivityBuilder *b;
	text	   *f = NULL;
	int32		day;
	uint32		user,
				feature = 0;

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	if ((id_type == ACT_ID_INT4 || id_type == ACT_ID_INT8) && hashed_aggregation(fcinfo))
	{
		BuilderStage *s = stage_for(aggcxt, builder_context);

		if (s != NULL)
			return activity_trans_staged(fcinfo, s, id_type, tstz, aggcxt);
	}
	b = agg_state(fcinfo, id_type, aggcxt);
	if (id_type == ACT_ID_INT4)
		builder_prefetch_int(b, PG_GETARG_INT32(1));
	else if (id_type == ACT_ID_INT8)
		builder_prefetch_int(b, PG_GETARG_INT64(1));
	if (PG_NARGS() > 3 && !PG_ARGISNULL(3))
	{
		f = PG_GETARG_TEXT_PP(3);
		builder_prefetch_feature(b, VARDATA_ANY(f), VARSIZE_ANY_EXHDR(f));
	}
	day = tstz ? tstz_to_day(PG_GETARG_TIMESTAMPTZ(2)) : date_to_day(PG_GETARG_DATEADT(2));
	if (f)
		feature = builder_feature(b, VARDATA_ANY(f), VARSIZE_ANY_EXHDR(f));

	switch (id_type)
	{
		case ACT_ID_INT4:
			user = builder_user_int(b, PG_GETARG_INT32(1));
			break;
		case ACT_ID_INT8:
			user = builder_user_int(b, PG_GETARG_INT64(1));
			break;
		case ACT_ID_TEXT:
			{
				text	   *t = PG_GETARG_TEXT_PP(1);

				user = builder_user_bytes(b, VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
			}
			break;
		default:
			user = builder_user_bytes(b, (const char *) PG_GETARG_UUID_P(1)->data, UUID_LEN);
			break;
	}
	builder_add(b, user, feature, day);
	PG_RETURN_DATUM(EOHPGetRWDatum(&b->hdr));
}

#define TRANS_FUNC(name, id_type, tstz) \
PG_FUNCTION_INFO_V1(name); \
Datum name(PG_FUNCTION_ARGS); \
Datum name(PG_FUNCTION_ARGS) { return activity_trans(fcinfo, id_type, tstz); }

TRANS_FUNC(activity_trans_int4_date, ACT_ID_INT4, false)
TRANS_FUNC(activity_trans_int4_tstz, ACT_ID_INT4, true)
TRANS_FUNC(activity_trans_int8_date, ACT_ID_INT8, false)
TRANS_FUNC(activity_trans_int8_tstz, ACT_ID_INT8, true)
TRANS_FUNC(activity_trans_text_date, ACT_ID_TEXT, false)
TRANS_FUNC(activity_trans_text_tstz, ACT_ID_TEXT, true)
TRANS_FUNC(activity_trans_uuid_date, ACT_ID_UUID, false)
TRANS_FUNC(activity_trans_uuid_tstz, ACT_ID_UUID, true)

/* the union of two values (NULL is the empty set), as a new stored value */
Datum
activity_union(PG_FUNCTION_ARGS)
{
	struct varlena *a,
			   *b;
	ActivityBuilder *builder;
	struct varlena *flat;
	struct varlena *result;

	if (PG_ARGISNULL(0) && PG_ARGISNULL(1))
		PG_RETURN_NULL();
	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		PG_RETURN_DATUM(PG_GETARG_DATUM(PG_ARGISNULL(0) ? 1 : 0));
	a = PG_GETARG_ACTIVITY(0);
	b = PG_GETARG_ACTIVITY(1);
	builder = builder_create(CurrentMemoryContext, activity_value_id_type(a), true);
	builder_add_flat(builder, a);
	builder_add_flat(builder, b);
	flat = builder_flatten(builder);
	result = palloc(VARSIZE(flat));
	memcpy(result, flat, VARSIZE(flat));
	DeleteExpandedObject(EOHPGetRWDatum(&builder->hdr));
	PG_RETURN_POINTER(result);
}

/*
 * rollup's transition function and the combine function of both
 * aggregates: adds the second value to the state.  Called outside an
 * aggregate it is activity_union.  Over hashed groups, small values are
 * staged (activity/stage.h): a rollup of per-day summaries per account
 * hands each row to another group.
 */
Datum
activity_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt;
	ActivityBuilder *b;
	struct varlena *add;

	if (!AggCheckCallContext(fcinfo, &aggcxt))
		return activity_union(fcinfo);
	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	add = PG_GETARG_ACTIVITY(1);
	if (VARSIZE_ANY(add) <= STAGE_VALUE_MAX && hashed_aggregation(fcinfo))
	{
		BuilderStage *s = stage_for(aggcxt, builder_context);

		if (s != NULL)
		{
			Datum		state;
			uint32		i = staged_state(fcinfo, s, activity_value_id_type(add),
										 aggcxt, &state);

			stage_value(s, i, add);
			PG_RETURN_DATUM(state);
		}
	}
	b = agg_state(fcinfo, activity_value_id_type(add), aggcxt);
	builder_add_flat(b, add);
	PG_RETURN_DATUM(EOHPGetRWDatum(&b->hdr));
}
