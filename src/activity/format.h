/*
 * format.h
 *		The stored form of activity: its layout, its version and its varints.
 *
 * The files of src/activity/ are the only code that includes this header:
 * they are the only places that know the byte layout.  Everything else
 * reads a value through reader.h and builds one through builder.h.
 *
 * An activity value is, logically, the exact set of (user, feature, day)
 * triples of one group.  Its stored form is a varlena whose bytes are
 * canonical: equal sets give byte-identical values (see "The activity
 * type" in doc/reference.md).
 *
 * Format version 1 (all integers are unsigned LEB128 varints unless said
 * otherwise; "zz" is a zigzag-coded signed varint):
 *
 *	uint8	version (1)
 *	uint8	user-id type (ActivityIdType)
 *	nusers, nfeatures, ntriples
 *	zz min_day, max_day - min_day			(only when ntriples > 0)
 *	length in bytes of the user-id section
 *	user ids, ascending:
 *		int4/int8: zz first, then (delta - 1) for each following id
 *		text:      length, bytes
 *		uuid:      16 bytes
 *	feature names, ascending in byte order: length, bytes
 *	for each user, in id order:
 *		npairs
 *		for each (user, feature) pair, features ascending, the absent
 *		feature (code 0) first and named features as rank 1..nfeatures:
 *			feature code (first pair) or (code - previous code - 1)
 *			ndays - 1
 *			first day - min_day
 *			(day - previous day - 1) for each following day
 *
 * Days are PostgreSQL DateADT values (days since 2000-01-01).  A later
 * format gets a new version number; readers of this release accept
 * version 1 only, and io.c and validate.c reject any other with a clear
 * error, so that no value is ever misread.
 */
#ifndef ADOPTION_ACTIVITY_FORMAT_H
#define ADOPTION_ACTIVITY_FORMAT_H

#include "activity/reader.h"

#define ACTIVITY_FORMAT_VERSION 1

/* the header: version byte, user-id type byte */
#define ACTIVITY_HEADER_BYTES	2

#define ACT_ID_TYPE_VALID(t) ((t) >= ACT_ID_INT4 && (t) <= ACT_ID_UUID)

/* distinct users, and distinct features, a value may hold */
#define MAX_DICT		((uint32) 0x7FFFFFFF)

/* a writer that only counts when out is NULL, so one loop sizes and writes */
typedef struct Writer
{
	uint8	   *out;
	Size		len;
} Writer;

static inline void
w_byte(Writer *w, uint8 b)
{
	if (w->out)
		w->out[w->len] = b;
	w->len++;
}

static inline void
w_varint(Writer *w, uint64 v)
{
	while (v >= 0x80)
	{
		w_byte(w, (uint8) (v | 0x80));
		v >>= 7;
	}
	w_byte(w, (uint8) v);
}

static inline void
w_bytes(Writer *w, const void *src, Size n)
{
	if (w->out)
		memcpy(w->out + w->len, src, n);
	w->len += n;
}

/*
 * A growing output buffer, for code that writes a stored form in one pass
 * from values it reads (reshape.c, union.c) and cannot size it first.
 */
typedef struct Bytes
{
	uint8	   *data;
	Size		len;
	Size		cap;
} Bytes;

static inline void
bytes_init(Bytes *b, Size cap)
{
	b->cap = Max(cap, 64);
	b->data = MemoryContextAllocHuge(CurrentMemoryContext, b->cap);
	b->len = 0;
}

/* room for n more bytes */
static inline void
bytes_reserve(Bytes *b, Size n)
{
	if (unlikely(b->len + n > b->cap))
	{
		Size		cap = Max(b->cap * 2, b->len + n);

		if (cap > MaxAllocHugeSize)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("activity summary too large to build in memory")));
		b->data = repalloc_huge(b->data, cap);
		b->cap = cap;
	}
}

/* a varint; the room for it (10 bytes) reserved */
static inline void
put_varint(Bytes *b, uint64 v)
{
	while (v >= 0x80)
	{
		b->data[b->len++] = (uint8) (v | 0x80);
		v >>= 7;
	}
	b->data[b->len++] = (uint8) v;
}

static inline void
put_bytes(Bytes *b, const void *src, Size n)
{
	bytes_reserve(b, n);
	memcpy(b->data + b->len, src, n);
	b->len += n;
}

static inline uint64
zigzag(int64 v)
{
	return ((uint64) v << 1) ^ (uint64) (v >> 63);
}

static inline int64
unzigzag(uint64 v)
{
	return (int64) (v >> 1) ^ -(int64) (v & 1);
}

/* reads a varint of a stored value (already validated: bounds checks only) */
static inline uint64
r_varint(const uint8 **pp, const uint8 *end)
{
	const uint8 *p = *pp;
	uint64		v = 0;
	int			shift = 0;

	if (likely(p < end && *p < 0x80))
	{
		*pp = p + 1;
		return *p;
	}
	for (;;)
	{
		uint8		b;

		if (p >= end || shift > 63)
			activity_corrupted();
		b = *p++;
		v |= (uint64) (b & 0x7F) << shift;
		if (!(b & 0x80))
			break;
		shift += 7;
	}
	*pp = p;
	return v;
}

/* reader.c: a view whose feature arrays the caller provides (see merge.c) */
extern void view_init_in(ActivityView *v, const struct varlena *flat,
						 const char **feat, uint32 *feat_len);
/* reader.c: points a cursor at the start of another view, keeping its buffers */
extern void cursor_rebind(ActivityCursor *c, const ActivityView *v);

/* validate.c: full validation of untrusted bytes; ereports with the given errcode */
extern void activity_validate(const uint8 *data, Size len, int code);

#endif							/* ADOPTION_ACTIVITY_FORMAT_H */
