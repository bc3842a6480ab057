/*
 * reshape.c
 *		activity_map, activity_filter and activity_drop_users (SPEC 2.13):
 *		a summary with its features relabelled, merged or removed, or
 *		without some users.
 *
 * Each is a function from a stored value to a stored value.  All three
 * describe the result the same way, as a map from each feature code of the
 * input to a feature of the output (or to nothing: the pair is dropped) and
 * a set of users to leave out; rebuild() then walks the input once, user
 * by user in id order, and adds the kept triples to a builder.
 *
 * The output's features are registered in the builder first, in their
 * canonical (byte) order, and the users as they come, in id order, so that
 * the builder's numbering is the canonical one from the start and the
 * triples arrive in key order: the builder appends them without sorting,
 * and flattening only encodes.  Within a user, the triples come out in
 * order unless the map reorders or merges features; then that user's
 * triples are sorted, and duplicates (a user active on two features merged
 * into one, on one day) skipped.
 *
 * The output's features must all be used (a canonical value names no
 * unused feature).  A feature of the input is used by some triple, so a
 * map or a filter uses every feature it keeps; only dropping users can
 * leave a feature without triples, and then the value is built a second
 * time without it.
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

/*
 * One build of the reshaped value: a stored value in the current context,
 * or NULL when no triple is kept.  used[k] is set for each output feature
 * k that some kept triple has.
 */
static struct varlena *
build_once(const Reshape *r, bool *used)
{
	const ActivityView *v = r->v;
	bool		byte_ids = v->id_type == ACT_ID_TEXT || v->id_type == ACT_ID_UUID;
	ActivityBuilder *b = builder_create(CurrentMemoryContext, v->id_type, true);
	ActivityCursor c;
	IdReader	ids;
	Size		cap = 256;
	uint64	   *buf = palloc(cap * sizeof(uint64));
	bool		any = false;
	struct varlena *result = NULL;
	uint32		k;

	for (k = 1; k <= r->nnames; k++)
		if (builder_feature(b, r->names[k].s, r->names[k].len) != k)
			elog(ERROR, "activity reshaping: output features are not distinct");
	if (v->ntriples > 0)
	{
		/* the day field wide enough once, not widened as days come */
		builder_widen_days(b, v->min_day);
		builder_widen_days(b, v->max_day);
	}

	cursor_init(&c, v);
	idreader_init(&ids, v);
	while (cursor_next_user(&c))
	{
		Size		n = 0,
					i;
		bool		sorted = true;
		uint32		user;

		idreader_next(&ids);
		if (r->drop && r->drop[c.user])
			continue;
		/* the user's kept triples as (output code << 32 | day - min_day) */
		while (cursor_next_pair(&c))
		{
			int32		code = r->fmap[c.feature];
			uint64		hi;
			uint32		d;

			if (code == DROPPED)
				continue;
			if (n + c.ndays > cap)
			{
				while (cap < n + c.ndays)
					cap *= 2;
				buf = repalloc_huge(buf, cap * sizeof(uint64));
			}
			hi = (uint64) (uint32) code << 32;
			if (n > 0 && (hi | (uint32) ((int64) c.days[0] - v->min_day)) <= buf[n - 1])
				sorted = false;
			for (d = 0; d < c.ndays; d++)
				buf[n++] = hi | (uint32) ((int64) c.days[d] - v->min_day);
		}
		if (n == 0)
			continue;
		if (!sorted)
			sort_keys(buf, n);
		if (byte_ids)
			user = builder_user_bytes(b, (const char *) ids.bytes, ids.len);
		else
			user = builder_user_int(b, ids.ival);
		for (i = 0; i < n; i++)
		{
			uint32		code = (uint32) (buf[i] >> 32);

			if (i > 0 && buf[i] == buf[i - 1])
				continue;
			used[code] = true;
			builder_add(b, user, code, (int32) ((int64) v->min_day + (int64) (uint32) buf[i]));
		}
		any = true;
	}

	if (any)
	{
		struct varlena *flat = builder_flatten(b);

		result = palloc(VARSIZE(flat));
		memcpy(result, flat, VARSIZE(flat));
	}
	DeleteExpandedObject(EOHPGetRWDatum(&b->hdr));
	pfree(buf);
	pfree(c.days);
	return result;
}

/* the reshaped value, or NULL when nothing is left */
static struct varlena *
rebuild(Reshape *r)
{
	for (;;)
	{
		bool	   *used = palloc0(((Size) r->nnames + 1) * sizeof(bool));
		struct varlena *result = build_once(r, used);
		uint32	   *rank;
		uint32		k,
					n = 0,
					f;

		for (k = 1; k <= r->nnames && used[k]; k++)
			;
		if (result == NULL || k > r->nnames)
		{
			pfree(used);
			return result;
		}
		/* some output feature lost all its triples: build again without */
		pfree(result);
		rank = palloc(((Size) r->nnames + 1) * sizeof(uint32));
		for (k = 1; k <= r->nnames; k++)
			if (used[k])
			{
				rank[k] = ++n;
				r->names[n] = r->names[k];
			}
		for (f = 1; f <= r->v->nfeatures; f++)
			if (r->fmap[f] > 0)
				r->fmap[f] = used[r->fmap[f]] ? (int32) rank[r->fmap[f]] : DROPPED;
		r->nnames = n;
		pfree(rank);
		pfree(used);
	}
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
	return result_or_null(fcinfo, rebuild(&r));
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
	return result_or_null(fcinfo, rebuild(&r));
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
	return result_or_null(fcinfo, rebuild(&r));
}
