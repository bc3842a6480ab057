/*
 * union.c
 *		A few stored values merged side by side, straight into the stored
 *		form.
 *
 * Combining the partial summaries of a parallel query (or of Citus's
 * shards), activity_union and rollups of per-account summaries by segment
 * merge a few values, each in canonical order already.  Walking them side
 * by side -- users in id order, each user's pairs in feature order, each
 * pair's days in order -- and encoding as it goes gives the canonical
 * result without what builder_merge needs for many values: dictionaries
 * of users and features, packed keys and their sort.  builder_flatten
 * takes this path when the builder holds only pending stored values and
 * the walk pays (union_pays).
 */
#include "postgres.h"

#include "miscadmin.h"
#include "utils/memutils.h"
#include "utils/uuid.h"

#include "activity/builder_private.h"

/* one of the values merged, and where its walk is */
typedef struct UnionInput
{
	ActivityView v;
	IdReader	ids;
	ActivityCursor c;
	uint32	   *fmap;			/* its feature codes to the result's */
	bool		has_user;		/* ids and c are on a user not yet written */
	bool		has_pair;		/* c holds a pair of that user not yet written */
	uint32		code;			/* the result's code of that pair's feature */
} UnionInput;

static int
cmp_ids(const IdReader *a, const IdReader *b, uint8 id_type)
{
	if (id_type == ACT_ID_INT4 || id_type == ACT_ID_INT8)
		return (a->ival > b->ival) - (a->ival < b->ival);
	return cmp_bytes((const char *) a->bytes, a->len, (const char *) b->bytes, b->len);
}

/* the next user of an input, if any */
static void
next_user(UnionInput *in)
{
	in->has_user = cursor_next_user(&in->c);
	if (in->has_user)
		idreader_next(&in->ids);
}

/* the next pair of an input's current user, if any, and its result code */
static void
next_pair(UnionInput *in)
{
	in->has_pair = cursor_next_pair(&in->c);
	if (in->has_pair)
		in->code = in->fmap[in->c.feature];
}

/*
 * The union of the inputs' feature names, in byte order, as pointers into
 * the inputs (names, lens); fills each input's fmap and returns the count.
 */
static uint32
union_features(UnionInput *in, int n, const char **names, uint32 *lens)
{
	uint32		pos[UNION_MAX];
	uint32		count = 0;
	int			i;

	for (i = 0; i < n; i++)
	{
		in[i].fmap = palloc(((Size) in[i].v.nfeatures + 1) * sizeof(uint32));
		in[i].fmap[0] = 0;
		pos[i] = 1;
	}
	for (;;)
	{
		const char *name = NULL;
		uint32		len = 0;

		for (i = 0; i < n; i++)
			if (pos[i] <= in[i].v.nfeatures &&
				(name == NULL ||
				 cmp_bytes(in[i].v.feat[pos[i]], in[i].v.feat_len[pos[i]], name, len) < 0))
			{
				name = in[i].v.feat[pos[i]];
				len = in[i].v.feat_len[pos[i]];
			}
		if (name == NULL)
			break;
		count++;
		names[count - 1] = name;
		lens[count - 1] = len;
		for (i = 0; i < n; i++)
			if (pos[i] <= in[i].v.nfeatures &&
				cmp_bytes(in[i].v.feat[pos[i]], in[i].v.feat_len[pos[i]], name, len) == 0)
				in[i].fmap[pos[i]++] = count;
	}
	return count;
}

static void
write_id(Bytes *out, const IdReader *r, uint8 id_type, bool first, int64 prev)
{
	switch (id_type)
	{
		case ACT_ID_INT4:
		case ACT_ID_INT8:
			bytes_reserve(out, 10);
			put_varint(out, first ? zigzag(r->ival) : (uint64) r->ival - (uint64) prev - 1);
			break;
		case ACT_ID_TEXT:
			bytes_reserve(out, 10);
			put_varint(out, r->len);
			put_bytes(out, r->bytes, r->len);
			break;
		case ACT_ID_UUID:
			put_bytes(out, r->bytes, UUID_LEN);
			break;
	}
}

/*
 * The union of the days of the inputs in sel (two or more), in order:
 * their lists copied into a as runs, merged by union_day_runs through b
 * (each as long as all their days).  Returns whichever of a and b holds
 * it, its length in *n.
 */
static int32 *
union_days(UnionInput **sel, int nsel, int32 *a, int32 *b, uint32 *n)
{
	uint32		bounds[UNION_MAX + 1];
	uint32		len = 0;
	int			i;

	for (i = 0; i < nsel; i++)
	{
		bounds[i] = len;
		memcpy(a + len, sel[i]->c.days, sel[i]->c.ndays * sizeof(int32));
		len += sel[i]->c.ndays;
	}
	bounds[nsel] = len;
	return union_day_runs(a, b, bounds, nsel, n);
}

/*
 * Writes the pairs of the current user of the inputs in users (those on
 * the user being written) to pairs; returns their number and adds their
 * days to *ntriples.
 */
static uint32
write_pairs(UnionInput **users, int nusers, Bytes *pairs, int32 **scratch,
			Size *scratch_cap, int32 min_day, uint64 *ntriples)
{
	uint32		npairs = 0;
	int64		prev_code = -1;
	int			i;

	for (i = 0; i < nusers; i++)
		next_pair(users[i]);
	for (;;)
	{
		UnionInput *sel[UNION_MAX];
		int			nsel = 0;
		uint32		code = PG_UINT32_MAX;
		Size		total = 0;
		const int32 *days;
		uint32		ndays,
					k;

		for (i = 0; i < nusers; i++)
			if (users[i]->has_pair && users[i]->code < code)
				code = users[i]->code;
		if (code == PG_UINT32_MAX)
			return npairs;
		for (i = 0; i < nusers; i++)
			if (users[i]->has_pair && users[i]->code == code)
			{
				sel[nsel++] = users[i];
				total += users[i]->c.ndays;
			}
		if (nsel == 1)
		{
			days = sel[0]->c.days;
			ndays = sel[0]->c.ndays;
		}
		else
		{
			if (total > *scratch_cap)
			{
				*scratch_cap = Max(total, *scratch_cap * 2);
				*scratch = repalloc_huge(*scratch, *scratch_cap * 2 * sizeof(int32));
			}
			days = union_days(sel, nsel, *scratch, *scratch + *scratch_cap, &ndays);
		}

		/* ten bytes a varint: enough even for days out of order in a corrupted value */
		bytes_reserve(pairs, 30);
		put_varint(pairs, prev_code < 0 ? code : code - (uint64) prev_code - 1);
		prev_code = code;
		put_varint(pairs, ndays - 1);
		put_varint(pairs, (uint64) ((int64) days[0] - min_day));
		for (k = 1; k < ndays; k++)
		{
			bytes_reserve(pairs, 10);
			put_varint(pairs, (uint64) ((int64) days[k] - days[k - 1] - 1));
		}
		*ntriples += ndays;
		npairs++;
		for (i = 0; i < nsel; i++)
			next_pair(sel[i]);
	}
}

/*
 * The union of n stored values (1 <= n <= UNION_MAX, each holding triples,
 * all of one user-id type) in the stored form, allocated in the current
 * memory context.
 */
struct varlena *
union_values(const struct varlena **flats, int n)
{
	MemoryContext work = AllocSetContextCreate(CurrentMemoryContext, "activity union",
											   ALLOCSET_DEFAULT_SIZES);
	MemoryContext outer = MemoryContextSwitchTo(work);
	UnionInput *in = palloc0(n * sizeof(UnionInput));
	const char **names;
	uint32	   *lens;
	uint32		nfeat,
				f;
	Bytes		ids,
				body,
				pairs;
	int32	   *scratch;
	Size		scratch_cap = 256;
	Size		in_bytes = 0,
				nnames = 0;
	uint64		nusers = 0,
				ntriples = 0;
	int32		min_day = PG_INT32_MAX,
				max_day = PG_INT32_MIN;
	int64		prev_id = 0;
	uint8		id_type;
	Writer		w = {NULL, 0};
	struct varlena *result;
	int			i;

	Assert(n >= 1 && n <= UNION_MAX);
	for (i = 0; i < n; i++)
	{
		activity_view_init(&in[i].v, flats[i]);
		if (in[i].v.ntriples == 0 || in[i].v.id_type != in[0].v.id_type)
			elog(ERROR, "activity union: an input is empty or of another user-id type");
		min_day = Min(min_day, in[i].v.min_day);
		max_day = Max(max_day, in[i].v.max_day);
		in_bytes += VARSIZE_ANY_EXHDR(flats[i]);
		idreader_init(&in[i].ids, &in[i].v);
		cursor_init(&in[i].c, &in[i].v);
		next_user(&in[i]);
	}
	id_type = in[0].v.id_type;
	for (i = 0; i < n; i++)
		nnames += in[i].v.nfeatures;
	names = huge_array(const char *, Max(nnames, 1));
	lens = huge_array(uint32, Max(nnames, 1));
	nfeat = union_features(in, n, names, lens);

	bytes_init(&ids, in_bytes / 4);
	bytes_init(&body, in_bytes);
	bytes_init(&pairs, 256);
	scratch = palloc(scratch_cap * 2 * sizeof(int32));	/* two halves */

	/* users in id order: each one once, with the pairs of every input holding it */
	for (;;)
	{
		UnionInput *users[UNION_MAX];
		int			nu = 0;
		UnionInput *least = NULL;
		uint32		npairs;

		for (i = 0; i < n; i++)
			if (in[i].has_user &&
				(least == NULL || cmp_ids(&in[i].ids, &least->ids, id_type) < 0))
				least = &in[i];
		if (least == NULL)
			break;
		for (i = 0; i < n; i++)
			if (in[i].has_user && cmp_ids(&in[i].ids, &least->ids, id_type) == 0)
				users[nu++] = &in[i];

		write_id(&ids, &least->ids, id_type, nusers == 0, prev_id);
		prev_id = least->ids.ival;
		nusers++;

		pairs.len = 0;
		npairs = write_pairs(users, nu, &pairs, &scratch, &scratch_cap, min_day, &ntriples);
		bytes_reserve(&body, 10);
		put_varint(&body, npairs);
		put_bytes(&body, pairs.data, pairs.len);

		for (i = 0; i < nu; i++)
			next_user(users[i]);
	}

	/* the header and the feature names, sized first, then everything written */
	for (;;)
	{
		w_byte(&w, ACTIVITY_FORMAT_VERSION);
		w_byte(&w, id_type);
		w_varint(&w, nusers);
		w_varint(&w, nfeat);
		w_varint(&w, ntriples);
		w_varint(&w, zigzag(min_day));
		w_varint(&w, (uint64) ((int64) max_day - min_day));
		w_varint(&w, ids.len);
		w_bytes(&w, ids.data, ids.len);
		for (f = 0; f < nfeat; f++)
		{
			w_varint(&w, lens[f]);
			w_bytes(&w, names[f], lens[f]);
		}
		w_bytes(&w, body.data, body.len);
		if (w.out)
			break;
		if (w.len > MaxAllocSize - VARHDRSZ)
			too_large_value(w.len);
		result = MemoryContextAlloc(outer, VARHDRSZ + w.len);
		SET_VARSIZE(result, VARHDRSZ + w.len);
		w.out = (uint8 *) VARDATA(result);
		w.len = 0;
	}

	MemoryContextSwitchTo(outer);
	MemoryContextDelete(work);
	return result;
}

/*
 * Whether the builder holds only pending stored values, and few enough
 * for union_values to be the cheaper merge.  The walk looks at the current
 * user of every value for each user it writes, so it pays when the values
 * are few (up to UNION_WALK_ANY: the partial states of a parallel query,
 * activity_union) or hold many triples for each user so looked at, as
 * the partial states of Citus's shards or per-account summaries rolled up
 * by segment do (users times values at most the triples).  Many small
 * values, a rollup of per-day summaries, go through the builder's keys.
 */
#define UNION_WALK_ANY	8

bool
union_pays(const ActivityBuilder *b)
{
	uint64		users = 0,
				triples = 0;
	Size		at;

	if (b->nkeys != 0 || b->npend == 0 || b->npend > UNION_MAX)
		return false;
	if (b->npend <= UNION_WALK_ANY)
		return true;
	for (at = 0; at < b->pend_len; at = INTALIGN(at + VARSIZE_ANY(b->pend + at)))
	{
		const uint8 *p = (const uint8 *) VARDATA_ANY(b->pend + at);
		const uint8 *end = p + VARSIZE_ANY_EXHDR(b->pend + at);

		p += ACTIVITY_HEADER_BYTES;
		users += r_varint(&p, end);
		(void) r_varint(&p, end);	/* features */
		triples += r_varint(&p, end);
	}
	return users * b->npend <= triples;
}

/*
 * The stored form of a builder that holds only pending stored values
 * (1 to UNION_MAX of them, see union_pays), by union_values; the result becomes the
 * builder's one pending value and its cached stored form at once, so that
 * values or rows added later merge with it.
 */
struct varlena *
builder_union_pending(ActivityBuilder *b)
{
	const struct varlena *flats[UNION_MAX];
	struct varlena *result;
	MemoryContext oldcxt;
	Size		at;
	int			n = 0;

	Assert(b->nkeys == 0 && b->npend >= 1 && b->npend <= UNION_MAX && b->flat == NULL);
	for (at = 0; at < b->pend_len; at = INTALIGN(at + VARSIZE_ANY(b->pend + at)))
		flats[n++] = (const struct varlena *) (b->pend + at);
	/* one value in canonical order already: itself, when its header is the long one */
	if (n == 1 && VARATT_IS_4B_U(flats[0]))
	{
		b->flat = (struct varlena *) b->pend;
		return b->flat;
	}
	oldcxt = MemoryContextSwitchTo(b->hdr.eoh_context);
	result = union_values(flats, n);
	MemoryContextSwitchTo(oldcxt);
	pfree(b->pend);
	b->pend = (char *) result;
	b->pend_len = b->pend_cap = VARSIZE(result);
	b->npend = 1;
	b->flat = result;
	return result;
}
