/*
 * encode.c
 *		A builder's keys to the stored form (format.h), in canonical
 *		order: equal sets give byte-identical values.
 */
#include "postgres.h"

#include "miscadmin.h"
#include "utils/memutils.h"
#include "utils/uuid.h"

#include "activity/builder_private.h"
#include "activity/stage.h"

static void
encode_ids(ActivityBuilder *b, Writer *w)
{
	KeyDict    *ud = &b->users;
	uint32		e;

	for (e = 0; e < ud->n; e++)
	{
		Size		len;
		const char *k;

		switch (b->id_type)
		{
			case ACT_ID_INT4:
			case ACT_ID_INT8:
				if (e == 0)
					w_varint(w, zigzag(ud->ints[0]));
				else
					w_varint(w, (uint64) ud->ints[e] - (uint64) ud->ints[e - 1] - 1);
				break;
			case ACT_ID_TEXT:
				k = dict_bytes(ud, e, &len);
				w_varint(w, len);
				w_bytes(w, k, len);
				break;
			case ACT_ID_UUID:
				k = dict_bytes(ud, e, &len);
				w_bytes(w, k, UUID_LEN);
				break;
		}
	}
}

/*
 * Encodes the sorted, canonical keys; with w->out NULL it only counts the
 * bytes.  The dictionaries are in key order (see builder_flatten), and
 * ids_len is the size of the user-id section (encode_ids).
 */
static void
builder_encode(ActivityBuilder *b, Writer *w, int32 min_day, int32 max_day,
			   Size ids_len)
{
	uint64		dmask = (UINT64CONST(1) << b->dbits) - 1;
	uint64		fmask = (UINT64CONST(1) << b->fbits) - 1;
	KeyDict    *ud = &b->users;
	KeyDict    *fd = &b->features;
	Size		i,
				start;
	uint32		e,
				nusers = 0;

	w_byte(w, ACTIVITY_FORMAT_VERSION);
	w_byte(w, b->id_type);
	w_varint(w, ud->n);
	w_varint(w, fd->n);
	w_varint(w, b->nkeys);
	if (b->nkeys > 0)
	{
		w_varint(w, zigzag(min_day));
		w_varint(w, (uint64) ((int64) max_day - min_day));
	}
	w_varint(w, ids_len);

	start = w->len;
	encode_ids(b, w);
	if (w->len - start != ids_len)
		elog(ERROR, "activity encoding: user-id section changed size");

	for (e = 0; e < fd->n; e++)
	{
		Size		len;
		const char *k = dict_bytes(fd, e, &len);

		w_varint(w, len);
		w_bytes(w, k, len);
	}

	for (i = 0; i < b->nkeys;)
	{
		uint64		u = b->keys[i] >> b->ushift;
		Size		uend,
					k;
		uint32		npairs = 0;
		int64		prevf = -1;

		for (uend = i; uend < b->nkeys && (b->keys[uend] >> b->ushift) == u; uend++)
			if (uend == i || ((b->keys[uend] >> b->dbits) != (b->keys[uend - 1] >> b->dbits)))
				npairs++;
		if (u != nusers)
			elog(ERROR, "activity encoding: user %u has no triples", nusers);
		if ((nusers & 1023) == 0)
			CHECK_FOR_INTERRUPTS();
		nusers++;
		w_varint(w, npairs);
		for (k = i; k < uend;)
		{
			uint64		f = (b->keys[k] >> b->dbits) & fmask;
			Size		fend;
			int64		prevday;

			for (fend = k + 1; fend < uend && ((b->keys[fend] >> b->dbits) & fmask) == f; fend++)
				;
			w_varint(w, prevf < 0 ? f : f - (uint64) prevf - 1);
			prevf = (int64) f;
			w_varint(w, fend - k - 1);
			prevday = (int64) (b->keys[k] & dmask) + b->day_base;
			w_varint(w, (uint64) (prevday - min_day));
			for (k = k + 1; k < fend; k++)
			{
				int64		day = (int64) (b->keys[k] & dmask) + b->day_base;

				w_varint(w, (uint64) (day - prevday - 1));
				prevday = day;
			}
		}
		i = uend;
	}
	if (nusers != ud->n)
		elog(ERROR, "activity encoding: %u users have no triples", ud->n - nusers);
}

/* the keys of one (user, feature) pair, and the feature's new code */
typedef struct PairRun
{
	uint64		code;
	Size		start;
	Size		end;
} PairRun;

/*
 * Renumbers the sorted keys once the dictionaries are in canonical order
 * (urank, frank: old number to new; either may be NULL), keeping them
 * sorted.  A user's keys are contiguous, and so are a pair's, so rather
 * than sorting again this moves whole runs: users in their new order and,
 * within a user, pairs in their features' new order.
 */
static void
renumber_keys(ActivityBuilder *b, const uint32 *urank, const uint32 *frank)
{
	uint64		dmask = (UINT64CONST(1) << b->dbits) - 1;
	uint64		fmask = (UINT64CONST(1) << b->fbits) - 1;
	uint64		low = (UINT64CONST(1) << b->ushift) - 1;
	uint32		n = b->users.n;
	Size	   *start = huge_array(Size, (Size) n + 1);
	uint32	   *order = huge_array(uint32, Max(n, 1));
	uint64	   *out = huge_array(uint64, Max(b->nkeys, 1));
	PairRun    *runs = huge_array(PairRun, (Size) b->features.n + 1);
	Size		i,
				w = 0;
	uint32		u = 0,
				r;

	/* where each user's keys start (every user has some) */
	for (i = 0; i < b->nkeys; i++)
	{
		uint64		ku = b->keys[i] >> b->ushift;

		while (u <= ku && u < n)
			start[u++] = i;
	}
	while (u <= n)
		start[u++] = b->nkeys;
	for (u = 0; u < n; u++)
		order[urank ? urank[u] : u] = u;

	for (r = 0; r < n; r++)
	{
		uint64		newu = (uint64) r << b->ushift;
		Size		s = start[order[r]],
					e = start[order[r] + 1];
		int			nruns = 0,
					j,
					k;

		if ((r & 1023) == 0)
			CHECK_FOR_INTERRUPTS();
		if (!frank)
		{
			for (i = s; i < e; i++)
				out[w++] = newu | (b->keys[i] & low);
			continue;
		}
		/* the user's pairs, then in their features' new order */
		for (i = s; i < e; i = runs[nruns++].end)
		{
			uint64		f = (b->keys[i] >> b->dbits) & fmask;
			PairRun    *run = &runs[nruns];

			run->code = f > 0 ? (uint64) frank[f - 1] + 1 : 0;
			run->start = i;
			for (run->end = i + 1; run->end < e && ((b->keys[run->end] >> b->dbits) & fmask) == f; run->end++)
				;
		}
		for (j = 1; j < nruns; j++)
		{
			PairRun		x = runs[j];

			for (k = j; k > 0 && runs[k - 1].code > x.code; k--)
				runs[k] = runs[k - 1];
			runs[k] = x;
		}
		for (j = 0; j < nruns; j++)
			for (i = runs[j].start; i < runs[j].end; i++)
				out[w++] = newu | (runs[j].code << b->dbits) | (b->keys[i] & dmask);
	}
	Assert(w == b->nkeys);
	pfree(b->keys);
	b->keys = out;
	b->capkeys = Max(b->nkeys, 1);
	pfree(start);
	pfree(order);
	pfree(runs);
}

/* the error for a value larger than a PostgreSQL value may be */
void
too_large_value(Size len)
{
	ereport(ERROR,
			(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
			 errmsg("activity summary would take %zu bytes, more than the 1 GB a PostgreSQL value may hold",
					len),
			 errhint("Summarise smaller groups, e.g. per account and day, and roll them up.")));
}

/* the stored form of the builder's keys; cached until the set changes */
struct varlena *
builder_flatten_keys(ActivityBuilder *b)
{
	MemoryContext oldcxt;
	uint32	   *urank;
	uint32	   *frank;
	int32		min_day = 0,
				max_day = 0;
	Writer		w = {NULL, 0};
	Size		ids_len;

	if (b->flat)
		return b->flat;
	oldcxt = MemoryContextSwitchTo(b->hdr.eoh_context);

	builder_compact(b);
	urank = dict_canonicalize(&b->users);
	frank = dict_canonicalize(&b->features);
	if (urank || frank)
		renumber_keys(b, urank, frank);
	if (urank)
		pfree(urank);
	if (frank)
		pfree(frank);

	if (b->nkeys > 0)
	{
		uint64		dmask = (UINT64CONST(1) << b->dbits) - 1;
		uint64		lo = PG_UINT64_MAX,
					hi = 0;
		Size		i;

		for (i = 0; i < b->nkeys; i++)
		{
			uint64		off = b->keys[i] & dmask;

			lo = Min(lo, off);
			hi = Max(hi, off);
		}
		min_day = (int32) ((int64) lo + b->day_base);
		max_day = (int32) ((int64) hi + b->day_base);
	}

	/* size the user-id section, then the whole value, then write it */
	encode_ids(b, &w);
	ids_len = w.len;
	w.len = 0;
	builder_encode(b, &w, min_day, max_day, ids_len);
	if (w.len > MaxAllocSize - VARHDRSZ)
		too_large_value(w.len);
	b->flat = palloc(VARHDRSZ + w.len);
	SET_VARSIZE(b->flat, VARHDRSZ + w.len);
	w.out = (uint8 *) VARDATA(b->flat);
	w.len = 0;
	builder_encode(b, &w, min_day, max_day, ids_len);

	MemoryContextSwitchTo(oldcxt);
	return b->flat;
}

/*
 * the stored form, staged rows added and pending values merged; cached
 * until the set changes
 */
struct varlena *
builder_flatten(ActivityBuilder *b)
{
	if (b->stage)
		stage_flush(b->stage);
	if (b->flat)
		return b->flat;
	/* a few stored values and nothing else: walked side by side */
	if (union_pays(b))
		return builder_union_pending(b);
	builder_merge(b);
	return builder_flatten_keys(b);
}
