/*
 * sample.h
 *		The state of score_auc and health_fit: a sample of rows kept whole.
 *
 * Both aggregates keep every row: a sample of n rows of k doubles and an
 * outcome byte.  The state types score_sample (k = 1: the score) and
 * health_sample (k = the model's components: each component's score, 0
 * to 100, NaN when missing, and the model itself) are varlena types of the
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
#ifndef ADOPTION_SAMPLE_H
#define ADOPTION_SAMPLE_H

#include "postgres.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "utils/expandeddatum.h"
#include "utils/jsonb.h"

#include "health.h"

#define SAMPLE_FORMAT_VERSION 1
#define KIND_SCORE 1
#define KIND_HEALTH 2
#define SAMPLE_HEADER 20
#define SAMPLE_MAGIC 0x53414D50
#define MAX_COMPONENTS 1000

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

static inline const char *
kind_name(uint8 kind)
{
	return kind == KIND_SCORE ? "score_sample" : "health_sample";
}

static inline const char *
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

/* sample.c */
extern Sample *sample_from_expanded(Datum d);
extern Size flat_size(const Sample *s);
extern void sample_flatten_into(ExpandedObjectHeader *eohptr, void *result, Size size);
extern void sample_add_flat(Sample *s, const struct varlena *flat);
extern uint64 sample_check(const uint8 *p, Size len, uint8 kind, int code);
extern Sample *sample_create(MemoryContext cxt, uint8 kind, int k);
extern void sample_reserve(Sample *s, uint64 more);
extern void sample_set_model(Sample *s, Jsonb *model, const char *text, uint32 text_len);
extern void sample_add(Sample *s, Datum d);
extern Sample *agg_state(FunctionCallInfo fcinfo, uint8 kind, const char *fname);
extern Sample *final_sample(Datum d, uint8 kind);
extern Datum sample_combine(FunctionCallInfo fcinfo, uint8 kind, const char *fname);

/* score_auc.c: the exact AUC of n scores (stride apart in x); false without both classes */
extern bool auc_of(const double *x, int stride, const uint8 *y, uint64 n, double *auc);

#endif							/* ADOPTION_SAMPLE_H */
