/*
 * reshape.c
 *		Reshaping a stored value: its features relabelled, merged or
 *		removed, or some users left out, written in the stored form (the
 *		SQL functions are in src/reshape.c).
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
 * or merges features; then they come as a few runs each in order (one per
 * input feature at most), and their union is taken by merging the runs,
 * which drops the duplicates (a user active on two features merged into
 * one, on one day) without a sort or an allocation per user.  So
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
 * It reads the input through ActivityView, ActivityCursor and IdReader
 * and writes the stored form itself (format.h).
 */
#include "postgres.h"

#include "miscadmin.h"
#include "utils/memutils.h"

#include "activity/format.h"
#include "activity/radix.h"
#include "activity/reshape.h"


int
cmp_names(const void *a, const void *b)
{
	const Label *x = (const Label *) a;
	const Label *y = (const Label *) b;

	return cmp_bytes(x->s, x->len, y->s, y->len);
}

/*
 * Sets r->fmap, names and nnames from the output name of each input
 * feature (out[f], f = 1 .. nfeatures; s NULL: dropped), sorting and
 * merging the names.  The absent feature (code 0) maps to itself unless
 * keep_none is false.
 */
void
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
struct varlena *
reshape(Reshape *r)
{
	const ActivityView *v = r->v;
	ActivityCursor c;
	IdReader	ids;
	Bytes		idb,
				body,
				head;
	Size		cap = 256;
	int			rcap = 16;
	uint64	   *buf = palloc(cap * sizeof(uint64)),
			   *tmp = palloc(cap * sizeof(uint64));
	Size	   *runs = palloc(rcap * sizeof(Size));
	Size		ends_cap = 256;
	Size	   *ends = palloc(ends_cap * sizeof(Size));
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
		int			nruns = 0;
		uint32		npairs = 0;
		uint64		prevcode = 0;

		idreader_next(&ids);
		if (r->drop && r->drop[c.user])
			continue;
		/*
		 * the user's kept triples as (output code << 32 | day - min_day), in
		 * ascending runs: runs[k] is where run k starts
		 */
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
				tmp = repalloc_huge(tmp, cap * sizeof(uint64));
			}
			h = (uint64) (uint32) code << 32;
			if (n == 0 || (h | (uint32) ((int64) c.days[0] - v->min_day)) <= buf[n - 1])
			{
				/* a new run: the first, or features reordered or merged */
				if (nruns + 1 >= rcap)
				{
					rcap *= 2;
					runs = repalloc(runs, rcap * sizeof(Size));
				}
				runs[nruns++] = n;
			}
			for (d = 0; d < c.ndays; d++)
				buf[n++] = h | (uint32) ((int64) c.days[d] - v->min_day);
		}
		if (n == 0)
			continue;
		if (nruns > 1)
		{
			uint64	   *out;

			runs[nruns] = n;
			out = union_runs(buf, tmp, runs, nruns, &n);
			if (out != buf)
			{
				tmp = buf;
				buf = out;
			}
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

		/*
		 * the user's pairs: runs of one code, days ascending; ends[k] is
		 * where pair k ends (found in one pass, as the count goes first)
		 */
		if (n > ends_cap)
		{
			while (ends_cap < n)
				ends_cap *= 2;
			ends = repalloc_huge(ends, ends_cap * sizeof(Size));
		}
		for (i = 1; i < n; i++)
			if ((buf[i] >> 32) != (buf[i - 1] >> 32))
				ends[npairs++] = i;
		ends[npairs++] = n;
		bytes_reserve(&body, 10 * (2 * (Size) npairs + n + 1));
		put_varint(&body, npairs);
		for (i = 0, k = 0; i < n; i = j, k++)
		{
			uint64		code = buf[i] >> 32;
			uint64		day;

			j = ends[k];
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
	pfree(tmp);
	pfree(runs);
	pfree(ends);
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

