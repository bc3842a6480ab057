/*
 * activity_fuzz.c
 *		libFuzzer harness for the activity input functions.
 *
 * An input that starts with a digit is a text form ("1:<base64>", read up
 * to its first NUL as a C string) for activity_in; any other is the bytes
 * of a binary form for activity_recv.  Either is rejected with the input
 * function's own SQLSTATE (22P02 for text, 22P03 for binary), or accepted.
 * An accepted value must then:
 *
 *	- be the input itself: the binary input's bytes, or for text, the
 *	  output of activity_out (the text form is canonical);
 *	- survive activity_out + activity_in and activity_send unchanged;
 *	- be rebuilt byte for byte by a builder that adds it (once, twice: the
 *	  union of a few values walked side by side, and UNION_MAX + 1 times:
 *	  the builder's keys) and flattens it, through the expanded-object
 *	  methods the server uses;
 *	- read consistently through ActivityView, IdReader and ActivityCursor:
 *	  ids ascending, every feature found by name, pairs in feature order,
 *	  days ascending and inside the value's range, as many days as counted
 *	  triples, and cursor_user_days() equal to the merge of the pairs, over
 *	  all days and over a window.
 *
 * Any other error, any failed check and any sanitizer report is a finding
 * (abort).
 */
#include "postgres.h"

#include <stdio.h>
#include <stdlib.h>

#include "fmgr.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/uuid.h"

#include "activity/builder_private.h"
#include "shim.h"

extern Datum activity_in(PG_FUNCTION_ARGS);
extern Datum activity_out(PG_FUNCTION_ARGS);
extern Datum activity_recv(PG_FUNCTION_ARGS);
extern Datum activity_send(PG_FUNCTION_ARGS);

extern int	LLVMFuzzerTestOneInput(const uint8 *data, size_t size);

static const uint8 *cur_data;
static size_t cur_size;

static void
dump_input(void)
{
	size_t		i;

	fprintf(stderr, "input (%zu bytes):", cur_size);
	for (i = 0; i < cur_size && i < 512; i++)
		fprintf(stderr, " %02x", cur_data[i]);
	fprintf(stderr, "%s\n", cur_size > 512 ? " ..." : "");
}

static void
finding(const char *what)
{
	fprintf(stderr, "FINDING: %s\n", what);
	dump_input();
	abort();
}

#define CHECK(cond) \
	do { if (!(cond)) finding("check failed: " #cond); } while (0)

static bool
same_bytes(const struct varlena *a, const struct varlena *b)
{
	return VARSIZE_ANY_EXHDR(a) == VARSIZE_ANY_EXHDR(b) &&
		memcmp(VARDATA_ANY(a), VARDATA_ANY(b), VARSIZE_ANY_EXHDR(a)) == 0;
}

static int
cmp_int32(const void *a, const void *b)
{
	int32		x = *(const int32 *) a;
	int32		y = *(const int32 *) b;

	return (x > y) - (x < y);
}

/* sorts and dedupes days[0 .. n), keeping those <= max_day */
static uint32
distinct_upto(int32 *days, uint32 n, int32 max_day)
{
	uint32		i,
				w = 0;

	qsort(days, n, sizeof(int32), cmp_int32);
	for (i = 0; i < n; i++)
		if (days[i] <= max_day && (w == 0 || days[i] != days[w - 1]))
			days[w++] = days[i];
	return w;
}

static void
check_sorted_days(const int32 *days, uint32 n, const ActivityView *v)
{
	uint32		i;

	for (i = 0; i < n; i++)
	{
		CHECK(days[i] >= v->min_day && days[i] <= v->max_day);
		CHECK(i == 0 || days[i] > days[i - 1]);
	}
}

/* walks a valid value through the readers of activity/reader.h */
static void
walk(const struct varlena *value)
{
	const uint8 *bytes = (const uint8 *) VARDATA_ANY(value);
	ActivityView v;
	IdReader	r;
	ActivityCursor pairs,
				any,
				one,
				win;
	uint32		i,
				users = 0;
	uint64		triples = 0;
	int64		lo = PG_INT64_MAX,
				hi = PG_INT64_MIN,
				prev_id = 0;
	const uint8 *prev_bytes = NULL;
	uint32		prev_len = 0;
	int32		mid,
				quarter;

	activity_view_init(&v, value);
	CHECK(v.id_type == bytes[1]);
	CHECK(v.nusers <= v.ntriples && v.nfeatures <= v.ntriples);
	CHECK(v.ntriples > 0 || v.nusers == 0);
	CHECK(v.min_day <= v.max_day);

	/* the user ids, ascending, each readable as text */
	idreader_init(&r, &v);
	for (i = 0; i < v.nusers; i++)
	{
		text	   *t;

		idreader_next(&r);
		t = idreader_text(&r);
		CHECK(t != NULL && VARSIZE_ANY_EXHDR(t) <= 64 + r.len);
		if (v.id_type == ACT_ID_INT4 || v.id_type == ACT_ID_INT8)
		{
			CHECK(i == 0 || r.ival > prev_id);
			if (v.id_type == ACT_ID_INT4)
				CHECK(r.ival >= PG_INT32_MIN && r.ival <= PG_INT32_MAX);
			prev_id = r.ival;
		}
		else
		{
			CHECK(v.id_type != ACT_ID_UUID || r.len == UUID_LEN);
			if (i > 0)
			{
				int			c = memcmp(prev_bytes, r.bytes, Min(prev_len, r.len));

				CHECK(c < 0 || (c == 0 && prev_len < r.len));
			}
			prev_bytes = r.bytes;
			prev_len = r.len;
		}
		pfree(t);
	}
	CHECK(r.p <= v.body);

	/* every feature found by its name; a name past the last one is not */
	for (i = 1; i <= v.nfeatures; i++)
	{
		text	   *name = cstring_to_text_with_len(v.feat[i], v.feat_len[i]);

		CHECK(activity_view_feature(&v, name) == (int32) i);
		pfree(name);
	}
	if (v.nfeatures > 0)
	{
		uint32		n = v.feat_len[v.nfeatures];
		text	   *name = (text *) palloc(VARHDRSZ + n + 1);

		SET_VARSIZE(name, VARHDRSZ + n + 1);
		memcpy(VARDATA(name), v.feat[v.nfeatures], n);
		VARDATA(name)[n] = '\x01';
		CHECK(activity_view_feature(&v, name) == FEATURE_NONE);
		pfree(name);
	}

	/*
	 * Four cursors in step: one reads the pairs, one takes each user's
	 * distinct days of any feature, one the days of a single feature up to
	 * the middle day, one the days of any feature in the window (quarter,
	 * mid].  The last three must be what the pairs say.
	 */
	mid = (int32) (((int64) v.min_day + v.max_day) / 2);
	quarter = (int32) (((int64) v.min_day + mid) / 2);
	cursor_init(&pairs, &v);
	cursor_init(&any, &v);
	cursor_init(&one, &v);
	cursor_init(&win, &v);
	while (cursor_next_user(&pairs))
	{
		int32	   *all = palloc(sizeof(int32) * (Size) Max(v.ntriples, 1));
		int32	   *sel = palloc(sizeof(int32) * (Size) Max(v.ntriples, 1));
		uint32		nall = 0,
					nsel = 0,
					npairs = 0,
					n;
		int64		prev_feature = -1;
		int32		feature = v.nfeatures > 0 ? (int32) (1 + users % v.nfeatures) : 0;

		CHECK(pairs.user == users);
		CHECK(cursor_next_user(&any) && any.user == users);
		CHECK(cursor_next_user(&one) && one.user == users);
		CHECK(cursor_next_user(&win) && win.user == users);
		if (users % 3 == 2)
			feature = FEATURE_NONE;
		while (cursor_next_pair(&pairs))
		{
			npairs++;
			CHECK((int64) pairs.feature > prev_feature);
			CHECK(pairs.feature <= v.nfeatures);
			prev_feature = pairs.feature;
			CHECK(pairs.ndays >= 1);
			CHECK(triples + pairs.ndays <= v.ntriples);
			check_sorted_days(pairs.days, pairs.ndays, &v);
			triples += pairs.ndays;
			lo = Min(lo, pairs.days[0]);
			hi = Max(hi, pairs.days[pairs.ndays - 1]);
			memcpy(all + nall, pairs.days, pairs.ndays * sizeof(int32));
			nall += pairs.ndays;
			if ((int32) pairs.feature == feature)
			{
				memcpy(sel + nsel, pairs.days, pairs.ndays * sizeof(int32));
				nsel += pairs.ndays;
			}
		}
		CHECK(npairs >= 1);

		nall = distinct_upto(all, nall, v.max_day);
		n = cursor_user_days(&any, FEATURE_ANY, v.max_day);
		CHECK(n == nall && n == any.ndays);
		CHECK(memcmp(any.days, all, n * sizeof(int32)) == 0);

		n = cursor_user_days_in(&win, FEATURE_ANY, quarter, mid);
		CHECK(n == win.ndays);
		{
			uint32		from = days_upper_bound(all, nall, quarter);
			uint32		to = days_upper_bound(all, nall, mid);

			CHECK(n == to - from);
			CHECK(n == 0 || memcmp(win.days, all + from, n * sizeof(int32)) == 0);
		}

		nsel = distinct_upto(sel, nsel, mid);
		n = cursor_user_days(&one, feature, mid);
		CHECK(n == nsel);
		CHECK(n == 0 || memcmp(one.days, sel, n * sizeof(int32)) == 0);
		check_sorted_days(one.days, n, &v);

		pfree(all);
		pfree(sel);
		users++;
	}
	CHECK(!cursor_next_user(&any) && !cursor_next_user(&one) && !cursor_next_user(&win));
	CHECK(users == v.nusers);
	CHECK(triples == v.ntriples);
	if (v.ntriples > 0)
		CHECK(lo == v.min_day && hi == v.max_day);
}

/* the value a builder makes of the given values, through the EOH methods */
static struct varlena *
rebuild(const struct varlena *value, int times)
{
	ActivityBuilder *b = builder_create(CurrentMemoryContext,
										((const uint8 *) VARDATA_ANY(value))[1], true);
	ExpandedObjectHeader *eoh = &b->hdr;
	struct varlena *flat;
	struct varlena *viadetoast;
	Size		size;
	int			i;

	CHECK(builder_from_rw_datum(EOHPGetRWDatum(eoh)) == b);
	for (i = 0; i < times; i++)
		builder_add_flat(b, value);
	size = eoh->eoh_methods->get_flat_size(eoh);
	flat = palloc(size);
	eoh->eoh_methods->flatten_into(eoh, flat, size);
	CHECK(VARSIZE(flat) == size);
	viadetoast = activity_detoast(EOHPGetRODatum(eoh));
	CHECK(same_bytes(flat, viadetoast));
	return flat;
}

static void
check_value(struct varlena *value, const char *text_input, bool is_text)
{
	char	   *out;
	struct varlena *again;
	bytea	   *sent;
	char	   *out_of_builder;
	ActivityBuilder *b;

	/* binary input is kept as received */
	if (!is_text)
		CHECK(VARSIZE_ANY_EXHDR(value) == cur_size &&
			  memcmp(VARDATA_ANY(value), cur_data, cur_size) == 0);

	/* text: canonical, and round trips */
	out = DatumGetCString(DirectFunctionCall1(activity_out, PointerGetDatum(value)));
	if (is_text)
		CHECK(strcmp(out, text_input) == 0);
	again = (struct varlena *) DatumGetPointer(DirectFunctionCall1(activity_in,
																   CStringGetDatum(out)));
	CHECK(same_bytes(again, value));

	/* binary output is the stored bytes */
	sent = DatumGetByteaPP(DirectFunctionCall1(activity_send, PointerGetDatum(value)));
	CHECK(same_bytes(sent, value));

	/*
	 * a builder gives back the same bytes: the stored form is canonical,
	 * through the union of a few values walked side by side (2 copies) and
	 * through the keys (more than UNION_MAX)
	 */
	CHECK(same_bytes(rebuild(value, 1), value));
	CHECK(same_bytes(rebuild(value, 2), value));
	CHECK(same_bytes(rebuild(value, UNION_MAX + 1), value));

	/* activity_out of an expanded object flattens it */
	b = builder_create(CurrentMemoryContext, ((const uint8 *) VARDATA_ANY(value))[1], true);
	builder_add_flat(b, value);
	out_of_builder = DatumGetCString(DirectFunctionCall1(activity_out,
														 EOHPGetRWDatum(&b->hdr)));
	CHECK(strcmp(out_of_builder, out) == 0);

	walk(value);
}

int
LLVMFuzzerTestOneInput(const uint8 *data, size_t size)
{
	sigjmp_buf	jb;
	volatile int phase = 0;
	bool		is_text = size > 0 && data[0] >= '0' && data[0] <= '9';
	char	   *text_input = NULL;
	struct varlena *value;

	cur_data = data;
	cur_size = size;
	shim_jmp = &jb;
	if (sigsetjmp(jb, 0) != 0)
	{
		int			want = is_text ? ERRCODE_INVALID_TEXT_REPRESENTATION :
			ERRCODE_INVALID_BINARY_REPRESENTATION;

		if (phase != 1 || shim_error.sqlerrcode != want || shim_error.message[0] == '\0')
		{
			fprintf(stderr, "ERROR %s: %s (%s) at %s:%d in %s\n",
					shim_sqlstate(shim_error.sqlerrcode), shim_error.message,
					shim_error.detail, shim_error.filename, shim_error.lineno,
					shim_error.funcname);
			finding(phase == 1 ? "input rejected with an unexpected error"
					: "an accepted value fails");
		}
		shim_jmp = NULL;
		shim_reset();
		return 0;
	}

	phase = 1;
	if (is_text)
	{
		size_t		n = strnlen((const char *) data, size);

		text_input = palloc(n + 1);
		memcpy(text_input, data, n);
		text_input[n] = '\0';
		value = (struct varlena *) DatumGetPointer(DirectFunctionCall1(activity_in,
																	   CStringGetDatum(text_input)));
	}
	else
	{
		StringInfoData buf;

		buf.data = palloc(size + 1);
		memcpy(buf.data, data, size);
		buf.data[size] = '\0';
		buf.len = (int) size;
		buf.maxlen = (int) size + 1;
		buf.cursor = 0;
		value = (struct varlena *) DatumGetPointer(DirectFunctionCall1(activity_recv,
																	   PointerGetDatum(&buf)));
		/* the server insists that a receive function reads every byte */
		CHECK(buf.cursor == buf.len);
	}

	phase = 2;
	check_value(value, text_input, is_text);

	shim_jmp = NULL;
	shim_reset();
	return 0;
}
