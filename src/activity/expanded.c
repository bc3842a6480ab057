/*
 * expanded.c
 *		The builder as PostgreSQL's expanded object: what lets the
 *		aggregates update their state in place, and flattens it into the
 *		stored form wherever a value is needed.
 */
#include "postgres.h"

#include "activity/builder_private.h"

static Size act_get_flat_size(ExpandedObjectHeader *eohptr);
static void act_flatten_into(ExpandedObjectHeader *eohptr,
							 void *result, Size allocated_size);

const ExpandedObjectMethods activity_expanded_methods = {
	act_get_flat_size,
	act_flatten_into
};

/* the builder behind a read-write expanded datum of ours, else NULL */
ActivityBuilder *
builder_from_rw_datum(Datum d)
{
	ActivityBuilder *b;

	if (!VARATT_IS_EXTERNAL_EXPANDED_RW(DatumGetPointer(d)))
		return NULL;
	b = (ActivityBuilder *) DatumGetEOHP(d);
	return b->magic == BUILDER_MAGIC ? b : NULL;
}

static Size
act_get_flat_size(ExpandedObjectHeader *eohptr)
{
	ActivityBuilder *b = (ActivityBuilder *) eohptr;

	return VARSIZE(builder_flatten(b));
}

static void
act_flatten_into(ExpandedObjectHeader *eohptr, void *result, Size allocated_size)
{
	ActivityBuilder *b = (ActivityBuilder *) eohptr;
	struct varlena *flat = builder_flatten(b);

	Assert(allocated_size == VARSIZE(flat));
	memcpy(result, flat, allocated_size);
}

struct varlena *
activity_detoast(Datum d)
{
	if (VARATT_IS_EXTERNAL_EXPANDED(DatumGetPointer(d)))
	{
		ActivityBuilder *b = (ActivityBuilder *) DatumGetEOHP(d);

		if (b->magic != BUILDER_MAGIC)
			elog(ERROR, "expanded object is not an activity builder");
		return builder_flatten(b);
	}
	return PG_DETOAST_DATUM_PACKED(d);
}
