/*
 * reshape.c
 *		activity_map, activity_filter and activity_drop_users (SPEC 2.13):
 *		a summary with its features relabelled, merged or removed, or
 *		without some users.
 *
 * Each is a function from a stored value to a stored value.  All three
 * describe the result the same way, as a map from each feature code of the
 * input to a feature of the output (or to nothing: the pair is dropped) and
 * a set of users to leave out; reshape() then walks the input once, user
 * by user in id order, and writes the kept triples in the stored form.
 *
 * The output's users are the kept users in the input's order, which is
 * id order; its features, sorted once, get their canonical ranks up front.
 * Within a user, the triples come out in key order unless the map reorders
 * or merges features; then that user's triples are sorted, and duplicates
 * (a user active on two features merged into one, on one day) dropped.  So
 * the result is canonical, byte for byte the summary that activity_agg
 * builds from the reshaped events.
 *
 * A canonical value names no unused feature, and its first days are
 * relative to its own first day.  A feature of the input is used by some
 * triple, so a map or a filter uses every feature it keeps; only dropping
 * users can leave a feature without triples.  When a feature is left
 * unused, or the first day moves, one pass over the written per-user
 * section renumbers the features and rebases the days.
 *
 * This file writes the stored form itself (the layout documented in
 * activity.h), which belongs with the representation's own code: it reads
 * the input only through ActivityView, ActivityCursor and IdReader.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/uuid.h"

#include "activity.h"

PG_FUNCTION_INFO_V1(activity_map);
PG_FUNCTION_INFO_V1(activity_filter);
PG_FUNCTION_INFO_V1(activity_drop_users);

#define DROPPED		(-1)		/* feature map: the pair is not kept */

typedef struct Label
{
	const char *s;
	uint32		len;
} Label;

/* what a reshaping keeps, and how it names the features */
typedef struct Reshape
{
	const ActivityView *v;
	int32	   *fmap;			/* input code 0 .. nfeatures -> output code
								 * (0: no feature, 1 .. nnames), or DROPPED */
	Label	   *names;			/* names[1 .. nnames], ascending, distinct */
	uint32		nnames;
	const bool *drop;			/* per user rank: left out; NULL: none */
} Reshape;

/* byte order, a proper prefix first: the order of feature names and ids */
static int
cmp_bytes(const char *a, Size alen, const char *b, Size blen)
{
	int			c = memcmp(a, b, Min(alen, blen));

	if (c != 0)
		return c;
	return (alen > blen) - (alen < blen);
}

static int
cmp_names(const void *a, const void *b)
{
	const Label *x = (const Label *) a;
	const Label *y = (const Label *) b;

	return cmp_bytes(x->s, x->len, y->s, y->len);
}

/* the code of a named feature of the view, 0 when it has none of that name */
static uint32
view_find(const ActivityView *v, const char *s, Size len)
{
	uint32		lo = 1,
				hi = v->nfeatures + 1;

	while (lo < hi)
	{
		uint32		mid = lo + (hi - lo) / 2;
		int			c = cmp_bytes(v->feat[mid], v->feat_len[mid], s, len);

		if (c == 0)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/*
 * Sets r->fmap, names and nnames from the output name of each input
 * feature (out[f], f = 1 .. nfeatures; s NULL: dropped), sorting and
 * merging the names.  The absent feature (code 0) maps to itself unless
 * keep_none is false.
 */
static void
set_names(Reshape *r, const Label *out, bool keep_none)
{
	const ActivityView *v = r->v;
	Label	   *sorted = palloc(((Size) v->nfeatures + 1) * sizeof(Label));
	uint32		n = 0,
				f,
				i;

	for (f = 1; f <= v->nfeatures; f++)
		if (out[f].s != NULL)
			sorted[n++] = out[f];
	if (n > 1)
		qsort(sorted, n, sizeof(Label), cmp_names);
	r->names = palloc(((Size) n + 1) * sizeof(Label));
	r->nnames = 0;
	for (i = 0; i < n; i++)
		if (r->nnames == 0 || cmp_names(&r->names[r->nnames], &sorted[i]) != 0)
			r->names[++r->nnames] = sorted[i];
	pfree(sorted);

	r->fmap = palloc(((Size) v->nfeatures + 1) * sizeof(int32));
	r->fmap[0] = keep_none ? 0 : DROPPED;
	for (f = 1; f <= v->nfeatures; f++)
	{
		uint32		lo = 1,
					hi = r->nnames + 1;

		r->fmap[f] = DROPPED;
		if (out[f].s == NULL)
			continue;
		while (lo < hi)
		{
			uint32		mid = lo + (hi - lo) / 2;
			int			c = cmp_names(&r->names[mid], &out[f]);

			if (c == 0)
			{
				r->fmap[f] = (int32) mid;
				break;
			}
			if (c < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		Assert(r->fmap[f] != DROPPED);
	}
}

/* ----------------------------------------------------------------
 * Writing the stored form
 *
 * The result is written directly in the stored form of activity.h
 * (format version 1), not through a builder: the input is read once and
 * its kept triples, already in key order, are encoded once, which costs
 * less than reading the summary twice.  A builder would hash every user,
 * hold eight bytes per triple and encode twice (to size, then to write).
 * ----------------------------------------------------------------
 */

typedef struct Bytes
{
	uint8	   *data;
	Size		len;
	Size		cap;
} Bytes;

static void
bytes_init(Bytes *b, Size cap)
{
	b->cap = Max(cap, 64);
	b->data = MemoryContextAllocHuge(CurrentMemoryContext, b->cap);
	b->len = 0;
}

/* room for n more bytes */
static inline void
bytes_reserve(Bytes *b, Size n)
{
	if (b->len + n > b->cap)
	{
		Size		cap = Max(b->cap * 2, b->len + n);

		if (cap > MaxAllocHugeSize)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("reshaped activity summary too large to build in memory")));
		b->data = repalloc_huge(b->data, cap);
		b->cap = cap;
	}
}

/* a varint; the room for it (10 bytes) reserved */
static inline void
put_varint(Bytes *b, uint64 v)
{
	while (v >= 0x80)
	{
		b->data[b->len++] = (uint8) (v | 0x80);
		v >>= 7;
	}
	b->data[b->len++] = (uint8) v;
}

static inline void
put_bytes(Bytes *b, const void *src, Size n)
{
	bytes_reserve(b, n);
	memcpy(b->data + b->len, src, n);
	b->len += n;
}

static inline uint64
zigzag(int64 v)
{
	return ((uint64) v << 1) ^ (uint64) (v >> 63);
}

/* a varint of a body this file wrote */
static inline uint64
get_varint(const uint8 **pp)
{
	const uint8 *p = *pp;
	uint64		x = 0;
	int			shift = 0;

	for (;;)
	{
		uint8		c = *p++;

		x |= (uint64) (c & 0x7F) << shift;
		if (!(c & 0x80))
			break;
		shift += 7;
	}
	*pp = p;
	return x;
}

/*
 * Rewrites a body written by reshape(), whose first days are relative to
 * day 'shift' (relative to the value's new min_day) and whose feature
 * codes are renumbered by rank (NULL: unchanged).
 */
static void
rewrite_body(Bytes *body, uint32 nusers, uint64 shift, const uint32 *rank)
{
	Bytes		out;
	const uint8 *p = body->data;
	uint32		u;

	bytes_init(&out, body->len);
	for (u = 0; u < nusers; u++)
	{
		uint64		npairs = get_varint(&p),
					k;
		uint64		code = 0,
					prev = 0;

		if ((u & 1023) == 0)
			CHECK_FOR_INTERRUPTS();
		bytes_reserve(&out, 10);
		put_varint(&out, npairs);
		for (k = 0; k < npairs; k++)
		{
			uint64		delta = get_varint(&p);
			uint64		ndays = get_varint(&p) + 1;
			uint64		first = get_varint(&p);
			uint64		newcode;
			const uint8 *gaps = p;

			code = k == 0 ? delta : code + delta + 1;
			newcode = rank ? rank[code] : code;
			bytes_reserve(&out, 30);
			put_varint(&out, k == 0 ? newcode : newcode - prev - 1);
			prev = newcode;
			put_varint(&out, ndays - 1);
			put_varint(&out, first - shift);
			while (--ndays > 0)
				(void) get_varint(&p);
			put_bytes(&out, gaps, p - gaps);
		}
	}
	Assert(p == body->data + body->len);
	pfree(body->data);
	*body = out;
}

/*
 * The reshaped value, in the current context, or NULL when no triple is
 * kept.
 */
static struct varlena *
reshape(Reshape *r)
{
	const ActivityView *v = r->v;
	ActivityCursor c;
	IdReader	ids;
	Bytes		idb,
				body,
				head;
	Size		cap = 256;
	uint64	   *buf = palloc(cap * sizeof(uint64));
	bool	   *used = palloc0(((Size) r->nnames + 1) * sizeof(bool));
	uint32		nusers = 0,
				nnames = 0,
				k;
	uint64		ntriples = 0,
				lo = PG_UINT64_MAX,
				hi = 0;
	int64		prev_id = 0;
	uint32	   *rank = NULL;
	struct varlena *result;

	bytes_init(&idb, v->body - v->ids);
	bytes_init(&body, v->end - v->body);
	cursor_init(&c, v);
	idreader_init(&ids, v);
	while (cursor_next_user(&c))
	{
		Size		n = 0,
					i,
					j,
					w;
		bool		sorted = true;
		uint32		npairs = 0;
		uint64		prevcode = 0;

		idreader_next(&ids);
		if (r->drop && r->drop[c.user])
			continue;
		/* the user's kept triples as (output code << 32 | day - min_day) */
		while (cursor_next_pair(&c))
		{
			int32		code = r->fmap[c.feature];
			uint64		h;
			uint32		d;

			if (code == DROPPED)
				continue;
			if (n + c.ndays > cap)
			{
				while (cap < n + c.ndays)
					cap *= 2;
				buf = repalloc_huge(buf, cap * sizeof(uint64));
			}
			h = (uint64) (uint32) code << 32;
			if (n > 0 && (h | (uint32) ((int64) c.days[0] - v->min_day)) <= buf[n - 1])
				sorted = false;
			for (d = 0; d < c.ndays; d++)
				buf[n++] = h | (uint32) ((int64) c.days[d] - v->min_day);
		}
		if (n == 0)
			continue;
		if (!sorted)
		{
			/* features reordered or merged: sort, and drop duplicates */
			sort_keys(buf, n);
			for (i = 1, w = 1; i < n; i++)
				if (buf[i] != buf[w - 1])
					buf[w++] = buf[i];
			n = w;
		}

		/* the user's id */
		bytes_reserve(&idb, 10);
		switch (v->id_type)
		{
			case ACT_ID_INT4:
			case ACT_ID_INT8:
				put_varint(&idb, nusers == 0 ? zigzag(ids.ival)
						   : (uint64) ids.ival - (uint64) prev_id - 1);
				prev_id = ids.ival;
				break;
			case ACT_ID_TEXT:
				put_varint(&idb, ids.len);
				put_bytes(&idb, ids.bytes, ids.len);
				break;
			default:
				put_bytes(&idb, ids.bytes, ids.len);
				break;
		}
		nusers++;
		ntriples += n;

		/* the user's pairs: runs of one code, days ascending */
		for (i = 0; i < n; i = j)
		{
			for (j = i + 1; j < n && (buf[j] >> 32) == (buf[i] >> 32); j++)
				;
			npairs++;
		}
		bytes_reserve(&body, 10 * (2 * (Size) npairs + n + 1));
		put_varint(&body, npairs);
		for (i = 0; i < n; i = j)
		{
			uint64		code = buf[i] >> 32;
			uint64		day;

			for (j = i + 1; j < n && (buf[j] >> 32) == code; j++)
				;
			used[code] = true;
			put_varint(&body, i == 0 ? code : code - prevcode - 1);
			prevcode = code;
			put_varint(&body, j - i - 1);
			day = (uint32) buf[i];
			lo = Min(lo, day);
			put_varint(&body, day);
			for (w = i + 1; w < j; w++)
			{
				uint64		next = (uint32) buf[w];

				put_varint(&body, next - day - 1);
				day = next;
			}
			hi = Max(hi, day);
		}
	}
	pfree(buf);
	pfree(c.days);
	if (nusers == 0)
	{
		pfree(used);
		pfree(idb.data);
		pfree(body.data);
		return NULL;
	}

	/* output features left without triples (users dropped) go */
	for (k = 1; k <= r->nnames; k++)
		if (used[k])
			nnames++;
	if (nnames < r->nnames)
	{
		rank = palloc0(((Size) r->nnames + 1) * sizeof(uint32));
		for (k = 1, nnames = 0; k <= r->nnames; k++)
			if (used[k])
			{
				rank[k] = ++nnames;
				r->names[nnames] = r->names[k];
			}
	}
	/* first days are relative to the input's first day: rebase them */
	if (lo > 0 || rank)
		rewrite_body(&body, nusers, lo, rank);

	bytes_init(&head, VARHDRSZ + 64 + idb.len + body.len + v->body - v->ids);
	head.len = VARHDRSZ;
	bytes_reserve(&head, 2 + 6 * 10);
	head.data[head.len++] = ACTIVITY_FORMAT_VERSION;
	head.data[head.len++] = v->id_type;
	put_varint(&head, nusers);
	put_varint(&head, nnames);
	put_varint(&head, ntriples);
	put_varint(&head, zigzag((int64) v->min_day + (int64) lo));
	put_varint(&head, hi - lo);
	put_varint(&head, idb.len);
	put_bytes(&head, idb.data, idb.len);
	for (k = 1; k <= nnames; k++)
	{
		bytes_reserve(&head, 10);
		put_varint(&head, r->names[k].len);
		put_bytes(&head, r->names[k].s, r->names[k].len);
	}
	put_bytes(&head, body.data, body.len);
	if (head.len > MaxAllocSize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("reshaped activity summary would take %zu bytes, more than the 1 GB a PostgreSQL value may hold",
						head.len)));
	result = (struct varlena *) head.data;
	SET_VARSIZE(result, head.len);
	pfree(idb.data);
	pfree(body.data);
	pfree(used);
	if (rank)
		pfree(rank);
	return result;
}

/* the input value, unchanged, as the result */
static Datum
same_value(FunctionCallInfo fcinfo, struct varlena *flat)
{
	if (VARATT_IS_EXTERNAL_EXPANDED(DatumGetPointer(PG_GETARG_DATUM(0))))
	{
		/* flat belongs to the expanded object: return a copy */
		struct varlena *copy = palloc(VARSIZE_ANY(flat));

		memcpy(copy, flat, VARSIZE_ANY(flat));
		PG_RETURN_POINTER(copy);
	}
	PG_RETURN_POINTER(flat);
}

static Datum
result_or_null(FunctionCallInfo fcinfo, struct varlena *result)
{
	if (result == NULL)
		PG_RETURN_NULL();
	PG_RETURN_POINTER(result);
}

/* the output names of the view's features when nothing is renamed */
static Label *
identity_names(const ActivityView *v)
{
	Label	   *out = palloc(((Size) v->nfeatures + 1) * sizeof(Label));
	uint32		f;

	out[0].s = NULL;
	out[0].len = 0;
	for (f = 1; f <= v->nfeatures; f++)
	{
		out[f].s = v->feat[f];
		out[f].len = v->feat_len[f];
	}
	return out;
}

/*
 * activity_map(act, mapping jsonb): every feature that is a key of the
 * mapping becomes the feature its value names (a string), or is removed
 * (null); the others, and activity without a feature, stay.
 */
Datum
activity_map(PG_FUNCTION_ARGS)
{
	struct varlena *flat = PG_GETARG_ACTIVITY(0);
	Jsonb	   *mapping = PG_GETARG_JSONB_P(1);
	ActivityView v;
	Reshape		r;
	Label	   *out;
	JsonbIterator *it;
	JsonbValue	jv;
	JsonbIteratorToken tok;
	uint32		key_code = 0;
	const char *key = NULL;
	int			key_len = 0;
	bool		changed = false;

	if (!JB_ROOT_IS_OBJECT(mapping) || JB_ROOT_IS_SCALAR(mapping))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("mapping must be a JSON object of feature names, not %s",
						JB_ROOT_IS_ARRAY(mapping) && !JB_ROOT_IS_SCALAR(mapping) ? "an array" : "a scalar")));

	activity_view_init(&v, flat);
	out = identity_names(&v);

	/* every value is checked, whether or not its key is a feature here */
	it = JsonbIteratorInit(&mapping->root);
	while ((tok = JsonbIteratorNext(&it, &jv, true)) != WJB_DONE)
	{
		if (tok == WJB_KEY)
		{
			key = jv.val.string.val;
			key_len = jv.val.string.len;
			key_code = view_find(&v, key, key_len);
		}
		else if (tok == WJB_VALUE)
		{
			if (jv.type != jbvString && jv.type != jbvNull)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("mapping value of feature \"%s\" must be a JSON string or null",
								pnstrdup(key, key_len))));
			if (key_code == 0)
				continue;
			if (jv.type == jbvNull)
			{
				out[key_code].s = NULL;
				changed = true;
			}
			else if (cmp_bytes(jv.val.string.val, jv.val.string.len,
							   v.feat[key_code], v.feat_len[key_code]) != 0)
			{
				/* the string lives in the jsonb datum, as long as the call */
				out[key_code].s = jv.val.string.val;
				out[key_code].len = (uint32) jv.val.string.len;
				changed = true;
			}
		}
	}

	if (v.ntriples == 0)
		PG_RETURN_NULL();
	if (!changed)
		return same_value(fcinfo, flat);
	r.v = &v;
	r.drop = NULL;
	set_names(&r, out, true);
	return result_or_null(fcinfo, reshape(&r));
}

/*
 * activity_filter(act, features text[]): only the triples of the listed
 * features; a NULL element keeps the activity without a feature.
 */
Datum
activity_filter(PG_FUNCTION_ARGS)
{
	struct varlena *flat = PG_GETARG_ACTIVITY(0);
	ArrayType  *arr = PG_GETARG_ARRAYTYPE_P(1);
	ActivityView v;
	Reshape		r;
	Label	   *out;
	Datum	   *elems;
	bool	   *nulls;
	bool	   *keep;
	int			nelems,
				i;
	bool		keep_none = false,
				all = true;
	uint32		f;

	activity_view_init(&v, flat);
	if (v.ntriples == 0)
		PG_RETURN_NULL();
	deconstruct_array(arr, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, &nelems);
	keep = palloc0(((Size) v.nfeatures + 1) * sizeof(bool));
	for (i = 0; i < nelems; i++)
	{
		if (nulls[i])
			keep_none = true;
		else
		{
			text	   *t = DatumGetTextPP(elems[i]);

			keep[view_find(&v, VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t))] = true;
		}
	}
	out = identity_names(&v);
	for (f = 1; f <= v.nfeatures; f++)
		if (!keep[f])
		{
			out[f].s = NULL;
			all = false;
		}
	if (all && keep_none)
		return same_value(fcinfo, flat);
	r.v = &v;
	r.drop = NULL;
	set_names(&r, out, keep_none);
	return result_or_null(fcinfo, reshape(&r));
}

/* ----------------------------------------------------------------
 * activity_drop_users
 * ----------------------------------------------------------------
 */

static int
cmp_int64(const void *a, const void *b)
{
	int64		x = *(const int64 *) a;
	int64		y = *(const int64 *) b;

	return (x > y) - (x < y);
}

static void
id_type_mismatch(Oid elemtype, uint8 id_type)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATATYPE_MISMATCH),
			 errmsg("user_ids is an array of %s, but the summary's user ids are %s",
					format_type_be(elemtype), activity_id_type_name(id_type)),
			 errhint("Pass an array of %s.",
					 id_type == ACT_ID_INT4 || id_type == ACT_ID_INT8 ? "bigint or integer" :
					 activity_id_type_name(id_type))));
}

/*
 * activity_drop_users(act, user_ids anyarray): the summary without any
 * triple of those users.  NULL elements match no user.
 */
Datum
activity_drop_users(PG_FUNCTION_ARGS)
{
	struct varlena *flat = PG_GETARG_ACTIVITY(0);
	ArrayType  *arr = PG_GETARG_ARRAYTYPE_P(1);
	Oid			elemtype = ARR_ELEMTYPE(arr);
	ActivityView v;
	Reshape		r;
	IdReader	ids;
	Datum	   *elems;
	bool	   *nulls;
	bool	   *drop;
	int			nelems,
				n = 0,
				i;
	int16		typlen;
	bool		typbyval;
	char		typalign;
	bool		byte_ids;
	int64	   *ints = NULL;
	Label	   *keys = NULL;
	uint32		u,
				ndropped = 0;

	activity_view_init(&v, flat);
	byte_ids = v.id_type == ACT_ID_TEXT || v.id_type == ACT_ID_UUID;
	switch (v.id_type)
	{
		case ACT_ID_INT4:
		case ACT_ID_INT8:
			if (elemtype != INT8OID && elemtype != INT4OID)
				id_type_mismatch(elemtype, v.id_type);
			break;
		case ACT_ID_TEXT:
			if (elemtype != TEXTOID)
				id_type_mismatch(elemtype, v.id_type);
			break;
		default:
			if (elemtype != UUIDOID)
				id_type_mismatch(elemtype, v.id_type);
			break;
	}
	if (v.ntriples == 0)
		PG_RETURN_NULL();

	/* the ids, sorted in the summary's order, NULLs left out */
	get_typlenbyvalalign(elemtype, &typlen, &typbyval, &typalign);
	deconstruct_array(arr, elemtype, typlen, typbyval, typalign, &elems, &nulls, &nelems);
	if (byte_ids)
		keys = palloc(Max(nelems, 1) * sizeof(Label));
	else
		ints = palloc(Max(nelems, 1) * sizeof(int64));
	for (i = 0; i < nelems; i++)
	{
		if (nulls[i])
			continue;
		switch (elemtype)
		{
			case INT8OID:
				ints[n++] = DatumGetInt64(elems[i]);
				break;
			case INT4OID:
				ints[n++] = DatumGetInt32(elems[i]);
				break;
			case TEXTOID:
				{
					text	   *t = DatumGetTextPP(elems[i]);

					keys[n].s = VARDATA_ANY(t);
					keys[n++].len = VARSIZE_ANY_EXHDR(t);
				}
				break;
			default:
				keys[n].s = (const char *) DatumGetUUIDP(elems[i])->data;
				keys[n++].len = UUID_LEN;
				break;
		}
	}
	if (n == 0)
		return same_value(fcinfo, flat);
	if (byte_ids)
		qsort(keys, n, sizeof(Label), cmp_names);
	else
		qsort(ints, n, sizeof(int64), cmp_int64);

	/* which of the summary's users go: their ids are read, not their days */
	drop = palloc0(Max(v.nusers, 1) * sizeof(bool));
	idreader_init(&ids, &v);
	for (u = 0; u < v.nusers; u++)
	{
		int			lo = 0,
					hi = n;

		if ((u & 1023) == 0)
			CHECK_FOR_INTERRUPTS();
		idreader_next(&ids);
		while (lo < hi)
		{
			int			mid = lo + (hi - lo) / 2;
			int			c;

			if (byte_ids)
				c = cmp_bytes(keys[mid].s, keys[mid].len, (const char *) ids.bytes, ids.len);
			else
				c = (ints[mid] > ids.ival) - (ints[mid] < ids.ival);
			if (c == 0)
			{
				drop[u] = true;
				ndropped++;
				break;
			}
			if (c < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
	}
	if (ndropped == 0)
		return same_value(fcinfo, flat);
	if (ndropped == v.nusers)
		PG_RETURN_NULL();
	r.v = &v;
	r.drop = drop;
	set_names(&r, identity_names(&v), true);
	return result_or_null(fcinfo, reshape(&r));
}
