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
 * act_b64_encode, act_b64_decode: base64 of common/base64.h, whose
 * functions take the destination's size from PostgreSQL 14 on
 */
#include "common/base64.h"
#if PG_VERSION_NUM >= 140000
#define act_b64_encode(src, len, dst, dstlen) pg_b64_encode(src, len, dst, dstlen)
#define act_b64_decode(src, len, dst, dstlen) pg_b64_decode(src, len, dst, dstlen)
#else
#define act_b64_encode(src, len, dst, dstlen) pg_b64_encode(src, len, dst)
#define act_b64_decode(src, len, dst, dstlen) pg_b64_decode(src, len, dst)
#endif

#endif							/* ADOPTION_COMPAT_H */
