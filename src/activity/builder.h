/*
 * builder.h
 *		Building activity values: the aggregates' state.
 *
 * A builder is an expanded object (see utils/expandeddatum.h) that the
 * aggregates update in place, one row or one stored value at a time;
 * flattening it gives the stored form.  Accessors never see it: they read
 * stored values through reader.h.  What adding a row does is inline here,
 * as activity_agg runs it for every row.
 */
#ifndef ADOPTION_ACTIVITY_BUILDER_H
#define ADOPTION_ACTIVITY_BUILDER_H

#include "postgres.h"
#include "utils/expandeddatum.h"

#include "activity/keydict.h"
#include "activity/reader.h"

typedef struct ActivityBuilder
{
	ExpandedObjectHeader hdr;

	/*
	 * What every row reads comes first, to touch few cache lines: hash
	 * aggregation interleaves the rows of thousands of builders.
	 *
	 * Triples as packed keys: user << ushift | feature << dbits | day -
	 * day_base.  keys[0 .. nsorted) is sorted and free of duplicates; the
	 * rest is appended in arrival order until the next compaction.
	 */
	int32		magic;
	uint8		id_type;
	uint8		fbits;
	uint8		dbits;
	uint8		ushift;			/* fbits + dbits */
	uint64	   *keys;
	Size		nkeys;
	Size		nsorted;
	Size		capkeys;
	int64		day_base;
	/* cached stored form; NULL when the set changed since it was built */
	struct varlena *flat;
	/* stored values added but not merged yet (builder_add_flat) */
	char	   *pend;			/* copies, each at an int-aligned offset */
	Size		pend_len;
	Size		pend_cap;
	uint32		npend;

	KeyDict		users;
	KeyDict		features;		/* named features; code = entry + 1 */
	/* the stage holding rows for this builder, flushed before reading it */
	struct BuilderStage *stage;
} ActivityBuilder;

extern ActivityBuilder *builder_create(MemoryContext cxt, uint8 id_type, bool own_context);
extern ActivityBuilder *builder_from_rw_datum(Datum d);
extern void builder_add_flat(ActivityBuilder *b, const struct varlena *flat);
extern void builder_reserve_pending(ActivityBuilder *b, Size more);
extern void builder_merge(ActivityBuilder *b);
extern struct varlena *builder_flatten(ActivityBuilder *b);

/* the slow paths of the inline functions below */
extern void check_users_fit(ActivityBuilder *b, int ushift, uint64 nusers);
extern void builder_widen_features(ActivityBuilder *b, uint32 code);
extern void builder_widen_days(ActivityBuilder *b, int64 day);
extern void builder_add_slow(ActivityBuilder *b, uint64 key);

/* the entry of an integer user id, added when new */
static inline uint32
builder_user_int(ActivityBuilder *b, int64 id)
{
	uint32		n = b->users.n;
	uint32		e = dict_int(&b->users, id);

	if (b->users.n != n)
		check_users_fit(b, b->ushift, b->users.n);
	return e;
}

/* the entry of a text or uuid user id, added when new */
static inline uint32
builder_user_bytes(ActivityBuilder *b, const char *id, Size len)
{
	uint32		n = b->users.n;
	uint32		e = dict_bytes_key(&b->users, id, len);

	if (b->users.n != n)
		check_users_fit(b, b->ushift, b->users.n);
	return e;
}

/* the code of a feature name (entry + 1, as 0 is "no feature"), added when new */
static inline uint32
builder_feature(ActivityBuilder *b, const char *name, Size len)
{
	uint32		e = dict_bytes_key(&b->features, name, len);

	if (unlikely(((uint64) (e + 1) >> b->fbits) != 0))
		builder_widen_features(b, e + 1);
	return e + 1;
}

/*
 * Starts loading what adding a row for this integer user will read (the
 * user's hash slot, the end of the key buffer), so that the caller's other
 * work on the row overlaps those cache misses: hash aggregation interleaves
 * the rows of thousands of builders, and their memory is rarely in cache.
 */
static inline void
builder_prefetch_int(const ActivityBuilder *b, int64 id)
{
#ifdef __GNUC__
	if (b->users.last_entry && b->users.last_key == id)
		;
	else if (b->users.dense && (uint64) id - (uint64) b->users.dense_lo < b->users.dense_len)
		__builtin_prefetch(&b->users.dense[(uint64) id - (uint64) b->users.dense_lo]);
	else if (b->users.slots)
		__builtin_prefetch(&b->users.slots[hash_int64_key(id) & b->users.mask]);
	__builtin_prefetch(&b->keys[b->nkeys], 1);
#endif
}

/* the same for a feature name: its recent-keys slot */
static inline void
builder_prefetch_feature(ActivityBuilder *b, const char *name, Size len)
{
#ifdef __GNUC__
	__builtin_prefetch(recent_slot(&b->features, name, len));
#endif
}

/* adds one triple; feature code 0 is "no feature" */
static inline void
builder_add(ActivityBuilder *b, uint32 user, uint32 feature, int32 day)
{
	uint64		off = (uint64) ((int64) day - b->day_base);
	uint64		key;

	if (unlikely(off >> b->dbits) != 0)
	{
		builder_widen_days(b, day);
		off = (uint64) ((int64) day - b->day_base);
	}
	key = ((uint64) user << b->ushift) | ((uint64) feature << b->dbits) | off;
	/* the same triple twice in a row is the common duplicate: skip it */
	if (b->nkeys > 0 && b->keys[b->nkeys - 1] == key)
		return;
	if (unlikely(b->nkeys == b->capkeys) || unlikely(b->flat != NULL))
	{
		builder_add_slow(b, key);
		return;
	}
	if (b->nsorted == b->nkeys && (b->nkeys == 0 || key > b->keys[b->nkeys - 1]))
		b->nsorted++;
	b->keys[b->nkeys++] = key;
}

#endif							/* ADOPTION_ACTIVITY_BUILDER_H */
