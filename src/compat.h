/*
 * compat.h
 *		Every PG_VERSION_NUM guard of the extension (PostgreSQL 13 to 17).
 */
#ifndef ADOPTION_COMPAT_H
#define ADOPTION_COMPAT_H

#include "postgres.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/tuplestore.h"

/*
 * act_init_srf: set up a set-returning function in materialize mode; the
 * caller then puts rows into rsinfo->setResult with rsinfo->setDesc.
 */
#if PG_VERSION_NUM >= 150000
static inline void
act_init_srf(FunctionCallInfo fcinfo)
{
	InitMaterializedSRF(fcinfo, 0);
}
#else
static inline void
act_init_srf(FunctionCallInfo fcinfo)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	TupleDesc	tupdesc;
	MemoryContext oldcxt;

	if (rsinfo == NULL || !IsA(rsinfo, ReturnSetInfo) ||
		(rsinfo->allowedModes & SFRM_Materialize) == 0)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("set-valued function called in context that cannot accept a set")));
	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	oldcxt = MemoryContextSwitchTo(rsinfo->econtext->ecxt_per_query_memory);
	rsinfo->returnMode = SFRM_Materialize;
	rsinfo->setDesc = CreateTupleDescCopy(tupdesc);
	rsinfo->setResult = tuplestore_begin_heap(true, false, work_mem);
	MemoryContextSwitchTo(oldcxt);
}
#endif

/*
 * act_init_srf_expected: act_init_srf with the row type the caller expects
 * (rsinfo->expectedDesc, when it gives one) instead of one built from the
 * function's catalog entry on every call: cheaper for a set-returning
 * function called once per row of a join.
 */
static inline void
act_init_srf_expected(FunctionCallInfo fcinfo)
{
#if PG_VERSION_NUM >= 150000
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;

	if (rsinfo != NULL && IsA(rsinfo, ReturnSetInfo) && rsinfo->expectedDesc != NULL)
	{
		InitMaterializedSRF(fcinfo, MAT_SRF_USE_EXPECTED_DESC);
		return;
	}
#endif
	act_init_srf(fcinfo);
}

#endif							/* ADOPTION_COMPAT_H */
