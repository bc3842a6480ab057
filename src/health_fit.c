/*
 * health_fit.c
 *		score_auc and health_fit (doc/reference.md, "Evaluating and fitting
 *		health models"): the exact ROC AUC of a score against an outcome,
 *		and a health model's weights refitted by L2-penalised logistic
 *		regression on its own component scores.
 *
 * Both aggregates keep every row: a sample of n rows of k doubles and an
 * outcome byte.  The state types score_sample (k = 1: the score) and
 * health_sample (k = the model's components: each component's fraction,
 * NaN when missing, and the model itself) are varlena types of the
 * extension, so that parallel query and Citus can split the aggregates.
 * During aggregation a state is a read-write expanded object whose arrays
 * double as they fill (each row O(1) amortised), living in one child
 * context of the aggregate context shared by all the groups (as the
 * builders of aggregates.c do); it is flattened only when PostgreSQL or
 * Citus ships it.
 *
 * Stored form (the text form is "<version>:<base64 of these bytes>"):
 *	uint8  format version (1)
 *	uint8  kind: 1 score_sample, 2 health_sample
 *	uint16 zero
 *	uint32 k, the doubles per row
 *	uint64 n, the rows
 *	uint32 m, the length of the model's JSON text (0 for score_sample)
 *	m bytes of JSON text
 *	n * k float8, row after row
 *	n bytes of outcome, 0 or 1
 * every integer and float8 little-endian.
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

#include "activity.h"
#include "compat.h"
#include "health.h"

PG_FUNCTION_INFO_V1(score_sample_in);
PG_FUNCTION_INFO_V1(score_sample_out);
PG_FUNCTION_INFO_V1(score_sample_recv);
PG_FUNCTION_INFO_V1(score_sample_send);
PG_FUNCTION_INFO_V1(health_sample_in);
PG_FUNCTION_INFO_V1(health_sample_out);
PG_FUNCTION_INFO_V1(health_sample_recv);
PG_FUNCTION_INFO_V1(health_sample_send);
PG_FUNCTION_INFO_V1(score_auc_trans);
PG_FUNCTION_INFO_V1(score_auc_combine);
PG_FUNCTION_INFO_V1(score_auc_final);
PG_FUNCTION_INFO_V1(health_fit_trans);
PG_FUNCTION_INFO_V1(health_fit_combine);
PG_FUNCTION_INFO_V1(health_fit_final);

#define SAMPLE_FORMAT_VERSION 1
#define KIND_SCORE 1
#define KIND_HEALTH 2
#define SAMPLE_HEADER 20
#define SAMPLE_MAGIC 0x53414D50
#define MAX_COMPONENTS 1000
#define NEWTON_MAX_STEPS 100
#define NEWTON_TOLERANCE 1e-10

typedef struct Sample
{
	ExpandedObjectHeader hdr;
	uint32		magic;
	uint8		kind;
	int			k;
	uint64		n;
	uint64		cap;
	double	   *x;				/* n * k */
	uint8	   *y;				/* n */
	/* health_sample only */
	char	   *model_text;		/* the model's JSON text */
	uint32		model_text_len;
	Jsonb	   *model;			/* its jsonb bytes, to compare rows' models */
	HealthModel *m;				/* parsed */
	Scored	   *scored;			/* scratch, m->n entries */
	double		l2;
} Sample;

static Size sample_get_flat_size(ExpandedObjectHeader *eohptr);
static void sample_flatten_into(ExpandedObjectHeader *eohptr, void *result, Size size);

static const ExpandedObjectMethods sample_methods = {
	sample_get_flat_size,
	sample_flatten_into
};

static const char *
kind_name(uint8 kind)
{
	return kind == KIND_SCORE ? "score_sample" : "health_sample";
}

static const char *
agg_name(uint8 kind)
{
	return kind == KIND_SCORE ? "score_auc" : "health_fit";
}

/* ----------------------------------------------------------------
 * Little-endian bytes
 * ----------------------------------------------------------------
 */

static inline void
put_u32(uint8 *p, uint32 v)
{
	v = pg_hton32(v);
#ifndef WORDS_BIGENDIAN
	v = pg_bswap32(v);
#endif
	memcpy(p, &v, 4);
}

static inline uint32
get_u32(const uint8 *p)
{
	uint32		v;

	memcpy(&v, p, 4);
#ifdef WORDS_BIGENDIAN
	v = pg_bswap32(v);
#endif
	return v;
}

static inline void
put_u64(uint8 *p, uint64 v)
{
#ifdef WORDS_BIGENDIAN
	v = pg_bswap64(v);
#endif
	memcpy(p, &v, 8);
}

static inline uint64
get_u64(const uint8 *p)
{
	uint64		v;

	memcpy(&v, p, 8);
#ifdef WORDS_BIGENDIAN
	v = pg_bswap64(v);
#endif
	return v;
}

static inline void
put_f8(uint8 *p, double d)
{
	uint64		v;

	memcpy(&v, &d, 8);
	put_u64(p, v);
}

static inline double
get_f8(const uint8 *p)
{
	uint64		v = get_u64(p);
	double		d;

	memcpy(&d, &v, 8);
	return d;
}

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

static Sample *
sample_create(MemoryContext cxt, uint8 kind, int k)
{
	Sample	   *s = MemoryContextAllocZero(cxt, sizeof(Sample));

	EOH_init_header(&s->hdr, &sample_methods, cxt);
	s->magic = SAMPLE_MAGIC;
	s->kind = kind;
	s->k = k;
	return s;
}

static void
sample_reserve(Sample *s, uint64 more)
{
	uint64		need = s->n + more;
	MemoryContext cxt = s->hdr.eoh_context;

	if (need <= s->cap)
		return;
	if (need > max_rows(s->k, s->model_text_len))
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
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
static void
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

static Size
flat_size(const Sample *s)
{
	return VARHDRSZ + SAMPLE_HEADER + s->model_text_len + s->n * (s->k * 8 + 1);
}

static Size
sample_get_flat_size(ExpandedObjectHeader *eohptr)
{
	return flat_size((Sample *) eohptr);
}

static void
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
static uint64
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

		if (kind == KIND_SCORE ? isnan(d) : !(isnan(d) || (d >= 0 && d <= 1)))
			BAD(("Row %llu holds an invalid number.", (unsigned long long) (i / k + 1)));
	}
	for (i = 0; i < n; i++)
		if (y[i] > 1)
			BAD(("Row %llu holds an invalid outcome.", (unsigned long long) (i + 1)));
	return n;
#undef BAD
}

/* appends the rows of a stored value to s (setting s's model if none yet) */
static void
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
static Sample *
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
static void
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
static Sample *
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
static Sample *
final_sample(Datum d, uint8 kind)
{
	Sample	   *s = sample_from_expanded(d);

	if (s != NULL)
		return s;
	s = sample_create(CurrentMemoryContext, kind, kind == KIND_SCORE ? 1 : 0);
	sample_add_flat(s, (struct varlena *) PG_DETOAST_DATUM_PACKED(d));
	return s;
}

/* ----------------------------------------------------------------
 * Text and binary input and output
 * ----------------------------------------------------------------
 */

static void
bad_text(uint8 kind, const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid input syntax for type %s", kind_name(kind)),
			 errdetail("%s", detail)));
}

static struct varlena *
flat_of(Datum d)
{
	Sample	   *s = sample_from_expanded(d);

	if (s != NULL)
	{
		Size		size = flat_size(s);
		struct varlena *r = palloc(size);

		sample_flatten_into(&s->hdr, r, size);
		return r;
	}
	return (struct varlena *) PG_DETOAST_DATUM_PACKED(d);
}

static Datum
sample_in(char *str, uint8 kind)
{
	char	   *colon = strchr(str, ':');
	Size		len;
	int			n,
				m;
	struct varlena *result;
	char	   *again;
	Sample	   *s;

	if (colon == NULL || colon - str != 1 || str[0] != '0' + SAMPLE_FORMAT_VERSION)
		bad_text(kind, "Expected \"1:<base64>\".");
	len = strlen(colon + 1);
	if (len == 0 || len % 4 != 0 || len / 4 * 3 > MaxAllocSize - VARHDRSZ)
		bad_text(kind, "The base64 part is empty, too long or not a multiple of 4 long.");
	result = palloc(VARHDRSZ + len / 4 * 3);
	n = act_b64_decode((void *) (colon + 1), (int) len, (void *) VARDATA(result),
					   (int) (len / 4 * 3));
	if (n < 0)
		bad_text(kind, "The base64 part is malformed.");
	/* strict: the text must be the canonical encoding of its bytes */
	again = palloc(len + 1);
	m = act_b64_encode((void *) VARDATA(result), n, (void *) again, (int) len);
	if (m != (int) len || memcmp(again, colon + 1, len) != 0)
		bad_text(kind, "The base64 part is not in canonical form.");
	SET_VARSIZE(result, VARHDRSZ + n);
	/* full check, the model included */
	s = sample_create(CurrentMemoryContext, kind, kind == KIND_SCORE ? 1 : 0);
	sample_check((const uint8 *) VARDATA(result), n, kind, ERRCODE_INVALID_TEXT_REPRESENTATION);
	sample_add_flat(s, result);
	return PointerGetDatum(result);
}

static char *
sample_out(Datum d)
{
	struct varlena *flat = flat_of(d);
	Size		len = VARSIZE_ANY_EXHDR(flat);
	int			enc = pg_b64_enc_len((int) len);
	char	   *out = palloc(enc + 3);
	int			n;

	out[0] = '0' + SAMPLE_FORMAT_VERSION;
	out[1] = ':';
	n = act_b64_encode((void *) VARDATA_ANY(flat), (int) len, (void *) (out + 2), enc);
	if (n < 0)
		elog(ERROR, "base64 encoding failed");
	out[2 + n] = '\0';
	return out;
}

static Datum
sample_recv(StringInfo buf, uint8 kind)
{
	int			len = buf->len - buf->cursor;
	struct varlena *result = palloc(VARHDRSZ + len);
	Sample	   *s;

	SET_VARSIZE(result, VARHDRSZ + len);
	pq_copymsgbytes(buf, VARDATA(result), len);
	sample_check((const uint8 *) VARDATA(result), len, kind, ERRCODE_INVALID_BINARY_REPRESENTATION);
	s = sample_create(CurrentMemoryContext, kind, kind == KIND_SCORE ? 1 : 0);
	sample_add_flat(s, result);
	return PointerGetDatum(result);
}

static bytea *
sample_send(Datum d)
{
	struct varlena *flat = flat_of(d);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbytes(&buf, VARDATA_ANY(flat), VARSIZE_ANY_EXHDR(flat));
	return pq_endtypsend(&buf);
}

Datum
score_sample_in(PG_FUNCTION_ARGS)
{
	return sample_in(PG_GETARG_CSTRING(0), KIND_SCORE);
}

Datum
health_sample_in(PG_FUNCTION_ARGS)
{
	return sample_in(PG_GETARG_CSTRING(0), KIND_HEALTH);
}

Datum
score_sample_out(PG_FUNCTION_ARGS)
{
	PG_RETURN_CSTRING(sample_out(PG_GETARG_DATUM(0)));
}

Datum
health_sample_out(PG_FUNCTION_ARGS)
{
	PG_RETURN_CSTRING(sample_out(PG_GETARG_DATUM(0)));
}

Datum
score_sample_recv(PG_FUNCTION_ARGS)
{
	return sample_recv((StringInfo) PG_GETARG_POINTER(0), KIND_SCORE);
}

Datum
health_sample_recv(PG_FUNCTION_ARGS)
{
	return sample_recv((StringInfo) PG_GETARG_POINTER(0), KIND_HEALTH);
}

Datum
score_sample_send(PG_FUNCTION_ARGS)
{
	PG_RETURN_BYTEA_P(sample_send(PG_GETARG_DATUM(0)));
}

Datum
health_sample_send(PG_FUNCTION_ARGS)
{
	PG_RETURN_BYTEA_P(sample_send(PG_GETARG_DATUM(0)));
}

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
static bool
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

static Datum
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

/* ----------------------------------------------------------------
 * health_fit
 * ----------------------------------------------------------------
 */

Datum
health_fit_trans(PG_FUNCTION_ARGS)
{
	Sample	   *s;
	Jsonb	   *signals,
			   *model;
	int			i;
	double	   *row;

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	if (PG_ARGISNULL(3))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("health_fit: model must not be NULL")));
	s = agg_state(fcinfo, KIND_HEALTH, "health_fit_trans");
	model = PG_GETARG_JSONB_P(3);
	if (s->m == NULL)
		sample_set_model(s, model, NULL, 0);
	else if (VARSIZE(model) != VARSIZE(s->model) ||
			 memcmp(model, s->model, VARSIZE(model)) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("health_fit: the model must be the same in every row")));
	signals = PG_GETARG_JSONB_P(1);
	health_score_components(s->m, signals, s->scored);
	sample_reserve(s, 1);
	row = s->x + s->n * s->k;
	for (i = 0; i < s->k; i++)
		row[i] = s->scored[i].present ? s->scored[i].fraction : get_float8_nan();
	s->y[s->n] = PG_GETARG_BOOL(2) ? 1 : 0;
	s->n++;
	PG_RETURN_DATUM(EOHPGetRWDatum(&s->hdr));
}

Datum
health_fit_combine(PG_FUNCTION_ARGS)
{
	return sample_combine(fcinfo, KIND_HEALTH, "health_fit_combine");
}

static void
fit_error(const char *problem)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("health_fit: %s", problem)));
}

/* log(1 + exp(z)), without overflow */
static inline double
log1pexp(double z)
{
	return z > 0 ? z + log1p(exp(-z)) : log1p(exp(z));
}

static inline double
sigmoid(double z)
{
	if (z >= 0)
		return 1.0 / (1.0 + exp(-z));
	else
	{
		double		e = exp(z);

		return e / (1.0 + e);
	}
}

/* the penalised loss at beta (d = 1 + k parameters) over the imputed rows */
static double
loss_at(const double *x, const uint8 *y, uint64 n, int k, const double *beta, double l2)
{
	double		loss = 0;
	uint64		r;
	int			i;

	for (r = 0; r < n; r++)
	{
		const double *row = x + r * k;
		double		z = beta[0];

		for (i = 0; i < k; i++)
			z += beta[i + 1] * row[i];
		loss += log1pexp(z) - (y[r] ? z : 0);
		if ((r & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	for (i = 1; i <= k; i++)
		loss += 0.5 * l2 * beta[i] * beta[i];
	return loss;
}

/* solves a (d x d, row-major) * sol = b by Gaussian elimination with partial pivoting */
static bool
solve(double *a, double *b, int d, double *sol)
{
	int			c,
				r,
				j;

	for (c = 0; c < d; c++)
	{
		int			piv = c;
		double		best = fabs(a[c * d + c]);

		for (r = c + 1; r < d; r++)
			if (fabs(a[r * d + c]) > best)
			{
				best = fabs(a[r * d + c]);
				piv = r;
			}
		if (!(best > 1e-300) || !isfinite(best))
			return false;
		if (piv != c)
		{
			for (j = 0; j < d; j++)
			{
				double		t = a[c * d + j];

				a[c * d + j] = a[piv * d + j];
				a[piv * d + j] = t;
			}
			{
				double		t = b[c];

				b[c] = b[piv];
				b[piv] = t;
			}
		}
		for (r = c + 1; r < d; r++)
		{
			double		f = a[r * d + c] / a[c * d + c];

			if (f == 0)
				continue;
			for (j = c; j < d; j++)
				a[r * d + j] -= f * a[c * d + j];
			b[r] -= f * b[c];
		}
	}
	for (r = d - 1; r >= 0; r--)
	{
		double		v = b[r];

		for (j = r + 1; j < d; j++)
			v -= a[r * d + j] * sol[j];
		sol[r] = v / a[r * d + r];
		if (!isfinite(sol[r]))
			return false;
	}
	return true;
}

/*
 * Newton's method on the penalised loss from beta = 0, each step halved
 * while it would raise the loss; returns the steps taken.
 */
static int
newton(const double *x, const uint8 *y, uint64 n, int k, double l2, double *beta)
{
	int			d = k + 1;
	double	   *g = palloc(d * sizeof(double));
	double	   *h = palloc(d * d * sizeof(double));
	double	   *step = palloc(d * sizeof(double));
	double	   *trial = palloc(d * sizeof(double));
	double	   *xr = palloc(d * sizeof(double));
	double		loss;
	int			it,
				i,
				j;

	memset(beta, 0, d * sizeof(double));
	loss = loss_at(x, y, n, k, beta, l2);
	for (it = 1; it <= NEWTON_MAX_STEPS; it++)
	{
		uint64		r;
		double		t = 1.0,
					change = 0;

		memset(g, 0, d * sizeof(double));
		memset(h, 0, d * d * sizeof(double));
		xr[0] = 1.0;
		for (r = 0; r < n; r++)
		{
			const double *row = x + r * k;
			double		z = beta[0],
						p,
						w,
						e;

			for (i = 0; i < k; i++)
			{
				xr[i + 1] = row[i];
				z += beta[i + 1] * row[i];
			}
			p = sigmoid(z);
			w = p * (1 - p);
			e = p - (y[r] ? 1.0 : 0.0);
			for (i = 0; i < d; i++)
			{
				double		wi = w * xr[i];

				g[i] += e * xr[i];
				for (j = 0; j <= i; j++)
					h[i * d + j] += wi * xr[j];
			}
			if ((r & 0xFFFF) == 0)
				CHECK_FOR_INTERRUPTS();
		}
		for (i = 0; i < d; i++)
			for (j = i + 1; j < d; j++)
				h[i * d + j] = h[j * d + i];
		for (i = 1; i < d; i++)
		{
			g[i] += l2 * beta[i];
			h[i * d + i] += l2;
		}
		if (!solve(h, g, d, step))
			fit_error("the fit is singular (a component may not vary, or be a copy of another); fit.l2 > 0 makes it regular");
		/* halve the step while it raises the loss (beyond rounding) */
		for (;;)
		{
			double		next;

			for (i = 0; i < d; i++)
				trial[i] = beta[i] - t * step[i];
			next = loss_at(x, y, n, k, trial, l2);
			if (next <= loss + 1e-12 * Max(1.0, fabs(loss)) || t < 1e-6)
			{
				loss = next;
				break;
			}
			t /= 2;
		}
		for (i = 0; i < d; i++)
		{
			change = Max(change, fabs(trial[i] - beta[i]));
			beta[i] = trial[i];
		}
		if (!isfinite(loss))
			break;
		if (change < NEWTON_TOLERANCE)
			return it;
	}
	fit_error("the fit did not converge in 100 Newton steps (are the outcomes separable by the components? fit.l2 > 0 keeps the coefficients finite)");
	return 0;					/* not reached */
}

/* a float8 as a jsonb number, exactly (the shortest text that reads back) */
static void
push_number(JsonbParseState **st, JsonbIteratorToken tok, double d)
{
	char		buf[DOUBLE_SHORTEST_DECIMAL_LEN];
	JsonbValue	v;

	if (!isfinite(d))
	{
		v.type = jbvNull;
		pushJsonbValue(st, tok, &v);
		return;
	}
	double_to_shortest_decimal_buf(d, buf);
	v.type = jbvNumeric;
	v.val.numeric = DatumGetNumeric(DirectFunctionCall3(numeric_in, CStringGetDatum(buf),
														ObjectIdGetDatum(InvalidOid),
														Int32GetDatum(-1)));
	pushJsonbValue(st, tok, &v);
}

static void
push_key(JsonbParseState **st, const char *key)
{
	JsonbValue	v;

	v.type = jbvString;
	v.val.string.val = (char *) key;
	v.val.string.len = strlen(key);
	pushJsonbValue(st, WJB_KEY, &v);
}

static int
component_index(const HealthModel *m, const char *name, int len)
{
	int			lo = 0,
				hi = m->n - 1;
	char	   *s = pnstrdup(name, len);

	while (lo <= hi)
	{
		int			mid = (lo + hi) / 2;
		int			c = strcmp(m->c[mid].name, s);

		if (c == 0)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	elog(ERROR, "component \"%s\" not found", s);
	return -1;
}

static void
push_fit(JsonbParseState **st, const Sample *s, const double *beta, int iterations,
		 uint64 positives, double auc, bool have_auc)
{
	JsonbValue	nv;
	int			i;

	push_key(st, "fit");
	pushJsonbValue(st, WJB_BEGIN_OBJECT, NULL);
	push_key(st, "rows");
	push_number(st, WJB_VALUE, (double) s->n);
	push_key(st, "positives");
	push_number(st, WJB_VALUE, (double) positives);
	push_key(st, "l2");
	push_number(st, WJB_VALUE, s->l2);
	push_key(st, "intercept");
	push_number(st, WJB_VALUE, beta[0]);
	push_key(st, "coefficients");
	pushJsonbValue(st, WJB_BEGIN_OBJECT, NULL);
	for (i = 0; i < s->k; i++)
	{
		push_key(st, s->m->c[i].name);
		push_number(st, WJB_VALUE, beta[i + 1]);
	}
	pushJsonbValue(st, WJB_END_OBJECT, NULL);
	push_key(st, "auc");
	nv.type = jbvNull;
	if (have_auc)
		push_number(st, WJB_VALUE, auc);
	else
		pushJsonbValue(st, WJB_VALUE, &nv);
	push_key(st, "iterations");
	push_number(st, WJB_VALUE, (double) iterations);
	pushJsonbValue(st, WJB_END_OBJECT, NULL);
}

/*
 * The model with its components' new weights (added where a component had
 * none) and a new "fit" object; everything else as it was.
 */
static Jsonb *
fitted_model(const Sample *s, const double *weights, const double *beta, int iterations,
			 uint64 positives, double auc, bool have_auc)
{
	JsonbParseState *st = NULL;
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;
	JsonbValue *res = NULL;
	int			depth = 0;
	int			comp = -1;
	bool		in_components = false,
				weight_done = false;

	it = JsonbIteratorInit(&s->model->root);
	while ((tok = JsonbIteratorNext(&it, &v, false)) != WJB_DONE)
	{
		switch (tok)
		{
			case WJB_BEGIN_OBJECT:
			case WJB_BEGIN_ARRAY:
				depth++;
				res = pushJsonbValue(&st, tok, tok == WJB_BEGIN_ARRAY ? &v : NULL);
				break;
			case WJB_END_OBJECT:
			case WJB_END_ARRAY:
				if (in_components && depth == 3 && !weight_done)
				{
					push_key(&st, "weight");
					push_number(&st, WJB_VALUE, weights[comp]);
				}
				if (in_components && depth == 2)
					in_components = false;
				if (depth == 1)
					push_fit(&st, s, beta, iterations, positives, auc, have_auc);
				depth--;
				res = pushJsonbValue(&st, tok, NULL);
				break;
			case WJB_KEY:
				if (depth == 1 && v.val.string.len == 3 &&
					memcmp(v.val.string.val, "fit", 3) == 0)
				{
					/* the old fit object is replaced: skip its value */
					(void) JsonbIteratorNext(&it, &v, true);
					break;
				}
				if (depth == 1)
					in_components = v.val.string.len == 10 &&
						memcmp(v.val.string.val, "components", 10) == 0;
				if (in_components && depth == 2)
				{
					comp = component_index(s->m, v.val.string.val, v.val.string.len);
					weight_done = false;
				}
				res = pushJsonbValue(&st, WJB_KEY, &v);
				if (in_components && depth == 3 && v.val.string.len == 6 &&
					memcmp(v.val.string.val, "weight", 6) == 0)
				{
					(void) JsonbIteratorNext(&it, &v, true);
					push_number(&st, WJB_VALUE, weights[comp]);
					weight_done = true;
				}
				break;
			default:
				res = pushJsonbValue(&st, tok, &v);
				break;
		}
	}
	return JsonbValueToJsonb(res);
}

Datum
health_fit_final(PG_FUNCTION_ARGS)
{
	Sample	   *s = final_sample(PG_GETARG_DATUM(0), KIND_HEALTH);
	int			k = s->k,
				i;
	uint64		n = s->n,
				r,
				positives = 0;
	double	   *mean,
			   *x,
			   *beta,
			   *weights,
			   *scores,
				total = 0,
				bsum = 0,
				auc = 0;
	int			iterations;
	bool		have_auc;
	Jsonb	   *result;
	HealthModel *fitted;
	Scored	   *sc;

	if (n == 0)
		PG_RETURN_NULL();
	for (r = 0; r < n; r++)
		positives += s->y[r];
	if (positives == 0 || positives == n)
		fit_error(positives == 0 ? "no row has a true outcome (the fit needs both outcomes)" :
				  "no row has a false outcome (the fit needs both outcomes)");
	/* the mean of each component over the rows that have it */
	mean = palloc0(k * sizeof(double));
	for (i = 0; i < k; i++)
	{
		uint64		have = 0;

		for (r = 0; r < n; r++)
			if (!isnan(s->x[r * k + i]))
			{
				mean[i] += s->x[r * k + i];
				have++;
			}
		if (have == 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("health_fit: component \"%s\" is missing in every row", s->m->c[i].name)));
		mean[i] /= (double) have;
	}
	x = huge_array(double, n * k);
	for (r = 0; r < n * k; r++)
		x[r] = isnan(s->x[r]) ? mean[r % k] : s->x[r];
	beta = palloc((k + 1) * sizeof(double));
	iterations = newton(x, s->y, n, k, s->l2, beta);
	pfree(x);
	/* the new weights, on the model's scale */
	weights = palloc(k * sizeof(double));
	for (i = 0; i < k; i++)
	{
		total += s->m->c[i].weight;
		bsum += Max(beta[i + 1], 0.0);
	}
	if (!(bsum > 0))
		fit_error("no component has a positive coefficient (none of them predicts a true outcome)");
	for (i = 0; i < k; i++)
		weights[i] = Max(beta[i + 1], 0.0) * total / bsum;
	/* auc: score_auc of health_score under the new model, the model as it reads back */
	result = fitted_model(s, weights, beta, iterations, positives, 0, false);
	fitted = palloc0(sizeof(HealthModel));
	health_parse_model(fitted, result);
	sc = palloc(k * sizeof(Scored));
	scores = huge_array(double, n);
	for (r = 0; r < n; r++)
	{
		double		wsum;

		for (i = 0; i < k; i++)
		{
			double		f = s->x[r * k + i];

			sc[i].present = !isnan(f);
			sc[i].fraction = sc[i].present ? f : 0;
			sc[i].score = sc[i].present ? f * 100.0 : 0;
		}
		if (!health_weighted_score(fitted, sc, &wsum, &scores[r]))
			scores[r] = get_float8_nan();
	}
	have_auc = auc_of(scores, 1, s->y, n, &auc);
	result = fitted_model(s, weights, beta, iterations, positives, auc, have_auc);
	PG_RETURN_JSONB_P(result);
}
