/*
 * merge.c
 *		Stored values into a builder: rollup, activity_union and the
 *		combine step of both aggregates.  A few values and nothing else
 *		are merged by union.c instead, walked side by side (union_pays).
 */
#include "postgres.h"

#include "miscadmin.h"
#include "utils/memutils.h"

#include "activity/builder_private.h"

/*
 * The user-id type and triple count of a stored value, from its header,
 * and its number of features when nfeatures is not NULL.
 */
static uint64
flat_header(const struct varlena *flat, uint8 *id_type, uint64 *nfeatures)
{
	const uint8 *p = (const uint8 *) VARDATA_ANY(flat);
	const uint8 *end = p + VARSIZE_ANY_EXHDR(flat);

	if (end - p < 2 || p[0] != ACTIVITY_FORMAT_VERSION || !ACT_ID_TYPE_VALID(p[1]))
		activity_corrupted();
	*id_type = p[1];
	p += 2;
	(void) r_varint(&p, end);	/* users */
	if (nfeatures)
		*nfeatures = r_varint(&p, end);
	else
		(void) r_varint(&p, end);
	return r_varint(&p, end);
}

/*
 * Room for more bytes of pending values (each at an int-aligned offset)
 * after those held: a stage flush reserves a builder's batch at once.
 */
void
builder_reserve_pending(ActivityBuilder *b, Size more)
{
	Size		need = INTALIGN(b->pend_len) + more;

	if (need > b->pend_cap)
	{
		Size		cap = Max(Max(b->pend_cap * 2, need), 1024);

		if (b->pend)
			b->pend = repalloc_huge(b->pend, cap);
		else
			b->pend = MemoryContextAllocHuge(b->hdr.eoh_context, cap);
		b->pend_cap = cap;
	}
}

/*
 * Adds every triple of a stored value.  The value is only copied here:
 * rollup adds many small summaries to each group, and merging them one at
 * a time (hashing each one's users and features into the group's
 * dictionaries, then sorting again once the users are renumbered in id
 * order) costs far more than reading them.  builder_merge() merges the
 * pending values in bulk when the stored form is needed (union.c when they
 * are few and the builder holds nothing else), or as soon as
 * they take more memory than the builder's keys (or 64 MB), which bounds
 * their memory and keeps the work amortised O(1) per triple: stored
 * triples take a few bytes, keys eight.
 */
void
builder_add_flat(ActivityBuilder *b, const struct varlena *flat)
{
	uint8		id_type;
	uint64		ntriples = flat_header(flat, &id_type, NULL);
	Size		len = VARSIZE_ANY(flat);
	Size		at = INTALIGN(b->pend_len);

	if (id_type != b->id_type)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("cannot merge activity summaries with different user-id types: %s and %s",
						activity_id_type_name(b->id_type),
						activity_id_type_name(id_type))));
	if (ntriples == 0)
		return;
	builder_forget_flat(b);
	builder_reserve_pending(b, len);
	memcpy(b->pend + at, flat, len);
	b->pend_len = at + len;
	b->npend++;
	/* pending copies never take more memory than the keys (8 bytes each) */
	if (b->pend_len > Max(b->capkeys * sizeof(uint64), MIN_PENDING))
		builder_merge(b);
}

/*
 * Adds every user of the views to the empty user dictionary, writing the
 * entry of each view's each user, in order, to uentry, then puts the
 * dictionary in id order; returns the rank of each entry (NULL when the
 * entries are in order already).  merge_keys reads a view's users through
 * uentry and the ranks, without decoding or searching for their ids again.
 */
static uint32 *
merge_users(ActivityBuilder *b, const ActivityView *views, int nviews, uint32 *uentry)
{
	IdReader	r;
	Size		n = 0;
	int			k;

	for (k = 0; k < nviews; k++)
	{
		CHECK_FOR_INTERRUPTS();
		for (idreader_init(&r, &views[k]); r.left > 0;)
		{
			idreader_next(&r);
			uentry[n++] = b->users.bytes
				? builder_user_bytes(b, (const char *) r.bytes, r.len)
				: builder_user_int(b, r.ival);
		}
	}
	return dict_canonicalize(&b->users);
}

/* whether two views name the same features (equal feature sections) */
static bool
same_features(const ActivityView *a, const ActivityView *b)
{
	Size		len;

	if (a->nfeatures != b->nfeatures)
		return false;
	if (a->nfeatures == 0)
		return true;
	len = (const char *) a->body - a->feat[1];
	return len == (Size) ((const char *) b->body - b->feat[1]) &&
		memcmp(a->feat[1], b->feat[1], len) == 0;
}

/*
 * The builder's codes of a view's features in fmap (fmap[0] = 0 is "no
 * feature"), adding the names it lacks; copied from the previous view's
 * map when that view names the same features, the common case.
 */
static void
map_features(ActivityBuilder *b, const ActivityView *v, const ActivityView *prev,
			 const uint32 *prev_fmap, uint32 *fmap)
{
	uint32		r;

	if (prev && same_features(v, prev))
	{
		memcpy(fmap, prev_fmap, ((Size) v->nfeatures + 1) * sizeof(uint32));
		return;
	}
	fmap[0] = 0;
	for (r = 1; r <= v->nfeatures; r++)
		fmap[r] = builder_feature(b, v->feat[r], v->feat_len[r]);
}

/*
 * Appends the keys of one view, renumbered into the builder, read with c
 * (a cursor whose buffers serve every view merged); its users are
 * uentry[0 ..], entries of the user dictionary, numbered by urank (see
 * merge_users).
 */
static void
merge_keys(ActivityBuilder *b, const ActivityView *v, const uint32 *fmap,
		   const uint32 *uentry, const uint32 *urank, ActivityCursor *c)
{
	uint32		i;

	cursor_rebind(c, v);
	while (cursor_next_user(c))
	{
		uint32		e = uentry[c->user];
		uint64		u = (uint64) (urank ? urank[e] : e) << b->ushift;

		while (cursor_next_pair(c))
		{
			uint64		uf = u | ((uint64) fmap[c->feature] << b->dbits);

			if (c->ndays > b->capkeys - b->nkeys)
				activity_corrupted();	/* more triples than the header said */
			for (i = 0; i < c->ndays; i++)
				b->keys[b->nkeys++] = uf | (uint64) ((int64) c->days[i] - b->day_base);
		}
	}
}

/*
 * Sorts and deduplicates b->keys, made of nruns runs (run r starts at
 * starts[r]; starts[nruns] is the end), each ascending when its value is
 * well formed.  Few runs (the builder's own keys and a few values added
 * after them) are merged pairwise, in fewer passes over the keys than a
 * radix sort takes.  Many runs (rollup of per-day summaries), or a run out
 * of order, go to the radix sort.
 */
#define MERGE_RUNS	4

static void
sort_key_runs(ActivityBuilder *b, Size *starts, int nruns)
{
	uint64	   *tmp = huge_array(uint64, Max(b->nkeys, 1));
	uint64	   *src = b->keys;
	Size		n;
	int			r;
	bool		ascending = nruns <= MERGE_RUNS;

	for (r = 0; r < nruns && ascending; r++)
	{
		Size		i;

		for (i = starts[r] + 1; i < starts[r + 1] && ascending; i++)
			ascending = src[i - 1] < src[i];
	}
	if (!ascending)
	{
		src = radix_sort(b->keys, tmp, b->nkeys, key_bits(b));
		n = dedupe_sorted(src, b->nkeys);
	}
	else
	{
		Size		bounds[MERGE_RUNS + 1];

		Assert(starts[0] == 0);
		memcpy(bounds, starts, (nruns + 1) * sizeof(Size));
		src = union_runs(b->keys, tmp, bounds, nruns, &n);
	}
	if (src != b->keys)
		memcpy(b->keys, src, n * sizeof(uint64));
	b->nkeys = b->nsorted = n;
	pfree(tmp);
}

/*
 * Merges the pending stored values (builder_add_flat) into the builder in
 * bulk: the union of their users and the union of their features are put
 * in order once, then each value's keys are renumbered and appended, and
 * sorted and deduplicated all at once (sort_key_runs).  Keys the builder
 * held already are flattened first and merged as one more value.  The
 * views share one allocation of feature arrays and one cursor: a rollup
 * of per-day summaries merges hundreds of small values per group.
 */
void
builder_merge(ActivityBuilder *b)
{
	MemoryContext oldcxt;
	const struct varlena **flats;
	ActivityView *views;
	const char **feat;
	uint32	   *feat_len;
	uint32	   *fmaps;
	uint32	   *ranks;
	uint32	   *uentry;
	uint32	   *urank;
	struct varlena *own = NULL;
	ActivityCursor cursor;
	uint64		ntriples = 0;
	Size		nusers = 0;
	Size		nslots = 0;
	int32		min_day = PG_INT32_MAX,
				max_day = PG_INT32_MIN;
	int			nviews = 0,
				k;
	Size		at;
	Size	   *starts;

	if (b->npend == 0)
		return;
	oldcxt = MemoryContextSwitchTo(b->hdr.eoh_context);
	if (b->nkeys > 0)
	{
		own = builder_flatten_keys(b);
		b->flat = NULL;			/* ours now: freed below */
	}
	builder_clear(b);

	/* the values, then a view of each, their feature arrays in one allocation */
	flats = huge_array(const struct varlena *, b->npend + 1);
	if (own)
		flats[nviews++] = own;
	for (at = 0; at < b->pend_len; at = INTALIGN(at + VARSIZE_ANY(b->pend + at)))
		flats[nviews++] = (const struct varlena *) (b->pend + at);
	for (k = 0; k < nviews; k++)
	{
		uint8		id_type;
		uint64		nf;

		(void) flat_header(flats[k], &id_type, &nf);
		if (nf > VARSIZE_ANY_EXHDR(flats[k]))
			activity_corrupted();		/* a feature takes a byte at least */
		nslots += nf + 1;
	}
	feat = huge_array(const char *, nslots);
	feat_len = huge_array(uint32, nslots);
	fmaps = huge_array(uint32, nslots);
	views = huge_array(ActivityView, nviews);
	for (k = 0, nslots = 0; k < nviews; k++)
	{
		view_init_in(&views[k], flats[k], feat + nslots, feat_len + nslots);
		nslots += (Size) views[k].nfeatures + 1;
	}
	pfree(flats);

	for (k = 0; k < nviews; k++)
		nusers += views[k].nusers;
	uentry = huge_array(uint32, Max(nusers, 1));
	urank = merge_users(b, views, nviews, uentry);

	/* every feature name, then their canonical numbering, and field widths */
	for (k = 0; k < nviews; k++)
	{
		uint32	   *fmap = fmaps + (views[k].feat - feat);

		map_features(b, &views[k], k > 0 ? &views[k - 1] : NULL,
					 k > 0 ? fmaps + (views[k - 1].feat - feat) : NULL, fmap);
		min_day = Min(min_day, views[k].min_day);
		max_day = Max(max_day, views[k].max_day);
		ntriples += views[k].ntriples;
	}
	ranks = dict_canonicalize(&b->features);
	if (ranks)
	{
		Size		i;

		for (i = 0; i < nslots; i++)
			if (fmaps[i] > 0)
				fmaps[i] = ranks[fmaps[i] - 1] + 1;
		pfree(ranks);
	}

	/* the narrowest fields, so that the sort below has the fewest passes */
	b->fbits = Max(bitlen64(b->features.n), 1);
	b->dbits = Max(bitlen64((uint64) ((int64) max_day - min_day)), 1);
	b->ushift = b->fbits + b->dbits;
	b->day_base = min_day;
	check_users_fit(b, b->ushift, b->users.n);

	if (ntriples > b->capkeys)
	{
		if (ntriples > MaxAllocHugeSize / sizeof(uint64))
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("activity summary too large to build in memory")));
		pfree(b->keys);
		b->keys = huge_array(uint64, ntriples);
		b->capkeys = ntriples;
	}
	starts = huge_array(Size, (Size) nviews + 1);
	cursor_init(&cursor, &views[0]);
	for (k = 0, nusers = 0; k < nviews; k++)
	{
		const ActivityView *v = &views[k];

		CHECK_FOR_INTERRUPTS();
		starts[k] = b->nkeys;
		merge_keys(b, v, fmaps + (v->feat - feat), uentry + nusers, urank, &cursor);
		nusers += v->nusers;
	}
	starts[nviews] = b->nkeys;
	sort_key_runs(b, starts, nviews);

	pfree(cursor.days);
	pfree(uentry);
	if (urank)
		pfree(urank);
	pfree(starts);
	pfree(views);
	pfree(feat);
	pfree(feat_len);
	pfree(fmaps);
	if (own)
		pfree(own);
	pfree(b->pend);
	b->pend = NULL;
	b->pend_len = b->pend_cap = 0;
	b->npend = 0;
	MemoryContextSwitchTo(oldcxt);
}
