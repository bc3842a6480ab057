/*
 * sample_io.c
 *		Text and binary input and output of score_sample and health_sample.
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

#include "health.h"

PG_FUNCTION_INFO_V1(score_sample_in);
PG_FUNCTION_INFO_V1(score_sample_out);
PG_FUNCTION_INFO_V1(score_sample_recv);
PG_FUNCTION_INFO_V1(score_sample_send);
PG_FUNCTION_INFO_V1(health_sample_in);
PG_FUNCTION_INFO_V1(health_sample_out);
PG_FUNCTION_INFO_V1(health_sample_recv);
PG_FUNCTION_INFO_V1(health_sample_send);


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
	n = pg_b64_decode((void *) (colon + 1), (int) len, (void *) VARDATA(result),
					   (int) (len / 4 * 3));
	if (n < 0)
		bad_text(kind, "The base64 part is malformed.");
	/* strict: the text must be the canonical encoding of its bytes */
	again = palloc(len + 1);
	m = pg_b64_encode((void *) VARDATA(result), n, (void *) again, (int) len);
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
	n = pg_b64_encode((void *) VARDATA_ANY(flat), (int) len, (void *) (out + 2), enc);
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
