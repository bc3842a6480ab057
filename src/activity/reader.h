/*
 * reader.h
 *		Reading activity values: what every accessor reads through.
 *
 * An activity value is, logically, the exact set of (user, feature, day)
 * triples of one group (see "The activity type" in doc/reference.md).  An
 * accessor detoasts it (PG_GETARG_ACTIVITY), opens an ActivityView of its
 * header and feature names, and walks its users in id order, and each
 * user's (user, feature) pairs, with an ActivityCursor.  Only the files of
 * src/activity/ know how the bytes are laid out (format.h).
 */
#ifndef ADOPTION_ACTIVITY_READER_H
#define ADOPTION_ACTIVITY_READER_H

#include "postgres.h"
#include "fmgr.h"
#include "utils/date.h"

#include "compat.h"

/* an array in the current context, allowed past 1 GB */
#define huge_array(type, n) \
	((type *) MemoryContextAllocHuge(CurrentMemoryContext, (Size) (n) * sizeof(type)))

/* the type of a value's user ids */
typedef enum ActivityIdType
{
	ACT_ID_INT4 = 1,
	ACT_ID_INT8 = 2,
	ACT_ID_TEXT = 3,
	ACT_ID_UUID = 4
} ActivityIdType;

extern const char *activity_id_type_name(int id_type);

/*
 * The one error for a stored value that cannot be read (ERRCODE_DATA_CORRUPTED),
 * wherever it is detected.  Input of untrusted text or bytes is validated
 * in full instead, with the errors of invalid input (validate.c).
 */
extern act_noreturn void activity_corrupted(void) act_noreturn_after;

/* a stored value, with its header and feature names decoded */
typedef struct ActivityView
{
	uint8		id_type;
	uint32		nusers;
	uint32		nfeatures;
	uint64		ntriples;
	int32		min_day;
	int32		max_day;
	const uint8 *ids;			/* user-id section */
	const uint8 *body;			/* per-user section */
	const uint8 *end;
	const char **feat;			/* feat[r], r = 1 .. nfeatures */
	uint32	   *feat_len;
} ActivityView;

/* walks the users of a view in id order, and each user's pairs */
typedef struct ActivityCursor
{
	const ActivityView *v;
	const uint8 *p;
	uint32		user;			/* 0-based rank of the current user */
	uint32		pairs_left;		/* pairs of the current user not yet read */
	uint32		feature;		/* feature code of the last pair read */
	bool		feature_seen;	/* a pair of this user has been read */
	/* days of the last pair read, or of cursor_user_days() */
	int32	   *days;
	uint32		ndays;
	uint32		cap;
	int32	   *tmp;			/* merge scratch */
	uint32		tmpcap;
	uint64	   *bits;			/* union scratch: a bitmap of days, all zero */
	uint32		bitscap;		/* words */
} ActivityCursor;

/* feature filters for cursor_user_days() and activity_view_feature() */
#define FEATURE_ANY		(-1)	/* any activity, with or without a feature */
#define FEATURE_NONE	(-2)	/* a feature absent from the value */

extern void activity_view_init(ActivityView *v, const struct varlena *flat);
extern int32 activity_view_feature(const ActivityView *v, const text *name);
extern int32 activity_view_find(const ActivityView *v, const char *s, Size len);
extern void cursor_init(ActivityCursor *c, const ActivityView *v);
extern bool cursor_next_user(ActivityCursor *c);
extern bool cursor_next_pair(ActivityCursor *c);
extern uint32 cursor_user_days_in(ActivityCursor *c, int32 feature, int64 after, int32 max_day);

/* a pair seen by cursor_user_days_pairs: its feature code, its last day in range */
typedef struct PairLast
{
	uint32		feature;
	int32		last;
} PairLast;

extern uint32 cursor_user_days_pairs(ActivityCursor *c, int64 after, int32 max_day,
									 PairLast *pairs, uint32 *npairs);

/* the user's distinct days up to max_day (see cursor_user_days_in) */
static inline uint32
cursor_user_days(ActivityCursor *c, int32 feature, int32 max_day)
{
	return cursor_user_days_in(c, feature, PG_INT64_MIN, max_day);
}

/* reads the user ids of a view in order */
typedef struct IdReader
{
	const ActivityView *v;
	const uint8 *p;
	uint32		left;
	int64		ival;			/* int4 and int8 ids */
	const uint8 *bytes;			/* text and uuid ids */
	uint32		len;
} IdReader;

extern void idreader_init(IdReader *r, const ActivityView *v);
extern void idreader_next(IdReader *r);
extern text *idreader_text(const IdReader *r);

/* number of days of a sorted day list in (lo, hi] */
static inline uint32
days_upper_bound(const int32 *days, uint32 n, int64 x)
{
	uint32		lo = 0,
				hi = n;

	while (lo < hi)
	{
		uint32		mid = lo + (hi - lo) / 2;

		if (days[mid] <= x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static inline uint32
days_in_window(const int32 *days, uint32 n, int64 lo, int64 hi)
{
	if (n == 0 || days[n - 1] <= lo || days[0] > hi)
		return 0;
	return days_upper_bound(days, n, hi) - days_upper_bound(days, n, lo);
}

/* byte order, a proper prefix first: the order of text and uuid ids and of feature names */
static inline int
cmp_bytes(const char *a, Size alen, const char *b, Size blen)
{
	int			c = memcmp(a, b, Min(alen, blen));

	if (c != 0)
		return c;
	return (alen > blen) - (alen < blen);
}

/* the user-id type of a stored value (ActivityIdType) */
extern uint8 activity_value_id_type(const struct varlena *flat);

/* detoasted stored form of an activity datum (flattening a builder) */
extern struct varlena *activity_detoast(Datum d);

#define PG_GETARG_ACTIVITY(n)	activity_detoast(PG_GETARG_DATUM(n))

/*
 * the same for an accessor's argument: a TOAST value is fetched once per
 * query, however many accessors of the query read it (src/detoast.c)
 */
extern struct varlena *activity_detoast_arg(FunctionCallInfo fcinfo, int argno);

#endif							/* ADOPTION_ACTIVITY_READER_H */
