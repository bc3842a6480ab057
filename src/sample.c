/*
 * sample.c
 *		The sample state of score_auc and health_fit (sample.h): rows in,
 *		as an expanded object updated in place, flattened when shipped.
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

#include "compat.h"
#include "sample.h"

static Size sample_get_flat_size(ExpandedObjectHeader *eohptr);

static const ExpandedObjectMethods sample_methods = {
	sample_get_flat_size,
	sample_flatten_into
};

/* ----------------------------------------------------------------
 * The sample
 * ----------------------------------------------------------------
 */

/* the largest sample whose stored form fits in a varlena */
static uint64
max_rows(int k, uint32 model_len)
{
	return (MaxAllocSize - VARHDRSZ - SAMPLE_HEADER - model_len) / ((uint64) k * 8 + 1);
}

Sample *
sample_create(MemoryContext cxt, uint8 kind, int k)
{
	Sample	   *s = MemoryContextAllocZero(cxt, sizeof(Sample));

	EOH_init_header(&s->hdr, &sample_methods, cxt);
	s->magic = SAMPLE_MAGIC;
	s->kind = kind;
	s->k = k;
	return s;
}

void
sample_reserve(Sample *s, uint64 more)
{
	uint64		need = s->n + more;
	MemoryContext cxt = s->hdr.eoh_context;

	if (need <= s->cap)
		return;
	/* 22023 as every other error of score_auc and health_fit */
	if (need > max_rows(s->k, s->model_text_len))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s keeps every row and is limited to %llu rows of this kind",
						agg_name(s->kind), (unsigned long long) max_rows(s->k, s->model_text_len))));
	if (s->cap == 0)
	{
		s->cap = Max(need, 64);
		s->x = MemoryContextAllocHuge(cxt, s->cap * s->k * sizeof(double));
		s->y = MemoryContextAllocHuge(cxt, s->cap);
		return;
	}
	s->cap = Max(need, s->cap * 2);
	s->x = repalloc_huge(s->x, s->cap * s->k * sizeof(double));
	s->y = repalloc_huge(s->y, s->cap);
}

/* sets the model of a health sample; jsonb bytes and text given */
void
sample_set_model(Sample *s, Jsonb *model, const char *text, uint32 text_len)
{
	MemoryContext old = MemoryContextSwitchTo(s->hdr.eoh_context);
	HealthModel *m = palloc0(sizeof(HealthModel));
	JsonbValue *fit;

	m->cxt = s->hdr.eoh_context;
	health_parse_model(m, model);
	s->model = palloc(VARSIZE(model));
	memcpy(s->model, model, VARSIZE(model));
	if (text == NULL)
	{
		text = JsonbToCString(NULL, &model->root, VARSIZE(model));
		text_len = strlen(text);
	}
	s->model_text = palloc(text_len + 1);
	memcpy(s->model_text, text, text_len);
	s->model_text[text_len] = '\0';
	s->model_text_len = text_len;
	s->m = m;
	s->scored = palloc(m->n * sizeof(Scored));
	if (m->n > MAX_COMPONENTS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("health_fit: the model has %d components (allowed: at most %d)",
						m->n, MAX_COMPONENTS)));
	s->k = m->n;
	/* fit.l2: a JSON number, at least 0; default 1 */
	s->l2 = 1.0;
	fit = getKeyJsonValueFromContainer(&model->root, "fit", 3, NULL);
	if (fit != NULL)
	{
		JsonbValue *l2 = NULL;

		if (fit->type != jbvBinary || !JsonContainerIsObject(fit->val.binary.data))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("health_fit: the model's \"fit\" must be an object")));
		l2 = getKeyJsonValueFromContainer(fit->val.binary.data, "l2", 2, NULL);
		if (l2 != NULL)
		{
			if (l2->type != jbvNumeric)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("health_fit: fit.l2 must be a number, at least 0")));
			s->l2 = DatumGetFloat8(DirectFunctionCall1(numeric_float8_no_overflow,
													   NumericGetDatum(l2->val.numeric)));
			if (!(s->l2 >= 0) || !isfinite(s->l2))
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("health_fit: fit.l2 must be a finite number, at least 0")));
		}
	}
	MemoryContextSwitchTo(old);
}

Size
flat_size(const Sample *s)
{
	return VARHDRSZ + SAMPLE_HEADER + s->model_text_len + s->n * (s->k * 8 + 1);
}

static Size
sample_get_flat_size(ExpandedObjectHeader *eohptr)
{
	return flat_size((Sample *) eohptr);
}

void
sample_flatten_into(ExpandedObjectHeader *eohptr, void *result, Size size)
{
	Sample	   *s = (Sample *) eohptr;
	uint8	   *p = (uint8 *) VARDATA(result);
	uint64		i,
				nx = s->n * s->k;

	Assert(size == flat_size(s));
	SET_VARSIZE(result, size);
	p[0] = SAMPLE_FORMAT_VERSION;
	p[1] = s->kind;
	p[2] = p[3] = 0;
	put_u32(p + 4, (uint32) s->k);
	put_u64(p + 8, s->n);
	put_u32(p + 16, s->model_text_len);
	p += SAMPLE_HEADER;
	memcpy(p, s->model_text, s->model_text_len);
	p += s->model_text_len;
	for (i = 0; i < nx; i++)
		put_f8(p + 8 * i, s->x[i]);
	p += 8 * nx;
	memcpy(p, s->y, s->n);
}

/*
 * Checks stored bytes (from input functions, or any flat value) and returns
 * the rows; ereports with code.  The model of a health sample is checked
 * when it is read (sample_add_flat).
 */
uint64
sample_check(const uint8 *p, Size len, uint8 kind, int code)
{
	uint32		k,
				mlen;
	uint64		n,
				i;
	const uint8 *x,
			   *y;

#define BAD(detail) \
	ereport(ERROR, (errcode(code), errmsg("invalid %s value", kind_name(kind)), errdetail detail))

	if (len < SAMPLE_HEADER)
		BAD(("The value is shorter than its header."));
	if (p[0] != SAMPLE_FORMAT_VERSION)
		BAD(("Unsupported format version %d (this release reads %d).", p[0], SAMPLE_FORMAT_VERSION));
	if (p[1] != kind)
		BAD(("The value is of another kind (%d).", p[1]));
	if (p[2] != 0 || p[3] != 0)
		BAD(("Reserved bytes are not zero."));
	k = get_u32(p + 4);
	n = get_u64(p + 8);
	mlen = get_u32(p + 16);
	if (kind == KIND_SCORE ? (k != 1 || mlen != 0) : (k < 1 || k > MAX_COMPONENTS || mlen == 0))
		BAD(("The header's row width (%u) or model length (%u) is invalid.", k, mlen));
	if (mlen > len - SAMPLE_HEADER || n > (len - SAMPLE_HEADER - mlen) / ((uint64) k * 8 + 1) ||
		len != SAMPLE_HEADER + mlen + n * ((uint64) k * 8 + 1))
		BAD(("The length does not match the header."));
	if (memchr(p + SAMPLE_HEADER, '\0', mlen) != NULL)
		BAD(("The model text holds a zero byte."));
	x = p + SAMPLE_HEADER + mlen;
	y = x + 8 * n * k;
	for (i = 0; i < n * k; i++)
	{
		double		d = get_f8(x + 8 * i);

		if (kind == KIND_SCORE ? isnan(d) : !(isnan(d) || (d >= 0 && d <= 100)))
			BAD(("Row %llu holds an invalid number.", (unsigned long long) (i / k + 1)));
	}
	for (i = 0; i < n; i++)
		if (y[i] > 1)
			BAD(("Row %llu holds an invalid outcome.", (unsigned long long) (i + 1)));
	return n;
#undef BAD
}

/* appends the rows of a stored value to s (setting s's model if none yet) */
void
sample_add_flat(Sample *s, const struct varlena *flat)
{
	const uint8 *p = (const uint8 *) VARDATA_ANY(flat);
	Size		len = VARSIZE_ANY_EXHDR(flat);
	uint64		n = sample_check(p, len, s->kind, ERRCODE_DATA_CORRUPTED),
				i;
	uint32		k = get_u32(p + 4),
				mlen = get_u32(p + 16);
	const uint8 *x = p + SAMPLE_HEADER + mlen;

	if (s->kind == KIND_HEALTH)
	{
		if (s->m == NULL)
		{
			char	   *text = pnstrdup((const char *) p + SAMPLE_HEADER, mlen);
			Jsonb	   *model = DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(text)));

			sample_set_model(s, model, text, mlen);
		}
		else if (mlen != s->model_text_len || memcmp(p + SAMPLE_HEADER, s->model_text, mlen) != 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("health_fit: the model must be the same in every row")));
		if (k != (uint32) s->k)
			ereport(ERROR,
					(errcode(ERRCODE_DATA_CORRUPTED),
					 errmsg("invalid health_sample value"),
					 errdetail("Its rows have %u numbers, its model %d components.", k, s->k)));
	}
	sample_reserve(s, n);
	for (i = 0; i < n * k; i++)
		s->x[s->n * k + i] = get_f8(x + 8 * i);
	memcpy(s->y + s->n, x + 8 * n * k, n);
	s->n += n;
}

/* the sample behind a datum of ours, expanded, else NULL */
Sample *
sample_from_expanded(Datum d)
{
	Sample	   *s;

	if (!VARATT_IS_EXTERNAL_EXPANDED(DatumGetPointer(d)))
		return NULL;
	s = (Sample *) DatumGetEOHP(d);
	if (s->magic != SAMPLE_MAGIC)
		elog(ERROR, "expanded object is not a sample");
	return s;
}

/* appends the rows of another sample (expanded or stored) to s */
void
sample_add(Sample *s, Datum d)
{
	Sample	   *o = sample_from_expanded(d);

	if (o == NULL)
	{
		sample_add_flat(s, (struct varlena *) PG_DETOAST_DATUM_PACKED(d));
		return;
	}
	if (o->kind != s->kind)
		elog(ERROR, "sample of another kind");
	if (s->kind == KIND_HEALTH)
	{
		if (s->m == NULL)
			sample_set_model(s, o->model, o->model_text, o->model_text_len);
		else if (VARSIZE(o->model) != VARSIZE(s->model) ||
				 memcmp(o->model, s->model, VARSIZE(s->model)) != 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("health_fit: the model must be the same in every row")));
	}
	sample_reserve(s, o->n);
	memcpy(s->x + s->n * s->k, o->x, o->n * o->k * sizeof(double));
	memcpy(s->y + s->n, o->y, o->n);
	s->n += o->n;
}

/* the context that all samples of an aggregate context share */
#define SAMPLES_CONTEXT "adoption samples"

static MemoryContext
samples_context(MemoryContext aggcxt)
{
	MemoryContext c;

	for (c = aggcxt->firstchild; c != NULL; c = c->nextchild)
		if (c->name && strcmp(c->name, SAMPLES_CONTEXT) == 0)
			return c;
	return AllocSetContextCreate(aggcxt, SAMPLES_CONTEXT, ALLOCSET_DEFAULT_SIZES);
}

/* the aggregate state in argument 0, created or expanded as needed */
Sample *
agg_state(FunctionCallInfo fcinfo, uint8 kind, const char *fname)
{
	MemoryContext aggcxt;
	Sample	   *s;

	if (!AggCheckCallContext(fcinfo, &aggcxt))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("%s can only be called as an aggregate transition function", fname)));
	if (!PG_ARGISNULL(0))
	{
		Datum		d = PG_GETARG_DATUM(0);

		s = VARATT_IS_EXTERNAL_EXPANDED_RW(DatumGetPointer(d)) ? sample_from_expanded(d) : NULL;
		if (s != NULL && MemoryContextGetParent(s->hdr.eoh_context) == aggcxt)
			return s;
	}
	s = sample_create(samples_context(aggcxt), kind, kind == KIND_SCORE ? 1 : 0);
	if (!PG_ARGISNULL(0))
		sample_add(s, PG_GETARG_DATUM(0));
	return s;
}

/* a sample to read in a final function (not modified) */
Sample *
final_sample(Datum d, uint8 kind)
{
	Sample	   *s = sample_from_expanded(d);

	if (s != NULL)
		return s;
	s = sample_create(CurrentMemoryContext, kind, kind == KIND_SCORE ? 1 : 0);
	sample_add_flat(s, (struct varlena *) PG_DETOAST_DATUM_PACKED(d));
	return s;
}



Datum
sample_combine(FunctionCallInfo fcinfo, uint8 kind, const char *fname)
{
	Sample	   *s;

	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		/* keep the first state, but own it */
		s = agg_state(fcinfo, kind, fname);
		PG_RETURN_DATUM(EOHPGetRWDatum(&s->hdr));
	}
	s = agg_state(fcinfo, kind, fname);
	sample_add(s, PG_GETARG_DATUM(1));
	PG_RETURN_DATUM(EOHPGetRWDatum(&s->hdr));
}
