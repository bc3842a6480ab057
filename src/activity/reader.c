/*
 * reader.c
 *		Reading the stored form: views of a value's header and features,
 *		its user ids in order, and cursors over each user's pairs and days.
 */
#include "postgres.h"

#include "miscadmin.h"
#include "port/pg_bitutils.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/uuid.h"

#include "activity/format.h"
#include "activity/radix.h"

const char *
activity_id_type_name(int id_type)
{
	switch (id_type)
	{
		case ACT_ID_INT4:
			return "integer";
		case ACT_ID_INT8:
			return "bigint";
		case ACT_ID_TEXT:
			return "text";
		case ACT_ID_UUID:
			return "uuid";
	}
	return "unknown";
}

void
activity_corrupted(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATA_CORRUPTED),
			 errmsg("activity value is corrupted")));
}

uint8
activity_value_id_type(const struct varlena *flat)
{
	const uint8 *p = (const uint8 *) VARDATA_ANY(flat);

	if (VARSIZE_ANY_EXHDR(flat) < ACTIVITY_HEADER_BYTES ||
		p[0] != ACTIVITY_FORMAT_VERSION || !ACT_ID_TYPE_VALID(p[1]))
		activity_corrupted();
	return p[1];
}


void
activity_view_init(ActivityView *v, const struct varlena *flat)
{
	view_init_in(v, flat, NULL, NULL);
}

/*
 * activity_view_init, with the feature arrays in feat and feat_len (room
 * for the value's features + 1) rather than allocated, when they are not
 * NULL: builder_merge reads a view of every summary it merges, often
 * hundreds of small ones, and gives them all one allocation.
 */
void
view_init_in(ActivityView *v, const struct varlena *flat, const char **feat, uint32 *feat_len)
{
	const uint8 *p = (const uint8 *) VARDATA_ANY(flat);
	const uint8 *end = p + VARSIZE_ANY_EXHDR(flat);
	uint64		ids_len;
	uint32		i;

	if (end - p < 2 || p[0] != ACTIVITY_FORMAT_VERSION || !ACT_ID_TYPE_VALID(p[1]))
		activity_corrupted();
	v->id_type = p[1];
	p += 2;
	v->nusers = (uint32) r_varint(&p, end);
	v->nfeatures = (uint32) r_varint(&p, end);
	v->ntriples = r_varint(&p, end);
	v->min_day = v->max_day = 0;
	if (v->ntriples > 0)
	{
		v->min_day = (int32) unzigzag(r_varint(&p, end));
		v->max_day = (int32) ((int64) v->min_day + (int64) r_varint(&p, end));
	}
	ids_len = r_varint(&p, end);
	if (ids_len > (uint64) (end - p))
		activity_corrupted();
	v->ids = p;
	p += ids_len;
	v->feat = feat ? feat : palloc(((Size) v->nfeatures + 1) * sizeof(char *));
	v->feat_len = feat_len ? feat_len : palloc(((Size) v->nfeatures + 1) * sizeof(uint32));
	v->feat[0] = NULL;
	v->feat_len[0] = 0;
	for (i = 1; i <= v->nfeatures; i++)
	{
		uint64		len = r_varint(&p, end);

		if (len > (uint64) (end - p))
			activity_corrupted();
		v->feat[i] = (const char *) p;
		v->feat_len[i] = (uint32) len;
		p += len;
	}
	v->body = p;
	v->end = end;
}

/* the code of a feature named by bytes, or FEATURE_NONE when the value lacks it */
int32
activity_view_find(const ActivityView *v, const char *s, Size len)
{
	uint32		lo = 1,
				hi = v->nfeatures + 1;

	while (lo < hi)
	{
		uint32		mid = lo + (hi - lo) / 2;
		int			c = cmp_bytes(v->feat[mid], v->feat_len[mid], s, len);

		if (c == 0)
			return (int32) mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return FEATURE_NONE;
}

/* the code of a named feature, or FEATURE_NONE when the value lacks it */
int32
activity_view_feature(const ActivityView *v, const text *name)
{
	return activity_view_find(v, VARDATA_ANY(name), VARSIZE_ANY_EXHDR(name));
}

void
idreader_init(IdReader *r, const ActivityView *v)
{
	r->v = v;
	r->p = v->ids;
	r->left = v->nusers;
	r->ival = 0;
	r->bytes = NULL;
	r->len = 0;
}

void
idreader_next(IdReader *r)
{
	const uint8 *end = r->v->body;
	bool		first = r->left == r->v->nusers;

	if (r->left == 0)
		activity_corrupted();
	r->left--;
	switch (r->v->id_type)
	{
		case ACT_ID_INT4:
		case ACT_ID_INT8:
			if (first)
				r->ival = unzigzag(r_varint(&r->p, end));
			else
				r->ival = (int64) ((uint64) r->ival + r_varint(&r->p, end) + 1);
			break;
		case ACT_ID_TEXT:
			{
				uint64		len = r_varint(&r->p, end);

				if (len > (uint64) (end - r->p))
					activity_corrupted();
				r->bytes = r->p;
				r->len = (uint32) len;
				r->p += len;
			}
			break;
		case ACT_ID_UUID:
			if (end - r->p < UUID_LEN)
				activity_corrupted();
			r->bytes = r->p;
			r->len = UUID_LEN;
			r->p += UUID_LEN;
			break;
	}
}

/* the current id as text: numbers in decimal, uuids in their usual form */
text *
idreader_text(const IdReader *r)
{
	switch (r->v->id_type)
	{
		case ACT_ID_INT4:
		case ACT_ID_INT8:
			{
				char		buf[32];

				snprintf(buf, sizeof(buf), INT64_FORMAT, r->ival);
				return cstring_to_text(buf);
			}
		case ACT_ID_TEXT:
			return cstring_to_text_with_len((const char *) r->bytes, r->len);
		case ACT_ID_UUID:
			{
				pg_uuid_t	u;

				memcpy(u.data, r->bytes, UUID_LEN);
				return cstring_to_text(DatumGetCString(DirectFunctionCall1(uuid_out,
																		   UUIDPGetDatum(&u))));
			}
	}
	return NULL;
}

void
cursor_init(ActivityCursor *c, const ActivityView *v)
{
	memset(c, 0, sizeof(ActivityCursor));
	c->v = v;
	c->p = v->body;
	c->user = PG_UINT32_MAX;
	c->cap = 64;
	c->days = palloc(c->cap * sizeof(int32));
}

/* points a cursor at the start of another view, keeping its buffers */
void
cursor_rebind(ActivityCursor *c, const ActivityView *v)
{
	c->v = v;
	c->p = v->body;
	c->user = PG_UINT32_MAX;
	c->pairs_left = 0;
	c->feature = 0;
	c->feature_seen = false;
	c->ndays = 0;
}

static void
cursor_reserve(ActivityCursor *c, uint64 n)
{
	if (n > c->cap)
	{
		/* a pair cannot hold more days than the value has triples */
		if (n > c->v->ntriples)
			activity_corrupted();
		while (c->cap < n)
			c->cap *= 2;
		c->days = repalloc_huge(c->days, (Size) c->cap * sizeof(int32));
	}
}

/*
 * Decodes the next pair of the current user, appending its days at
 * c->days[at]; returns the number of days.
 */
static uint32
cursor_read_pair(ActivityCursor *c, uint32 at)
{
	const uint8 *p = c->p;
	const uint8 *end = c->v->end;
	uint64		code = r_varint(&p, end);
	uint64		ndays = r_varint(&p, end) + 1;
	int64		day;
	uint64		i;
	int32	   *out;

	c->feature = (c->feature_seen ? c->feature + 1 : 0) + (uint32) code;
	c->feature_seen = true;
	if (c->feature > c->v->nfeatures)
		activity_corrupted();
	cursor_reserve(c, at + ndays);
	out = c->days + at;
	day = (int64) c->v->min_day + (int64) r_varint(&p, end);
	out[0] = (int32) day;
	for (i = 1; i < ndays; i++)
	{
		day += (int64) r_varint(&p, end) + 1;
		out[i] = (int32) day;
	}
	if (day > c->v->max_day)
		activity_corrupted();
	c->p = p;
	c->pairs_left--;
	return (uint32) ndays;
}

bool
cursor_next_user(ActivityCursor *c)
{
	while (c->pairs_left > 0)
		cursor_read_pair(c, 0);
	if (c->user + 1 >= c->v->nusers)
		return false;
	c->user++;
	/* every reader of a value walks it here: cancellation works in all */
	if ((c->user & 1023) == 0)
		CHECK_FOR_INTERRUPTS();
	c->pairs_left = (uint32) r_varint(&c->p, c->v->end);
	c->feature_seen = false;
	c->feature = 0;
	return true;
}

bool
cursor_next_pair(ActivityCursor *c)
{
	if (c->pairs_left == 0)
		return false;
	c->ndays = cursor_read_pair(c, 0);
	return true;
}

/*
 * Merges the sorted runs of c->days bounded by runs[0 .. nruns] (runs[0]
 * is 0) into one, bottom-up, dropping duplicates; returns its length.
 */
static uint32
cursor_merge(ActivityCursor *c, uint32 *runs, uint32 nruns)
{
	int32	   *merged;
	uint32		n;

	if (c->tmpcap < c->cap)
	{
		if (c->tmp)
			pfree(c->tmp);
		c->tmpcap = c->cap;
		c->tmp = palloc((Size) c->tmpcap * sizeof(int32));
	}
	merged = union_day_runs(c->days, c->tmp, runs, nruns, &n);
	if (merged != c->days)
		memcpy(c->days, merged, (Size) n * sizeof(int32));
	return n;
}

/*
 * The union of the sorted runs of c->days bounded by runs[0 .. nruns], all
 * within lo .. hi, as cursor_merge gives it, through a bitmap of the days:
 * one bit set per day read, and one word read per 64 days of the span,
 * where a merge passes over every day once per doubling of the runs.
 */
static uint32
cursor_union_bits(ActivityCursor *c, const uint32 *runs, uint32 nruns, int32 lo, int32 hi)
{
	uint32		nwords = (uint32) (((int64) hi - lo) / 64 + 1);
	uint32		i,
				n = 0;

	if (c->bitscap < nwords)
	{
		if (c->bits)
			pfree(c->bits);
		c->bits = palloc0((Size) nwords * sizeof(uint64));
		c->bitscap = nwords;
	}
	for (i = 0; i < runs[nruns]; i++)
	{
		uint32		off = (uint32) ((int64) c->days[i] - lo);

		c->bits[off / 64] |= UINT64CONST(1) << (off % 64);
	}
	/* every day read is in the bitmap: write the union over them */
	for (i = 0; i < nwords; i++)
	{
		uint64		w = c->bits[i];

		while (w != 0)
		{
			c->days[n++] = (int32) ((int64) lo + (int64) i * 64 + pg_rightmost_one_pos64(w));
			w &= w - 1;
		}
		c->bits[i] = 0;
	}
	return n;
}

/* the union of the runs, by bitmap when the days are dense, else merged */
static uint32
cursor_union(ActivityCursor *c, uint32 *runs, uint32 nruns)
{
	int32		lo = PG_INT32_MAX,
				hi = PG_INT32_MIN;
	uint32		r;

	for (r = 0; r < nruns; r++)
	{
		lo = Min(lo, c->days[runs[r]]);
		hi = Max(hi, c->days[runs[r + 1] - 1]);
	}
	if (((int64) hi - lo) / 64 < (int64) runs[nruns])
		return cursor_union_bits(c, runs, nruns, lo, hi);
	return cursor_merge(c, runs, nruns);
}

/*
 * Reads the remaining pairs of the current user and leaves in c->days the
 * sorted distinct days in (after, max_day] of the pairs that match the
 * filter (a feature code, FEATURE_ANY or FEATURE_NONE).  Returns their
 * number.  A reader that looks at a window only passes its start as after:
 * the days before it are dropped pair by pair, not merged.
 */
static inline uint32
user_days_in(ActivityCursor *c, int32 feature, int64 after, int32 max_day,
			 PairLast *pairs, uint32 *npairs)
{
	uint32		runs[33];
	uint32		nruns = 0;

	runs[0] = 0;
	while (c->pairs_left > 0)
	{
		uint32		k;

		if (nruns == lengthof(runs) - 1)
		{
			runs[1] = cursor_union(c, runs, nruns);
			nruns = 1;
		}
		k = cursor_read_pair(c, runs[nruns]);
		if (feature != FEATURE_ANY && (int32) c->feature != feature)
			continue;
		k = days_upper_bound(c->days + runs[nruns], k, max_day);
		if (k > 0 && after > PG_INT64_MIN)
		{
			int32	   *d = c->days + runs[nruns];
			uint32		skip = days_upper_bound(d, k, after);

			if (skip > 0 && skip < k)
				memmove(d, d + skip, (Size) (k - skip) * sizeof(int32));
			k -= skip;
		}
		if (k > 0)
		{
			if (pairs)
			{
				pairs[*npairs].feature = c->feature;
				pairs[*npairs].last = c->days[runs[nruns] + k - 1];
				(*npairs)++;
			}
			runs[nruns + 1] = runs[nruns] + k;
			nruns++;
		}
	}
	c->ndays = nruns > 1 ? cursor_union(c, runs, nruns) : runs[nruns];
	return c->ndays;
}

uint32
cursor_user_days_in(ActivityCursor *c, int32 feature, int64 after, int32 max_day)
{
	return user_days_in(c, feature, after, max_day, NULL, NULL);
}

/*
 * cursor_user_days_in over any activity that also lists, in pairs (room
 * for the user's remaining pairs, c->pairs_left), each pair with a day in
 * (after, max_day]: its feature code and its last day there; *npairs is
 * their number.  A reader of several windows ending at max_day learns from
 * it which pairs each window holds, in the same pass.
 */
uint32
cursor_user_days_pairs(ActivityCursor *c, int64 after, int32 max_day,
					   PairLast *pairs, uint32 *npairs)
{
	*npairs = 0;
	return user_days_in(c, FEATURE_ANY, after, max_day, pairs, npairs);
}
