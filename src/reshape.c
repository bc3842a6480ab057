/*
 * reshape.c
 *		activity_map, activity_filter and activity_drop_users
 *		(doc/reference.md, "Reshaping summaries"): a summary with its
 *		features relabelled, merged or removed, or without some users.
 *		Each describes the result as a Reshape (activity/reshape.h): a map
 *		from each input feature to an output one, or to nothing, and the
 *		users to leave out.
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

#include "activity/reshape.h"

PG_FUNCTION_INFO_V1(activity_map);
PG_FUNCTION_INFO_V1(activity_filter);
PG_FUNCTION_INFO_V1(activity_drop_users);


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

