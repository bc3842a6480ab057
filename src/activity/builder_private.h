/*
 * builder_private.h
 *		What the files of the builder (builder.c, merge.c, encode.c,
 *		expanded.c) share and nothing else sees.
 *
 * Triples are packed keys: user << ushift | feature << dbits | day -
 * day_base, so that sorting the keys puts them in the order of the stored
 * form once the dictionaries are in key order.
 */
#ifndef ADOPTION_ACTIVITY_BUILDER_PRIVATE_H
#define ADOPTION_ACTIVITY_BUILDER_PRIVATE_H

#include "activity/builder.h"
#include "activity/format.h"
#include "activity/radix.h"

#define BUILDER_MAGIC	0x41435431	/* "ACT1" */
#define MIN_TAIL		64			/* smallest batch of unsorted keys */
#define MIN_PENDING		((Size) 64 << 20)	/* bytes, see builder_add_flat */

/* the expanded-object methods of a builder (expanded.c) */
extern const ExpandedObjectMethods activity_expanded_methods;

/* the bits a builder's packed keys use */
static inline int
key_bits(const ActivityBuilder *b)
{
	return b->ushift + bitlen64(b->users.n);
}

/*
 * Drops the cached stored form when the set changes.  It may be the
 * builder's one pending value itself (see builder_union_pending), which
 * stays.
 */
static inline void
builder_forget_flat(ActivityBuilder *b)
{
	if (b->flat && (char *) b->flat != b->pend)
		pfree(b->flat);
	b->flat = NULL;
}

/* builder.c */
extern void builder_compact(ActivityBuilder *b);
extern void builder_clear(ActivityBuilder *b);

/* encode.c: the stored form of the builder's keys, pending values aside */
extern struct varlena *builder_flatten_keys(ActivityBuilder *b);
extern act_noreturn void too_large_value(Size len) act_noreturn_after;

/*
 * union.c: the union of a few stored values, walked side by side; used
 * when a builder holds only pending values, at most UNION_MAX of them,
 * and the walk pays (union_pays)
 */
#define UNION_MAX	64
extern struct varlena *union_values(const struct varlena **flats, int n);
extern bool union_pays(const ActivityBuilder *b);
extern struct varlena *builder_union_pending(ActivityBuilder *b);

#endif							/* ADOPTION_ACTIVITY_BUILDER_PRIVATE_H */
