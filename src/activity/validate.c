/*
 * validate.c
 *		The full check of untrusted bytes (text and binary input): a value
 *		is accepted only in its canonical form, so that values and their
 *		text are in one-to-one correspondence.
 */
#include "postgres.h"

#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/date.h"
#include "utils/uuid.h"

#include "activity/format.h"


typedef struct Validator
{
	const uint8 *p;
	const uint8 *end;
	int			code;
} Validator;

static void
invalid(Validator *v, const char *detail)
{
	ereport(ERROR,
			(errcode(v->code),
			 errmsg("invalid activity value"),
			 errdetail("%s", detail)));
}

/* a varint in its shortest form */
static uint64
v_varint(Validator *v)
{
	uint64		x = 0;
	int			shift = 0;

	for (;;)
	{
		uint8		b;

		if (v->p >= v->end)
			invalid(v, "The value ends in the middle of a number.");
		b = *v->p++;
		if (shift == 63 && b > 1)
			invalid(v, "A number is out of range.");
		x |= (uint64) (b & 0x7F) << shift;
		if (!(b & 0x80))
		{
			if (b == 0 && shift > 0)
				invalid(v, "A number is not in its shortest form.");
			return x;
		}
		shift += 7;
	}
}

static uint64
v_count(Validator *v, uint64 max, const char *what)
{
	uint64		x = v_varint(v);

	if (x > max)
		invalid(v, what);
	return x;
}

static const uint8 *
v_bytes(Validator *v, uint64 len)
{
	const uint8 *p = v->p;

	if (len > (uint64) (v->end - v->p))
		invalid(v, "The value ends in the middle of a string.");
	v->p += len;
	return p;
}

static void
v_text(Validator *v, const uint8 *s, uint64 len, const char *what)
{
	if (memchr(s, '\0', len) != NULL ||
		!pg_verifymbstr((const char *) s, (int) len, true))
		invalid(v, what);
}

/*
 * Checks that the bytes are a stored activity value in canonical form:
 * every count consistent, every list strictly ascending, every feature and
 * user used, the day range exact, and nothing left over.
 */
void
activity_validate(const uint8 *data, Size len, int code)
{
	Validator	v = {data, data + len, code};
	uint8		id_type;
	uint64		nusers,
				nfeatures,
				ntriples,
				ids_len,
				seen = 0,
				u;
	int64		min_day = 0,
				max_day = 0,
				lo = PG_INT64_MAX,
				hi = PG_INT64_MIN;
	const uint8 *ids_end;
	const uint8 *prev = NULL;
	uint64		prev_len = 0;
	int64		prev_id = 0;
	bool	   *used;

	if (len < 2)
		invalid(&v, "The value is too short.");
	if (data[0] != ACTIVITY_FORMAT_VERSION)
		ereport(ERROR,
				(errcode(code),
				 errmsg("unsupported activity format version %d", data[0]),
				 errdetail("This release reads format version %d.", ACTIVITY_FORMAT_VERSION)));
	id_type = data[1];
	if (!ACT_ID_TYPE_VALID(id_type))
		invalid(&v, "Unknown user-id type.");
	v.p += 2;

	/* every triple takes at least one byte: this bounds all allocations */
	ntriples = 0;
	nusers = v_count(&v, len, "Too many users.");
	nfeatures = v_count(&v, len, "Too many features.");
	ntriples = v_count(&v, len, "Too many triples.");
	if (nusers > ntriples || nfeatures > ntriples || nusers > MAX_DICT || nfeatures > MAX_DICT)
		invalid(&v, "Inconsistent counts.");
	if (ntriples > 0)
	{
		min_day = unzigzag(v_varint(&v));
		if (!IS_VALID_DATE(min_day))
			invalid(&v, "Day out of range.");
		max_day = min_day + (int64) v_count(&v, PG_INT32_MAX, "Day range out of range.");
		if (!IS_VALID_DATE(max_day))
			invalid(&v, "Day out of range.");
	}
	else if (nusers > 0)
		invalid(&v, "Users without activity.");
	ids_len = v_varint(&v);
	if (ids_len > (uint64) (v.end - v.p))
		invalid(&v, "The user-id section is longer than the value.");
	ids_end = v.p + ids_len;

	for (u = 0; u < nusers; u++)
	{
		if (id_type == ACT_ID_INT4 || id_type == ACT_ID_INT8)
		{
			int64		id;

			if (u == 0)
				id = unzigzag(v_varint(&v));
			else
			{
				uint64		d = v_varint(&v);

				if (d >= (uint64) PG_INT64_MAX - (uint64) prev_id)
					invalid(&v, "User id out of range.");
				/* in uint64: the sum fits, d alone may not fit in int64 */
				id = (int64) ((uint64) prev_id + d + 1);
			}
			if (id_type == ACT_ID_INT4 && (id < PG_INT32_MIN || id > PG_INT32_MAX))
				invalid(&v, "User id out of range for integer.");
			prev_id = id;
		}
		else
		{
			uint64		l = id_type == ACT_ID_UUID ? UUID_LEN : v_varint(&v);
			const uint8 *s = v_bytes(&v, l);

			if (id_type == ACT_ID_TEXT)
				v_text(&v, s, l, "A user id is not valid text.");
			if (u > 0 && cmp_bytes((const char *) prev, prev_len, (const char *) s, l) >= 0)
				invalid(&v, "User ids are not in ascending order.");
			prev = s;
			prev_len = l;
		}
		if (v.p > ids_end)
			invalid(&v, "The user-id section is shorter than its ids.");
	}
	if (v.p != ids_end)
		invalid(&v, "The user-id section has bytes left over.");

	prev = NULL;
	for (u = 0; u < nfeatures; u++)
	{
		uint64		l = v_varint(&v);
		const uint8 *s = v_bytes(&v, l);

		v_text(&v, s, l, "A feature name is not valid text.");
		if (u > 0 && cmp_bytes((const char *) prev, prev_len, (const char *) s, l) >= 0)
			invalid(&v, "Feature names are not in ascending order.");
		prev = s;
		prev_len = l;
	}

	used = palloc0((nfeatures + 1) * sizeof(bool));
	for (u = 0; u < nusers; u++)
	{
		uint64		npairs = v_count(&v, nfeatures + 1, "Too many pairs for a user.");
		uint64		k;
		int64		f = -1;

		CHECK_FOR_INTERRUPTS();
		if (npairs == 0)
			invalid(&v, "A user has no activity.");
		for (k = 0; k < npairs; k++)
		{
			uint64		code = v_count(&v, nfeatures, "Feature out of range.");
			uint64		ndays,
						i;
			int64		day;

			f = f < 0 ? (int64) code : f + (int64) code + 1;
			if (f > (int64) nfeatures)
				invalid(&v, "Feature out of range.");
			used[f] = true;
			ndays = v_count(&v, ntriples - 1, "Too many days.") + 1;
			seen += ndays;
			if (seen > ntriples)
				invalid(&v, "More triples than counted.");
			day = min_day + (int64) v_count(&v, PG_INT32_MAX, "Day out of range.");
			lo = Min(lo, day);
			for (i = 1; i < ndays; i++)
			{
				day += (int64) v_count(&v, PG_INT32_MAX, "Day out of range.") + 1;
				if (day > max_day)
					break;
			}
			if (day > max_day)
				invalid(&v, "Day after the value's last day.");
			hi = Max(hi, day);
		}
	}
	if (v.p != v.end)
		invalid(&v, "The value has bytes left over.");
	if (seen != ntriples)
		invalid(&v, "Fewer triples than counted.");
	if (ntriples > 0 && (lo != min_day || hi != max_day))
		invalid(&v, "The day range does not match the days.");
	for (u = 1; u <= nfeatures; u++)
		if (!used[u])
			invalid(&v, "A feature is never used.");
	pfree(used);
}
