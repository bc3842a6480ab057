/*
 * score_auc.c
 *		score_auc (doc/reference.md, "Evaluating and fitting health
 *		models"): the exact ROC AUC of a score against an outcome.
 */
#include "postgres.h"

#include <math.h>

#include "common/base64.h"
#include "common/shortest_dec.h"
#include "libpq/pqformat.h"
#include "port/pg_bswap.h"
#include "utils/builtins.h"
#include "utils/expandeddatum.h"
#include "utils/float.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/numeric.h"

#include "activity/radix.h"
#include "activity/reader.h"
#include "compat.h"
#include "sample.h"

PG_FUNCTION_INFO_V1(score_auc_trans);
PG_FUNCTION_INFO_V1(score_auc_combine);
PG_FUNCTION_INFO_V1(score_auc_final);

/* ----------------------------------------------------------------
 * score_auc
 * ----------------------------------------------------------------
 */

/* a float8 as a key whose unsigned order is the numbers' order (-0 = 0) */
static inline uint64
order_key(double d)
{
	uint64		u;

	d += 0.0;					/* -0 becomes +0 */
	memcpy(&u, &d, 8);
	return (u & UINT64CONST(0x8000000000000000)) ? ~u : u | UINT64CONST(0x8000000000000000);
}

/*
 * The exact AUC of n scores (stride apart in x) and outcomes, rows whose
 * score is NaN skipped: 2U = sum over positives of 2 (negatives below) +
 * (negatives equal), counted exactly in 64 bits (n is below 2^27), over
 * 2 P N.  False when a class is empty.
 */
bool
auc_of(const double *x, int stride, const uint8 *y, uint64 n, double *auc)
{
	uint64		npos = 0,
				nneg = 0,
				i,
				j,
				lt,
				u2 = 0;
	uint64	   *pos,
			   *neg;

	for (i = 0; i < n; i++)
		if (!isnan(x[i * stride]))
		{
			if (y[i])
				npos++;
			else
				nneg++;
		}
	if (npos == 0 || nneg == 0)
		return false;
	pos = huge_array(uint64, npos);
	neg = huge_array(uint64, nneg);
	npos = nneg = 0;
	for (i = 0; i < n; i++)
	{
		double		d = x[i * stride];

		if (isnan(d))
			continue;
		if (y[i])
			pos[npos++] = order_key(d);
		else
			neg[nneg++] = order_key(d);
	}
	CHECK_FOR_INTERRUPTS();
	sort_keys(pos, npos);
	sort_keys(neg, nneg);
	CHECK_FOR_INTERRUPTS();
	lt = 0;
	j = 0;
	for (i = 0; i < npos; i++)
	{
		uint64		le;

		while (lt < nneg && neg[lt] < pos[i])
			lt++;
		if (j < lt)
			j = lt;
		while (j < nneg && neg[j] == pos[i])
			j++;
		le = j;
		u2 += lt + le;
	}
	pfree(pos);
	pfree(neg);
	*auc = (double) u2 / (2.0 * (double) npos * (double) nneg);
	return true;
}

Datum
score_auc_trans(PG_FUNCTION_ARGS)
{
	Sample	   *s;
	double		d;

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	d = PG_GETARG_FLOAT8(1);
	if (isnan(d))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("score_auc: score must not be NaN")));
	s = agg_state(fcinfo, KIND_SCORE, "score_auc_trans");
	sample_reserve(s, 1);
	s->x[s->n] = d;
	s->y[s->n] = PG_GETARG_BOOL(2) ? 1 : 0;
	s->n++;
	PG_RETURN_DATUM(EOHPGetRWDatum(&s->hdr));
}


Datum
score_auc_combine(PG_FUNCTION_ARGS)
{
	return sample_combine(fcinfo, KIND_SCORE, "score_auc_combine");
}

Datum
score_auc_final(PG_FUNCTION_ARGS)
{
	Sample	   *s = final_sample(PG_GETARG_DATUM(0), KIND_SCORE);
	double		auc;

	if (!auc_of(s->x, 1, s->y, s->n, &auc))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(auc);
}

