/*
 * io.c
 *		Text and binary input and output of activity.
 *
 * The text form is "<format version>:<base64 of the stored bytes>".  Citus
 * ships partial aggregation states between nodes through it, so it costs
 * only a third more than the stored form.  Base64 is parsed strictly (no
 * white space, canonical padding bits), so that text and values are in
 * one-to-one correspondence, and the decoded bytes are validated exactly as
 * binary input is.
 */
#include "postgres.h"

#include "libpq/pqformat.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

#include "activity/format.h"

PG_FUNCTION_INFO_V1(activity_in);
PG_FUNCTION_INFO_V1(activity_out);
PG_FUNCTION_INFO_V1(activity_recv);
PG_FUNCTION_INFO_V1(activity_send);

static const char b64_chars[] =
"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static Size
b64_encode(const uint8 *src, Size len, char *dst)
{
	char	   *p = dst;
	Size		i;

	for (i = 0; i + 2 < len; i += 3)
	{
		uint32		v = ((uint32) src[i] << 16) | ((uint32) src[i + 1] << 8) | src[i + 2];

		*p++ = b64_chars[(v >> 18) & 63];
		*p++ = b64_chars[(v >> 12) & 63];
		*p++ = b64_chars[(v >> 6) & 63];
		*p++ = b64_chars[v & 63];
	}
	if (i < len)
	{
		uint32		v = (uint32) src[i] << 16;

		if (i + 1 < len)
			v |= (uint32) src[i + 1] << 8;
		*p++ = b64_chars[(v >> 18) & 63];
		*p++ = b64_chars[(v >> 12) & 63];
		*p++ = i + 1 < len ? b64_chars[(v >> 6) & 63] : '=';
		*p++ = '=';
	}
	return p - dst;
}

static int
b64_value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

static void
bad_text(const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid input syntax for type activity"),
			 errdetail("%s", detail)));
}

/* strict base64: returns the number of bytes written to dst */
static Size
b64_decode(const char *src, Size len, uint8 *dst)
{
	Size		i,
				n = 0;

	if (len % 4 != 0)
		bad_text("The base64 part's length is not a multiple of 4.");
	for (i = 0; i < len; i += 4)
	{
		int			v[4];
		int			k,
					pad = 0;
		uint32		x = 0;

		for (k = 0; k < 4; k++)
		{
			char		c = src[i + k];

			if (c == '=' && i + 4 == len && k >= 2)
			{
				v[k] = 0;
				pad++;
				continue;
			}
			if (pad > 0 || (v[k] = b64_value(c)) < 0)
				bad_text("The base64 part has a character outside the base64 alphabet or misplaced padding.");
		}
		for (k = 0; k < 4; k++)
			x = (x << 6) | (uint32) v[k];
		/* the bits that padding leaves over must be zero */
		if ((pad == 1 && (x & 0xFF) != 0) || (pad == 2 && (x & 0xFFFF) != 0))
			bad_text("The base64 part is not in canonical form.");
		dst[n++] = (uint8) (x >> 16);
		if (pad < 2)
			dst[n++] = (uint8) (x >> 8);
		if (pad < 1)
			dst[n++] = (uint8) x;
	}
	return n;
}

Datum
activity_in(PG_FUNCTION_ARGS)
{
	char	   *s = PG_GETARG_CSTRING(0);
	char	   *colon = strchr(s, ':');
	struct varlena *result;
	Size		len;
	char	   *end;
	long		version;

	if (colon == NULL || colon == s)
		bad_text("Expected \"<format version>:<base64>\".");
	errno = 0;
	version = strtol(s, &end, 10);
	if (end != colon || errno != 0 || s[0] < '1' || s[0] > '9')
		bad_text("Expected \"<format version>:<base64>\".");
	if (version != ACTIVITY_FORMAT_VERSION)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("unsupported activity format version %ld", version),
				 errdetail("This release reads format version %d.", ACTIVITY_FORMAT_VERSION)));
	len = strlen(colon + 1);
	if (len / 4 * 3 > MaxAllocSize - VARHDRSZ)
		bad_text("The value is too long.");
	result = palloc(VARHDRSZ + len / 4 * 3);
	len = b64_decode(colon + 1, len, (uint8 *) VARDATA(result));
	SET_VARSIZE(result, VARHDRSZ + len);
	if (len == 0 || ((uint8 *) VARDATA(result))[0] != version)
		bad_text("The format version of the text and of the bytes differ.");
	activity_validate((const uint8 *) VARDATA(result), len,
					  ERRCODE_INVALID_TEXT_REPRESENTATION);
	PG_RETURN_POINTER(result);
}

Datum
activity_out(PG_FUNCTION_ARGS)
{
	struct varlena *v = PG_GETARG_ACTIVITY(0);
	const uint8 *data = (const uint8 *) VARDATA_ANY(v);
	Size		len = VARSIZE_ANY_EXHDR(v);
	char	   *out = palloc(16 + (len + 2) / 3 * 4);
	int			n;

	n = snprintf(out, 16, "%d:", data[0]);
	out[n + b64_encode(data, len, out + n)] = '\0';
	PG_RETURN_CSTRING(out);
}

Datum
activity_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	int			len = buf->len - buf->cursor;
	struct varlena *result = palloc(VARHDRSZ + len);

	SET_VARSIZE(result, VARHDRSZ + len);
	pq_copymsgbytes(buf, VARDATA(result), len);
	activity_validate((const uint8 *) VARDATA(result), len,
					  ERRCODE_INVALID_BINARY_REPRESENTATION);
	PG_RETURN_POINTER(result);
}

Datum
activity_send(PG_FUNCTION_ARGS)
{
	struct varlena *v = PG_GETARG_ACTIVITY(0);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbytes(&buf, VARDATA_ANY(v), VARSIZE_ANY_EXHDR(v));
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}
