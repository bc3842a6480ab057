/*
 * adoption_bench_floor.c
 *		The floor of the build (bench/core.sql): an aggregate with
 *		activity_agg's arguments (bigint, timestamptz, text) and a
 *		by-reference state of a real type, whose transition function reads
 *		its arguments as activity_agg's does and computes nothing.  What it
 *		costs under GROUP BY account_id is PostgreSQL's part of any such
 *		aggregate: the function call, its three arguments, the state handed
 *		back; the build's time above it is the extension's work.
 *
 * Not part of the extension: bench/run builds and installs it, and
 * bench/core.sql creates the aggregate when the library is installed.
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/timestamp.h"

PG_MODULE_MAGIC;

/* where the arguments go, so that reading them is not optimised away */
static volatile int64 sink;

PG_FUNCTION_INFO_V1(bench_floor_trans);

/*
 * bench_floor_trans(state bytea, user_id bigint, occurred_at timestamptz,
 * feature text): the state is allocated once per group in the aggregate
 * context and handed back unchanged (as activity_agg hands back its
 * expanded state), so PostgreSQL copies nothing.
 */
Datum
bench_floor_trans(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt;
	bytea	   *state;

	if (!AggCheckCallContext(fcinfo, &aggcxt))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("bench_floor_trans can only be called as an aggregate transition function")));
	if (PG_ARGISNULL(0))
	{
		state = MemoryContextAllocZero(aggcxt, VARHDRSZ);
		SET_VARSIZE(state, VARHDRSZ);
	}
	else
		state = PG_GETARG_BYTEA_P(0);
	if (!PG_ARGISNULL(1) && !PG_ARGISNULL(2))
	{
		int64		acc = PG_GETARG_INT64(1) ^ PG_GETARG_TIMESTAMPTZ(2);

		if (!PG_ARGISNULL(3))
		{
			text	   *f = PG_GETARG_TEXT_PP(3);

			acc += VARSIZE_ANY_EXHDR(f) + (unsigned char) *VARDATA_ANY(f);
		}
		sink += acc;
	}
	PG_RETURN_BYTEA_P(state);
}
