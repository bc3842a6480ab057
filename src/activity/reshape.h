/*
 * reshape.h
 *		Reshaping stored values (reshape.c): the relabelled, filtered or
 *		erased summary, written in the stored form.  The SQL functions
 *		activity_map, activity_filter and activity_drop_users (src/reshape.c)
 *		describe the result with a Reshape and call reshape().
 */
#ifndef ADOPTION_ACTIVITY_RESHAPE_H
#define ADOPTION_ACTIVITY_RESHAPE_H

#include "activity/reader.h"

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

/* names, ascending in byte order (qsort comparator of Label) */
extern int	cmp_names(const void *a, const void *b);
/* the code of a feature name in a view, or 0 when absent */
static inline uint32
view_find(const ActivityView *v, const char *s, Size len)
{
	int32		code = activity_view_find(v, s, len);

	return code > 0 ? (uint32) code : 0;
}
/* r->fmap, r->names and r->nnames from the output name of each input feature */
extern void set_names(Reshape *r, const Label *out, bool keep_none);
/* the reshaped value, or NULL when no triple is left */
extern struct varlena *reshape(Reshape *r);

#endif							/* ADOPTION_ACTIVITY_RESHAPE_H */
