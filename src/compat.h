/*
 * compat.h
 *		Every PG_VERSION_NUM guard of the extension (PostgreSQL 13 to 18).
 */
#ifndef ADOPTION_COMPAT_H
#define ADOPTION_COMPAT_H

#include "postgres.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/tuplestore.h"

/*
 * PG_FUNCTION_INFO_V1 marks the SQL entry point itself PGDLLEXPORT from
 * PostgreSQL 16 on; before, only its info function.  The module is built
 * with hidden symbols (see the Makefile), so the entry point must be
 * marked too: this is PostgreSQL 16's definition.
 */
#if PG_VERSION_NUM < 160000
#undef PG_FUNCTION_INFO_V1
#define PG_FUNCTION_INFO_V1(funcname) \
extern PGDLLEXPORT Datum funcname(PG_FUNCTION_ARGS); \
extern PGDLLEXPORT const Pg_finfo_record * CppConcat(pg_finfo_,funcname)(void); \
const Pg_finfo_record * \
CppConcat(pg_finfo_,funcname) (void) \
{ \
	static const Pg_finfo_record my_finfo = { 1 }; \
	return &my_finfo; \
} \
extern int no_such_variable
#endif

/*
 * act_noreturn: marks a function that never returns (it ereports ERROR).
 * PostgreSQL 18 replaced pg_attribute_noreturn() by pg_noreturn, which
 * goes before the declaration instead of after it.
 */
#if PG_VERSION_NUM >= 180000
#define act_noreturn pg_noreturn
#else
#define act_noreturn
#endif
#if PG_VERSION_NUM >= 180000 || !defined(pg_attribute_noreturn)
#define act_noreturn_after
#else
#define act_noreturn_after pg_attribute_noreturn()
#endif

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
