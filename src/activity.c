/*
 * activity.c
 *		The activity representation: the builder (an expanded object), the
 *		stored format, and the readers over it.  The only file, with
 *		activity_io.c, that knows the byte layout (described in activity.h).
 */
#include "postgres.h"

#include "common/hashfn.h"
#include "datatype/timestamp.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "port/pg_bitutils.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/uuid.h"

#include "activity.h"

#define BUILDER_MAGIC	0x41435431	/* "ACT1" */
#define MIN_TAIL		64			/* smallest batch of unsorted keys */
#define MAX_DICT		((uint32) 0x7FFFFFFF)
#define MIN_PENDING		((Size) 64 << 20)	/* bytes, see builder_add_flat */


const char *
activity_id_type_name(int id_type)
{
	switch (id_type)
	{
		case ACT_ID_INT4:
			return "integer";
		case ACT_ID_INT8:
			return "bigint";
		case ACT_ID_TEXT:
			return "text";
		case ACT_ID_UUID:
			return "uuid";
	}
	return "unknown";
}

static inline int
bitlen64(uint64 v)
{
	int			n = 0;

	while (v)
	{
		n++;
		v >>= 1;
	}
	return n;
}

/* ----------------------------------------------------------------
 * Varints
 * ----------------------------------------------------------------
 */

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

static void
corrupted(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATA_CORRUPTED),
			 errmsg("activity value is corrupted")));
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
			corrupted();
		b = *p++;
		v |= (uint64) (b & 0x7F) << shift;
		if (!(b & 0x80))
			break;
		shift += 7;
	}
	*pp = p;
	return v;
}

/* ----------------------------------------------------------------
 * KeyDict: distinct user ids or feature names, numbered in arrival order
 * ----------------------------------------------------------------
 */

static void
dict_init(KeyDict *d, bool bytes, MemoryContext cxt)
{
	memset(d, 0, sizeof(KeyDict));
	d->bytes = bytes;
	d->cxt = cxt;
}

static inline const char *
dict_bytes(const KeyDict *d, uint32 e, Size *len)
{
	*len = d->offs[e + 1] - d->offs[e];
	return d->arena + d->offs[e];
}

static void
dict_rehash(KeyDict *d, uint32 nslots)
{
	DictSlot   *old = d->slots;
	uint32		oldn = old ? d->mask + 1 : 0;
	uint32		i;

	d->slots = MemoryContextAllocZero(d->cxt, (Size) nslots * sizeof(DictSlot));
	d->mask = nslots - 1;
	for (i = 0; i < oldn; i++)
	{
		uint32		s;

		if (old[i].entry == 0)
			continue;
		for (s = old[i].hash & d->mask; d->slots[s].entry; s = (s + 1) & d->mask)
			;
		d->slots[s] = old[i];
	}
	if (old)
		pfree(old);
}

/* makes room for one more entry of extra_bytes */
static void
dict_reserve(KeyDict *d, Size extra_bytes)
{
	if (d->n >= MAX_DICT)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("an activity summary holds at most %u distinct users or features", MAX_DICT)));
	if (d->n + 1 >= d->cap)
	{
		uint32		cap = d->cap ? Min((uint64) d->cap * 2, MAX_DICT + 1) : 16;

		if (d->bytes)
		{
			if (d->offs == NULL)
			{
				d->offs = MemoryContextAlloc(d->cxt, (cap + 1) * sizeof(Size));
				d->offs[0] = 0;
			}
			else
				d->offs = repalloc_huge(d->offs, (cap + 1) * sizeof(Size));
		}
		else if (d->ints == NULL)
			d->ints = MemoryContextAlloc(d->cxt, cap * sizeof(int64));
		else
			d->ints = repalloc_huge(d->ints, cap * sizeof(int64));
		d->cap = cap;
	}
	if (d->dense == NULL && (Size) (d->n + 1) * 2 > (Size) d->mask + 1)
		dict_rehash(d, d->slots ? (d->mask + 1) * 2 : 32);
	/* an arena even for an empty first key: no pointer arithmetic on NULL */
	if (d->bytes && (d->arena == NULL || d->offs[d->n] + extra_bytes > d->arena_cap))
	{
		Size		cap = Max(d->arena_cap * 2, d->offs[d->n] + extra_bytes);

		cap = Max(cap, 256);
		if (d->arena == NULL)
			d->arena = MemoryContextAllocHuge(d->cxt, cap);
		else
			d->arena = repalloc_huge(d->arena, cap);
		d->arena_cap = cap;
	}
}

/* adds a slot for entry e, known to be absent */
static void
dict_insert_slot(KeyDict *d, int64 key, uint32 h, uint32 e)
{
	uint32		s;

	for (s = h & d->mask; d->slots[s].entry; s = (s + 1) & d->mask)
		;
	d->slots[s].key = key;
	d->slots[s].hash = h;
	d->slots[s].entry = e + 1;
}

/*
 * Integer ids are often serial, so that the ids of a summary fill most of
 * a range.  While they do, a direct map from id to entry replaces the hash
 * slots: no hashing, and 4 bytes per id of the range rather than 32 per
 * entry, so that a lookup more often hits the cache.  A dictionary of at
 * least DENSE_MIN_ENTRIES entries takes the map when its range, rounded up
 * to a power of two, holds at most DENSE_IDS_PER_ENTRY ids per entry (no
 * more memory than the slots at their sparsest), and goes back to hashing
 * when a new id would break that.
 */
#define DENSE_MIN_ENTRIES	64
#define DENSE_IDS_PER_ENTRY 16

/* the direct map's length for ids lo .. hi, or 0 when too sparse */
static uint64
dense_len_for(const KeyDict *d, int64 lo, int64 hi)
{
	uint64		span = (uint64) hi - (uint64) lo + 1;
	uint64		limit = (uint64) Max(d->n, DENSE_MIN_ENTRIES) * DENSE_IDS_PER_ENTRY;
	uint64		len = 1;

	while (len < span && len <= limit)
		len *= 2;
	return (span == 0 || len < span || len > limit || len > MAX_DICT) ? 0 : len;
}

/* maps ids lo .. lo + len - 1 directly, from the entries */
static void
dict_dense_build(KeyDict *d, int64 lo, uint64 len)
{
	uint32		i;

	if (d->dense)
		pfree(d->dense);
	if (d->slots)
		pfree(d->slots);
	d->slots = NULL;
	d->mask = 0;
	d->dense = MemoryContextAllocZero(d->cxt, len * sizeof(uint32));
	d->dense_lo = lo;
	d->dense_len = (uint32) len;
	for (i = 0; i < d->n; i++)
	{
		uint64		off = (uint64) d->ints[i] - (uint64) lo;

		if (off >= len)
			elog(ERROR, "activity builder: user id outside its direct map");
		d->dense[off] = i + 1;
	}
}

/* hash slots for the entries, instead of the direct map */
static void
dict_dense_drop(KeyDict *d)
{
	uint32		nslots = 32;
	uint32		i;

	pfree(d->dense);
	d->dense = NULL;
	while ((Size) (d->n + 1) * 2 > nslots)
		nslots *= 2;
	dict_rehash(d, nslots);
	for (i = 0; i < d->n; i++)
		dict_insert_slot(d, d->ints[i], hash_int64_key(d->ints[i]), i);
}

/* takes the direct map when the entries are dense enough */
static void
dict_dense_try(KeyDict *d)
{
	int64		lo = PG_INT64_MAX,
				hi = PG_INT64_MIN;
	uint64		len;
	uint32		i;

	for (i = 0; i < d->n; i++)
	{
		lo = Min(lo, d->ints[i]);
		hi = Max(hi, d->ints[i]);
	}
	len = dense_len_for(d, lo, hi);
	if (len > 0)
		dict_dense_build(d, lo, len);
}

/*
 * Widens the direct map to cover key, with room on the side it grew (ids
 * below the range are likely to go on coming); or, when that would be too
 * sparse, hashes instead.  Returns whether the map covers key.
 */
static bool
dict_dense_cover(KeyDict *d, int64 key)
{
	uint64		room = (uint64) PG_INT64_MAX - (uint64) d->dense_lo;
	int64		lo = Min(d->dense_lo, key);
	int64		hi = Max((int64) ((uint64) d->dense_lo + Min((uint64) d->dense_len - 1, room)), key);
	uint64		len = dense_len_for(d, lo, hi);

	if (len == 0)
	{
		dict_dense_drop(d);
		return false;
	}
	if (key < d->dense_lo && (uint64) hi - (uint64) PG_INT64_MIN >= len - 1)
		lo = (int64) ((uint64) hi - (len - 1));
	dict_dense_build(d, lo, len);
	return true;
}

static uint32
dict_int(KeyDict *d, int64 key)
{
	uint32		h,
				s,
				e;

	if (d->last_entry && d->last_key == key)
		return d->last_entry - 1;
	if (d->dense &&
		((uint64) key - (uint64) d->dense_lo < d->dense_len || dict_dense_cover(d, key)))
	{
		uint32	   *slot = &d->dense[(uint64) key - (uint64) d->dense_lo];

		if (*slot == 0)
		{
			dict_reserve(d, 0);
			d->ints[d->n++] = key;
			*slot = d->n;
		}
		d->last_key = key;
		d->last_entry = *slot;
		return *slot - 1;
	}
	h = hash_int64_key(key);
	if (d->slots)
	{
		for (s = h & d->mask; d->slots[s].entry; s = (s + 1) & d->mask)
		{
			if (d->slots[s].key == key)
			{
				d->last_key = key;
				d->last_entry = d->slots[s].entry;
				return d->last_entry - 1;
			}
		}
	}
	dict_reserve(d, 0);
	e = d->n++;
	d->ints[e] = key;
	dict_insert_slot(d, key, h, e);
	d->last_key = key;
	d->last_entry = e + 1;
	/* at each doubling from DENSE_MIN_ENTRIES on: dense enough for a map? */
	if (d->n >= DENSE_MIN_ENTRIES && (d->n & (d->n - 1)) == 0)
		dict_dense_try(d);
	return e;
}

static inline void
recent_set(RecentKey *r, const char *key, Size len, uint32 e)
{
	if (len > RECENT_BYTES)
		return;
	r->entry = e + 1;
	r->len = (uint32) len;
	memcpy(r->bytes, key, len);
}

static uint32
dict_bytes_key(KeyDict *d, const char *key, Size len)
{
	uint32		h,
				s,
				e;
	Size		elen;
	const char *ekey;
	RecentKey  *r = recent_slot(d, key, len);

	if (r->entry && r->len == len && memcmp(r->bytes, key, len) == 0)
		return r->entry - 1;
	h = hash_bytes((const unsigned char *) key, (int) len);
	if (d->slots)
	{
		for (s = h & d->mask; d->slots[s].entry; s = (s + 1) & d->mask)
		{
			if (d->slots[s].hash != h)
				continue;
			e = d->slots[s].entry - 1;
			ekey = dict_bytes(d, e, &elen);
			if (elen == len && memcmp(ekey, key, len) == 0)
			{
				recent_set(r, key, len, e);
				return e;
			}
		}
	}
	dict_reserve(d, len);
	e = d->n++;
	memcpy(d->arena + d->offs[e], key, len);
	d->offs[e + 1] = d->offs[e] + len;
	dict_insert_slot(d, 0, h, e);
	recent_set(r, key, len, e);
	return e;
}

/* byte order, a proper prefix first: the order of text and uuid ids */
static int
cmp_bytes(const char *a, Size alen, const char *b, Size blen)
{
	int			c = memcmp(a, b, Min(alen, blen));

	if (c != 0)
		return c;
	return (alen > blen) - (alen < blen);
}

static int
cmp_dict_entries(const void *a, const void *b, void *arg)
{
	const KeyDict *d = (const KeyDict *) arg;
	uint32		ea = *(const uint32 *) a;
	uint32		eb = *(const uint32 *) b;

	if (d->bytes)
	{
		Size		la,
					lb;
		const char *ka = dict_bytes(d, ea, &la);
		const char *kb = dict_bytes(d, eb, &lb);

		return cmp_bytes(ka, la, kb, lb);
	}
	return (d->ints[ea] > d->ints[eb]) - (d->ints[ea] < d->ints[eb]);
}

/*
 * The entries of an integer dictionary in id order, into order, by radix
 * on (id - smallest, entry): a comparison sort of millions of ids costs
 * several times more.  Returns false, leaving the order to the caller,
 * when the ids span 2^32 or more.
 */
static bool
dict_int_order(const KeyDict *d, uint32 *order)
{
	int64		lo = PG_INT64_MAX,
				hi = PG_INT64_MIN;
	uint64	   *keys;
	uint32		i;

	if (d->bytes)
		return false;
	for (i = 0; i < d->n; i++)
	{
		lo = Min(lo, d->ints[i]);
		hi = Max(hi, d->ints[i]);
	}
	if (((uint64) hi - (uint64) lo) >> 32 != 0)
		return false;
	keys = huge_array(uint64, d->n);
	for (i = 0; i < d->n; i++)
		keys[i] = (((uint64) d->ints[i] - (uint64) lo) << 32) | i;
	sort_keys(keys, d->n);
	for (i = 0; i < d->n; i++)
		order[i] = (uint32) keys[i];
	pfree(keys);
	return true;
}

/*
 * Renumbers the entries in key order (the canonical order of the stored
 * form).  Returns the map from old to new numbers, or NULL when the
 * entries were already in order.
 */
static uint32 *
dict_canonicalize(KeyDict *d)
{
	uint32	   *order;
	uint32	   *rank;
	uint32		i;
	bool		sorted = true;

	for (i = 1; i < d->n && sorted; i++)
	{
		uint32		prev = i - 1;

		sorted = cmp_dict_entries(&prev, &i, d) < 0;
	}
	if (sorted)
		return NULL;

	order = MemoryContextAllocHuge(d->cxt, (Size) d->n * sizeof(uint32));
	if (!dict_int_order(d, order))
	{
		for (i = 0; i < d->n; i++)
			order[i] = i;
		qsort_arg(order, d->n, sizeof(uint32), cmp_dict_entries, d);
	}

	rank = MemoryContextAllocHuge(d->cxt, (Size) d->n * sizeof(uint32));
	for (i = 0; i < d->n; i++)
		rank[order[i]] = i;

	/* permute the entries, and renumber them in the hash slots */
	if (d->bytes)
	{
		char	   *arena = MemoryContextAllocHuge(d->cxt, d->arena_cap);
		Size	   *offs = MemoryContextAllocHuge(d->cxt, (Size) (d->cap + 1) * sizeof(Size));

		offs[0] = 0;
		for (i = 0; i < d->n; i++)
		{
			Size		len;
			const char *k = dict_bytes(d, order[i], &len);

			memcpy(arena + offs[i], k, len);
			offs[i + 1] = offs[i] + len;
		}
		pfree(d->arena);
		pfree(d->offs);
		d->arena = arena;
		d->offs = offs;
	}
	else
	{
		int64	   *ints = MemoryContextAllocHuge(d->cxt, (Size) d->cap * sizeof(int64));

		for (i = 0; i < d->n; i++)
			ints[i] = d->ints[order[i]];
		pfree(d->ints);
		d->ints = ints;
	}
	pfree(order);
	for (i = 0; d->slots && i <= d->mask; i++)
		if (d->slots[i].entry)
			d->slots[i].entry = rank[d->slots[i].entry - 1] + 1;
	for (i = 0; d->dense && i < d->dense_len; i++)
		if (d->dense[i])
			d->dense[i] = rank[d->dense[i] - 1] + 1;
	d->last_entry = 0;
	memset(d->recent, 0, sizeof(d->recent));
	return rank;
}

/* ----------------------------------------------------------------
 * Sorting packed keys
 * ----------------------------------------------------------------
 */

/*
 * LSD radix sort of n keys below 2^bits, skipping the digits in which all
 * keys agree.  Callers know how many bits their keys use: packed triples
 * use few, so only a few passes run.  Large inputs take 11-bit digits,
 * which saves a pass in three at the price of larger counts.  Returns
 * whichever of a and tmp holds the result.
 */
static uint64 *
radix_sort(uint64 *a, uint64 *tmp, Size n, int bits)
{
	int			digit = n < 65536 ? 8 : 11;
	Size		mask = ((Size) 1 << digit) - 1;
	int			npasses;
	Size	   *count;
	uint64	   *src = a,
			   *dst = tmp;
	Size		i;
	int			pass;

	if (n < 48)
	{
		for (i = 1; i < n; i++)
		{
			uint64		k = a[i];
			Size		j = i;

			while (j > 0 && a[j - 1] > k)
			{
				a[j] = a[j - 1];
				j--;
			}
			a[j] = k;
		}
		return a;
	}

	bits = Min(Max(bits, 1), 64);
	npasses = (bits + digit - 1) / digit;
	count = palloc0(npasses * (mask + 1) * sizeof(Size));
	for (i = 0; i < n; i++)
	{
		uint64		k = a[i];

		for (pass = 0; pass < npasses; pass++)
			count[pass * (mask + 1) + ((k >> (pass * digit)) & mask)]++;
	}

	for (pass = 0; pass < npasses; pass++)
	{
		Size	   *c = count + pass * (mask + 1);
		Size		sum = 0;
		int			shift = pass * digit;
		uint64	   *swap;
		Size		v;

		if (c[(src[0] >> shift) & mask] == n)
			continue;			/* every key has this digit */
		CHECK_FOR_INTERRUPTS();
		for (v = 0; v <= mask; v++)
		{
			Size		t = c[v];

			c[v] = sum;
			sum += t;
		}
		for (i = 0; i < n; i++)
			dst[c[(src[i] >> shift) & mask]++] = src[i];
		swap = src;
		src = dst;
		dst = swap;
	}
	pfree(count);
	return src;
}

/* sorts n keys in place, by radix over the bits they use */
void
sort_keys(uint64 *keys, Size n)
{
	uint64		used = 0;
	uint64	   *tmp;
	uint64	   *out;
	Size		i;

	if (n < 2)
		return;
	for (i = 0; i < n; i++)
		used |= keys[i];
	tmp = huge_array(uint64, n);
	out = radix_sort(keys, tmp, n, bitlen64(used));
	if (out != keys)
		memcpy(keys, out, n * sizeof(uint64));
	pfree(tmp);
}

/* the bits a builder's packed keys use */
static int
key_bits(const ActivityBuilder *b)
{
	return b->ushift + bitlen64(b->users.n);
}

static Size
dedupe_sorted(uint64 *a, Size n)
{
	Size		i,
				w;

	if (n == 0)
		return 0;
	for (i = 1, w = 1; i < n; i++)
		if (a[i] != a[w - 1])
			a[w++] = a[i];
	return w;
}

/* ----------------------------------------------------------------
 * The builder
 * ----------------------------------------------------------------
 */

static struct varlena *builder_flatten_keys(ActivityBuilder *b);
static void view_init_in(ActivityView *v, const struct varlena *flat,
						 const char **feat, uint32 *feat_len);
static void cursor_rebind(ActivityCursor *c, const ActivityView *v);
static Size act_get_flat_size(ExpandedObjectHeader *eohptr);
static void act_flatten_into(ExpandedObjectHeader *eohptr,
							 void *result, Size allocated_size);

static const ExpandedObjectMethods act_methods = {
	act_get_flat_size,
	act_flatten_into
};

/*
 * A new, empty builder.  With own_context it lives in a new child context of
 * cxt, deleted with the object (DeleteExpandedObject); without, directly in
 * cxt, which the caller shares between builders and frees as a whole (see
 * aggregates.c: one context per aggregate context, not one per group).
 */
ActivityBuilder *
builder_create(MemoryContext cxt, uint8 id_type, bool own_context)
{
	ActivityBuilder *b;

	if (own_context)
		cxt = AllocSetContextCreate(cxt, "activity builder", ALLOCSET_SMALL_SIZES);
	b = MemoryContextAllocZero(cxt, sizeof(ActivityBuilder));
	EOH_init_header(&b->hdr, &act_methods, cxt);
	b->magic = BUILDER_MAGIC;
	b->id_type = id_type;
	dict_init(&b->users, id_type == ACT_ID_TEXT || id_type == ACT_ID_UUID, cxt);
	dict_init(&b->features, true, cxt);
	b->capkeys = MIN_TAIL;
	b->keys = MemoryContextAlloc(cxt, b->capkeys * sizeof(uint64));
	b->fbits = 8;
	b->dbits = 16;
	b->ushift = b->fbits + b->dbits;
	b->day_base = -(INT64CONST(1) << 15);	/* 1910 to 2089 before any widening */
	return b;
}

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

static void
check_users_fit(ActivityBuilder *b, int ushift, uint64 nusers)
{
	if (ushift > 64 || (ushift > 0 && ushift < 64 && (nusers >> (64 - ushift)) != 0) ||
		(ushift == 64 && nusers > 1))
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("activity summary too large: %llu users, %u features and a span of 2^%d days do not fit",
						(unsigned long long) nusers, b->features.n, b->dbits)));
}

uint32
builder_user_int(ActivityBuilder *b, int64 id)
{
	uint32		n = b->users.n;
	uint32		e = dict_int(&b->users, id);

	if (b->users.n != n)
		check_users_fit(b, b->ushift, b->users.n);
	return e;
}

uint32
builder_user_bytes(ActivityBuilder *b, const char *id, Size len)
{
	uint32		n = b->users.n;
	uint32		e = dict_bytes_key(&b->users, id, len);

	if (b->users.n != n)
		check_users_fit(b, b->ushift, b->users.n);
	return e;
}

/*
 * Re-packs every key with new field widths.  The packing is monotone in
 * each field, so the sorted prefix stays sorted.
 */
static void
builder_repack(ActivityBuilder *b, int fbits, int dbits, int64 day_base)
{
	uint64		dmask = (UINT64CONST(1) << b->dbits) - 1;
	uint64		fmask = (UINT64CONST(1) << b->fbits) - 1;
	Size		i;

	check_users_fit(b, fbits + dbits, b->users.n);
	for (i = 0; i < b->nkeys; i++)
	{
		uint64		k = b->keys[i];
		uint64		u = k >> b->ushift;
		uint64		f = (k >> b->dbits) & fmask;
		int64		day = (int64) (k & dmask) + b->day_base;

		b->keys[i] = (u << (fbits + dbits)) | (f << dbits) | (uint64) (day - day_base);
	}
	b->fbits = fbits;
	b->dbits = dbits;
	b->ushift = fbits + dbits;
	b->day_base = day_base;
}

/* makes the day field wide enough for day; a no-op when it already is */
void
builder_widen_days(ActivityBuilder *b, int64 day)
{
	int64		lo;
	int64		hi;
	uint64		span;
	int			dbits;

	if ((((uint64) (day - b->day_base)) >> b->dbits) == 0)
		return;
	lo = Min(b->day_base, day);
	hi = Max(b->day_base + (INT64CONST(1) << b->dbits) - 1, day);
	span = (uint64) (hi - lo + 1);
	dbits = bitlen64(span) + 1;

	builder_repack(b, b->fbits, dbits,
				   lo - (int64) (((UINT64CONST(1) << dbits) - span) / 2));
}

uint32
builder_feature(ActivityBuilder *b, const char *name, Size len)
{
	uint32		e = dict_bytes_key(&b->features, name, len);

	/* codes are entry + 1, as 0 is "no feature" */
	if (unlikely(((uint64) (e + 1) >> b->fbits) != 0))
		builder_repack(b, bitlen64(e + 1) + 2, b->dbits, b->day_base);
	return e + 1;
}

/*
 * Sorts the unsorted tail and merges it into the sorted prefix, dropping
 * duplicates.  Memory: the tail is at most as long as the prefix (see
 * builder_add_slow), so with the scratch copy of the tail the peak is
 * about 3 keys, 24 bytes, per distinct triple.
 */
static void
builder_compact(ActivityBuilder *b)
{
	Size		s = b->nsorted;
	Size		t = b->nkeys - s;
	uint64	   *tmp;
	uint64	   *tail;
	Size		i,
				j,
				w,
				dups;

	if (t == 0)
		return;
	tmp = MemoryContextAllocHuge(b->hdr.eoh_context, t * sizeof(uint64));
	tail = radix_sort(b->keys + s, tmp, t, key_bits(b));
	t = dedupe_sorted(tail, t);
	if (s == 0)
	{
		if (tail != b->keys)
			memcpy(b->keys, tail, t * sizeof(uint64));
		b->nkeys = b->nsorted = t;
		pfree(tmp);
		return;
	}
	if (tail != tmp)
		memcpy(tmp, tail, t * sizeof(uint64));

	/* count the keys the tail shares with the prefix */
	for (i = 0, j = 0, dups = 0; i < s && j < t;)
	{
		if (b->keys[i] < tmp[j])
			i++;
		else if (b->keys[i] > tmp[j])
			j++;
		else
		{
			dups++;
			i++;
			j++;
		}
	}

	/* merge from the back: writes never overtake the unread prefix */
	w = s + t - dups;
	i = s;
	j = t;
	while (j > 0)
	{
		uint64		v;

		if (i > 0 && b->keys[i - 1] > tmp[j - 1])
			v = b->keys[--i];
		else
		{
			v = tmp[--j];
			if (i > 0 && b->keys[i - 1] == v)
				i--;
		}
		b->keys[--w] = v;
	}
	Assert(w == i);
	b->nkeys = b->nsorted = s + t - dups;
	pfree(tmp);
}

void
builder_add_slow(ActivityBuilder *b, uint64 key)
{
	if (b->flat)
	{
		pfree(b->flat);
		b->flat = NULL;
	}
	if (b->nkeys == b->capkeys)
	{
		Size		want;

		CHECK_FOR_INTERRUPTS();
		builder_compact(b);
		/* room for a tail as long as the distinct keys held */
		want = b->nkeys + Max(b->nkeys, MIN_TAIL);
		if (b->capkeys < want)
		{
			if (want > MaxAllocHugeSize / sizeof(uint64))
				ereport(ERROR,
						(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
						 errmsg("activity summary too large to build in memory")));
			b->keys = repalloc_huge(b->keys, want * sizeof(uint64));
			b->capkeys = want;
		}
	}
	if (b->nsorted == b->nkeys && (b->nkeys == 0 || key > b->keys[b->nkeys - 1]))
		b->nsorted++;
	b->keys[b->nkeys++] = key;
}

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
		corrupted();
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
 * Adds every triple of a stored value.  The value is only copied here:
 * rollup adds many small summaries to each group, and merging them one at
 * a time (hashing each one's users and features into the group's
 * dictionaries, then sorting again once the users are renumbered in id
 * order) costs far more than reading them.  builder_merge() merges the
 * pending values in bulk when the stored form is needed, or as soon as
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
	if (b->flat)
	{
		pfree(b->flat);
		b->flat = NULL;
	}
	if (at + len > b->pend_cap)
	{
		Size		cap = Max(Max(b->pend_cap * 2, at + len), 1024);

		if (b->pend)
			b->pend = repalloc_huge(b->pend, cap);
		else
			b->pend = MemoryContextAllocHuge(b->hdr.eoh_context, cap);
		b->pend_cap = cap;
	}
	memcpy(b->pend + at, flat, len);
	b->pend_len = at + len;
	b->npend++;
	/* pending copies never take more memory than the keys (8 bytes each) */
	if (b->pend_len > Max(b->capkeys * sizeof(uint64), MIN_PENDING))
		builder_merge(b);
}

/* empties a builder's set, keeping its key buffer */
static void
builder_clear(ActivityBuilder *b)
{
	KeyDict    *dicts[2] = {&b->users, &b->features};
	int			i;

	for (i = 0; i < 2; i++)
	{
		KeyDict    *d = dicts[i];

		if (d->slots)
			pfree(d->slots);
		if (d->dense)
			pfree(d->dense);
		if (d->ints)
			pfree(d->ints);
		if (d->offs)
			pfree(d->offs);
		if (d->arena)
			pfree(d->arena);
		dict_init(d, d->bytes, d->cxt);
	}
	b->nkeys = b->nsorted = 0;
	b->fbits = 8;
	b->dbits = 16;
	b->ushift = b->fbits + b->dbits;
	b->day_base = -(INT64CONST(1) << 15);
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
				corrupted();	/* more triples than the header said */
			for (i = 0; i < c->ndays; i++)
				b->keys[b->nkeys++] = uf | (uint64) ((int64) c->days[i] - b->day_base);
		}
	}
}

/*
 * Merges two ascending runs of keys into out, dropping keys both hold;
 * returns the number written.
 */
static Size
merge_two_runs(const uint64 *a, Size na, const uint64 *c, Size nc, uint64 *out)
{
	Size		i = 0,
				j = 0,
				w = 0;

	while (i < na && j < nc)
	{
		uint64		x = a[i],
					y = c[j];

		out[w++] = x < y ? x : y;
		i += x <= y;
		j += y <= x;
	}
	memcpy(out + w, a + i, (na - i) * sizeof(uint64));
	w += na - i;
	memcpy(out + w, c + j, (nc - j) * sizeof(uint64));
	return w + nc - j;
}

/*
 * Sorts and deduplicates b->keys, made of nruns runs (run r starts at
 * starts[r]; starts[nruns] is the end), each ascending when its value is
 * well formed.  Few runs are merged pairwise, in fewer passes over the keys
 * than a radix sort takes: combining the partial summaries of a parallel
 * query, or activity_union, merges two to a handful.  Many runs (rollup of
 * per-day summaries), or a run out of order, go to the radix sort.
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

		memcpy(bounds, starts, (nruns + 1) * sizeof(Size));
		while (nruns > 1)
		{
			uint64	   *dst = src == b->keys ? tmp : b->keys;
			Size		next[MERGE_RUNS + 1];
			int			m = 0;

			CHECK_FOR_INTERRUPTS();
			next[0] = 0;
			for (r = 0; r < nruns; r += 2, m++)
			{
				Size		lo = bounds[r],
							mid = bounds[r + 1],
							hi = r + 1 < nruns ? bounds[r + 2] : mid;

				next[m + 1] = next[m] + merge_two_runs(src + lo, mid - lo, src + mid, hi - mid,
													   dst + next[m]);
			}
			memcpy(bounds, next, (m + 1) * sizeof(Size));
			nruns = m;
			src = dst;
		}
		n = bounds[nruns];
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
			corrupted();		/* a feature takes a byte at least */
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

/* writes (or, with w->out NULL, counts) the user-id section */
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

/* the stored form of the builder's keys; cached until the set changes */
static struct varlena *
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
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("activity summary would take %zu bytes, more than the 1 GB a PostgreSQL value may hold",
						w.len),
				 errhint("Summarise smaller groups, e.g. per account and day, and roll them up.")));
	b->flat = palloc(VARHDRSZ + w.len);
	SET_VARSIZE(b->flat, VARHDRSZ + w.len);
	w.out = (uint8 *) VARDATA(b->flat);
	w.len = 0;
	builder_encode(b, &w, min_day, max_day, ids_len);

	MemoryContextSwitchTo(oldcxt);
	return b->flat;
}

/* the stored form, pending values merged; cached until the set changes */
struct varlena *
builder_flatten(ActivityBuilder *b)
{
	if (b->flat)
		return b->flat;
	builder_merge(b);
	return builder_flatten_keys(b);
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

/* ----------------------------------------------------------------
 * Reading the stored form
 * ----------------------------------------------------------------
 */

void
activity_view_init(ActivityView *v, const struct varlena *flat)
{
	view_init_in(v, flat, NULL, NULL);
}

/*
 * activity_view_init, with the feature arrays in feat and feat_len (room
 * for the value's features + 1) rather than allocated, when they are not
 * NULL: builder_merge reads a view of every summary it merges, often
 * hundreds of small ones, and gives them all one allocation.
 */
static void
view_init_in(ActivityView *v, const struct varlena *flat, const char **feat, uint32 *feat_len)
{
	const uint8 *p = (const uint8 *) VARDATA_ANY(flat);
	const uint8 *end = p + VARSIZE_ANY_EXHDR(flat);
	uint64		ids_len;
	uint32		i;

	if (end - p < 2 || p[0] != ACTIVITY_FORMAT_VERSION || !ACT_ID_TYPE_VALID(p[1]))
		corrupted();
	v->id_type = p[1];
	p += 2;
	v->nusers = (uint32) r_varint(&p, end);
	v->nfeatures = (uint32) r_varint(&p, end);
	v->ntriples = r_varint(&p, end);
	v->min_day = v->max_day = 0;
	if (v->ntriples > 0)
	{
		v->min_day = (int32) unzigzag(r_varint(&p, end));
		v->max_day = (int32) ((int64) v->min_day + (int64) r_varint(&p, end));
	}
	ids_len = r_varint(&p, end);
	if (ids_len > (uint64) (end - p))
		corrupted();
	v->ids = p;
	p += ids_len;
	v->feat = feat ? feat : palloc(((Size) v->nfeatures + 1) * sizeof(char *));
	v->feat_len = feat_len ? feat_len : palloc(((Size) v->nfeatures + 1) * sizeof(uint32));
	v->feat[0] = NULL;
	v->feat_len[0] = 0;
	for (i = 1; i <= v->nfeatures; i++)
	{
		uint64		len = r_varint(&p, end);

		if (len > (uint64) (end - p))
			corrupted();
		v->feat[i] = (const char *) p;
		v->feat_len[i] = (uint32) len;
		p += len;
	}
	v->body = p;
	v->end = end;
}

/* the code of a named feature, or FEATURE_NONE when the value lacks it */
int32
activity_view_feature(const ActivityView *v, const text *name)
{
	const char *s = VARDATA_ANY(name);
	Size		len = VARSIZE_ANY_EXHDR(name);
	uint32		lo = 1,
				hi = v->nfeatures + 1;

	while (lo < hi)
	{
		uint32		mid = lo + (hi - lo) / 2;
		int			c = cmp_bytes(v->feat[mid], v->feat_len[mid], s, len);

		if (c == 0)
			return (int32) mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return FEATURE_NONE;
}

void
idreader_init(IdReader *r, const ActivityView *v)
{
	r->v = v;
	r->p = v->ids;
	r->left = v->nusers;
	r->ival = 0;
	r->bytes = NULL;
	r->len = 0;
}

void
idreader_next(IdReader *r)
{
	const uint8 *end = r->v->body;
	bool		first = r->left == r->v->nusers;

	if (r->left == 0)
		corrupted();
	r->left--;
	switch (r->v->id_type)
	{
		case ACT_ID_INT4:
		case ACT_ID_INT8:
			if (first)
				r->ival = unzigzag(r_varint(&r->p, end));
			else
				r->ival = (int64) ((uint64) r->ival + r_varint(&r->p, end) + 1);
			break;
		case ACT_ID_TEXT:
			{
				uint64		len = r_varint(&r->p, end);

				if (len > (uint64) (end - r->p))
					corrupted();
				r->bytes = r->p;
				r->len = (uint32) len;
				r->p += len;
			}
			break;
		case ACT_ID_UUID:
			if (end - r->p < UUID_LEN)
				corrupted();
			r->bytes = r->p;
			r->len = UUID_LEN;
			r->p += UUID_LEN;
			break;
	}
}

/* the current id as text: numbers in decimal, uuids in their usual form */
text *
idreader_text(const IdReader *r)
{
	switch (r->v->id_type)
	{
		case ACT_ID_INT4:
		case ACT_ID_INT8:
			{
				char		buf[32];

				snprintf(buf, sizeof(buf), INT64_FORMAT, r->ival);
				return cstring_to_text(buf);
			}
		case ACT_ID_TEXT:
			return cstring_to_text_with_len((const char *) r->bytes, r->len);
		case ACT_ID_UUID:
			{
				pg_uuid_t	u;

				memcpy(u.data, r->bytes, UUID_LEN);
				return cstring_to_text(DatumGetCString(DirectFunctionCall1(uuid_out,
																		   UUIDPGetDatum(&u))));
			}
	}
	return NULL;
}

void
cursor_init(ActivityCursor *c, const ActivityView *v)
{
	memset(c, 0, sizeof(ActivityCursor));
	c->v = v;
	c->p = v->body;
	c->user = PG_UINT32_MAX;
	c->cap = 64;
	c->days = palloc(c->cap * sizeof(int32));
}

/* points a cursor at the start of another view, keeping its buffers */
static void
cursor_rebind(ActivityCursor *c, const ActivityView *v)
{
	c->v = v;
	c->p = v->body;
	c->user = PG_UINT32_MAX;
	c->pairs_left = 0;
	c->feature = 0;
	c->feature_seen = false;
	c->ndays = 0;
}

static void
cursor_reserve(ActivityCursor *c, uint64 n)
{
	if (n > c->cap)
	{
		/* a pair cannot hold more days than the value has triples */
		if (n > c->v->ntriples)
			corrupted();
		while (c->cap < n)
			c->cap *= 2;
		c->days = repalloc_huge(c->days, (Size) c->cap * sizeof(int32));
	}
}

/*
 * Decodes the next pair of the current user, appending its days at
 * c->days[at]; returns the number of days.
 */
static uint32
cursor_read_pair(ActivityCursor *c, uint32 at)
{
	const uint8 *p = c->p;
	const uint8 *end = c->v->end;
	uint64		code = r_varint(&p, end);
	uint64		ndays = r_varint(&p, end) + 1;
	int64		day;
	uint64		i;
	int32	   *out;

	c->feature = (c->feature_seen ? c->feature + 1 : 0) + (uint32) code;
	c->feature_seen = true;
	if (c->feature > c->v->nfeatures)
		corrupted();
	cursor_reserve(c, at + ndays);
	out = c->days + at;
	day = (int64) c->v->min_day + (int64) r_varint(&p, end);
	out[0] = (int32) day;
	for (i = 1; i < ndays; i++)
	{
		day += (int64) r_varint(&p, end) + 1;
		out[i] = (int32) day;
	}
	if (day > c->v->max_day)
		corrupted();
	c->p = p;
	c->pairs_left--;
	return (uint32) ndays;
}

bool
cursor_next_user(ActivityCursor *c)
{
	while (c->pairs_left > 0)
		cursor_read_pair(c, 0);
	if (c->user + 1 >= c->v->nusers)
		return false;
	c->user++;
	/* every reader of a value walks it here: cancellation works in all */
	if ((c->user & 1023) == 0)
		CHECK_FOR_INTERRUPTS();
	c->pairs_left = (uint32) r_varint(&c->p, c->v->end);
	c->feature_seen = false;
	c->feature = 0;
	return true;
}

bool
cursor_next_pair(ActivityCursor *c)
{
	if (c->pairs_left == 0)
		return false;
	c->ndays = cursor_read_pair(c, 0);
	return true;
}

/* merges two sorted runs into out, dropping duplicates */
static uint32
merge_runs(const int32 *a, uint32 na, const int32 *b, uint32 nb, int32 *out)
{
	uint32		i = 0,
				j = 0,
				n = 0;

	while (i < na && j < nb)
	{
		if (a[i] < b[j])
			out[n++] = a[i++];
		else if (a[i] > b[j])
			out[n++] = b[j++];
		else
		{
			out[n++] = a[i++];
			j++;
		}
	}
	while (i < na)
		out[n++] = a[i++];
	while (j < nb)
		out[n++] = b[j++];
	return n;
}

/*
 * Merges the sorted runs of c->days bounded by runs[0 .. nruns] (runs[0]
 * is 0) into one, bottom-up, dropping duplicates; returns its length.
 */
static uint32
cursor_merge(ActivityCursor *c, uint32 *runs, uint32 nruns)
{
	int32	   *src = c->days;
	int32	   *dst;

	if (c->tmpcap < c->cap)
	{
		if (c->tmp)
			pfree(c->tmp);
		c->tmpcap = c->cap;
		c->tmp = palloc((Size) c->tmpcap * sizeof(int32));
	}
	dst = c->tmp;
	while (nruns > 1)
	{
		uint32		r,
					m = 0,
					w = 0;
		int32	   *swap;

		for (r = 0; r < nruns; r += 2)
		{
			uint32		s = runs[r],
						e = runs[r + 1];

			if (r + 1 < nruns)
				w += merge_runs(src + s, e - s, src + e, runs[r + 2] - e, dst + w);
			else
			{
				memcpy(dst + w, src + s, (Size) (e - s) * sizeof(int32));
				w += e - s;
			}
			runs[++m] = w;
		}
		nruns = m;
		swap = src;
		src = dst;
		dst = swap;
	}
	if (src != c->days)
		memcpy(c->days, src, (Size) runs[1] * sizeof(int32));
	return runs[1];
}

/*
 * The union of the sorted runs of c->days bounded by runs[0 .. nruns], all
 * within lo .. hi, as cursor_merge gives it, through a bitmap of the days:
 * one bit set per day read, and one word read per 64 days of the span,
 * where a merge passes over every day once per doubling of the runs.
 */
static uint32
cursor_union_bits(ActivityCursor *c, const uint32 *runs, uint32 nruns, int32 lo, int32 hi)
{
	uint32		nwords = (uint32) (((int64) hi - lo) / 64 + 1);
	uint32		i,
				n = 0;

	if (c->bitscap < nwords)
	{
		if (c->bits)
			pfree(c->bits);
		c->bits = palloc0((Size) nwords * sizeof(uint64));
		c->bitscap = nwords;
	}
	for (i = 0; i < runs[nruns]; i++)
	{
		uint32		off = (uint32) ((int64) c->days[i] - lo);

		c->bits[off / 64] |= UINT64CONST(1) << (off % 64);
	}
	/* every day read is in the bitmap: write the union over them */
	for (i = 0; i < nwords; i++)
	{
		uint64		w = c->bits[i];

		while (w != 0)
		{
			c->days[n++] = (int32) ((int64) lo + (int64) i * 64 + pg_rightmost_one_pos64(w));
			w &= w - 1;
		}
		c->bits[i] = 0;
	}
	return n;
}

/* the union of the runs, by bitmap when the days are dense, else merged */
static uint32
cursor_union(ActivityCursor *c, uint32 *runs, uint32 nruns)
{
	int32		lo = PG_INT32_MAX,
				hi = PG_INT32_MIN;
	uint32		r;

	for (r = 0; r < nruns; r++)
	{
		lo = Min(lo, c->days[runs[r]]);
		hi = Max(hi, c->days[runs[r + 1] - 1]);
	}
	if (((int64) hi - lo) / 64 < (int64) runs[nruns])
		return cursor_union_bits(c, runs, nruns, lo, hi);
	return cursor_merge(c, runs, nruns);
}

/*
 * Reads the remaining pairs of the current user and leaves in c->days the
 * sorted distinct days in (after, max_day] of the pairs that match the
 * filter (a feature code, FEATURE_ANY or FEATURE_NONE).  Returns their
 * number.  A reader that looks at a window only passes its start as after:
 * the days before it are dropped pair by pair, not merged.
 */
static inline uint32
user_days_in(ActivityCursor *c, int32 feature, int64 after, int32 max_day,
			 PairLast *pairs, uint32 *npairs)
{
	uint32		runs[33];
	uint32		nruns = 0;

	runs[0] = 0;
	while (c->pairs_left > 0)
	{
		uint32		k;

		if (nruns == lengthof(runs) - 1)
		{
			runs[1] = cursor_union(c, runs, nruns);
			nruns = 1;
		}
		k = cursor_read_pair(c, runs[nruns]);
		if (feature != FEATURE_ANY && (int32) c->feature != feature)
			continue;
		k = days_upper_bound(c->days + runs[nruns], k, max_day);
		if (k > 0 && after > PG_INT64_MIN)
		{
			int32	   *d = c->days + runs[nruns];
			uint32		skip = days_upper_bound(d, k, after);

			if (skip > 0 && skip < k)
				memmove(d, d + skip, (Size) (k - skip) * sizeof(int32));
			k -= skip;
		}
		if (k > 0)
		{
			if (pairs)
			{
				pairs[*npairs].feature = c->feature;
				pairs[*npairs].last = c->days[runs[nruns] + k - 1];
				(*npairs)++;
			}
			runs[nruns + 1] = runs[nruns] + k;
			nruns++;
		}
	}
	c->ndays = nruns > 1 ? cursor_union(c, runs, nruns) : runs[nruns];
	return c->ndays;
}

uint32
cursor_user_days_in(ActivityCursor *c, int32 feature, int64 after, int32 max_day)
{
	return user_days_in(c, feature, after, max_day, NULL, NULL);
}

/*
 * cursor_user_days_in over any activity that also lists, in pairs (room
 * for the user's remaining pairs, c->pairs_left), each pair with a day in
 * (after, max_day]: its feature code and its last day there; *npairs is
 * their number.  A reader of several windows ending at max_day learns from
 * it which pairs each window holds, in the same pass.
 */
uint32
cursor_user_days_pairs(ActivityCursor *c, int64 after, int32 max_day,
					   PairLast *pairs, uint32 *npairs)
{
	*npairs = 0;
	return user_days_in(c, FEATURE_ANY, after, max_day, pairs, npairs);
}

/* ----------------------------------------------------------------
 * Validation of untrusted bytes (text and binary input)
 * ----------------------------------------------------------------
 */

typedef struct Validator
{
	const uint8 *p;
	const uint8 *end;
	int			code;
} Validator;

static void
invalid(Validator *v, const char *detail)
{
	ereport(ERROR,
			(errcode(v->code),
			 errmsg("invalid activity value"),
			 errdetail("%s", detail)));
}

/* a varint in its shortest form */
static uint64
v_varint(Validator *v)
{
	uint64		x = 0;
	int			shift = 0;

	for (;;)
	{
		uint8		b;

		if (v->p >= v->end)
			invalid(v, "The value ends in the middle of a number.");
		b = *v->p++;
		if (shift == 63 && b > 1)
			invalid(v, "A number is out of range.");
		x |= (uint64) (b & 0x7F) << shift;
		if (!(b & 0x80))
		{
			if (b == 0 && shift > 0)
				invalid(v, "A number is not in its shortest form.");
			return x;
		}
		shift += 7;
	}
}

static uint64
v_count(Validator *v, uint64 max, const char *what)
{
	uint64		x = v_varint(v);

	if (x > max)
		invalid(v, what);
	return x;
}

static const uint8 *
v_bytes(Validator *v, uint64 len)
{
	const uint8 *p = v->p;

	if (len > (uint64) (v->end - v->p))
		invalid(v, "The value ends in the middle of a string.");
	v->p += len;
	return p;
}

static void
v_text(Validator *v, const uint8 *s, uint64 len, const char *what)
{
	if (memchr(s, '\0', len) != NULL ||
		!pg_verifymbstr((const char *) s, (int) len, true))
		invalid(v, what);
}

/*
 * Checks that the bytes are a stored activity value in canonical form:
 * every count consistent, every list strictly ascending, every feature and
 * user used, the day range exact, and nothing left over.
 */
void
activity_validate(const uint8 *data, Size len, int code)
{
	Validator	v = {data, data + len, code};
	uint8		id_type;
	uint64		nusers,
				nfeatures,
				ntriples,
				ids_len,
				seen = 0,
				u;
	int64		min_day = 0,
				max_day = 0,
				lo = PG_INT64_MAX,
				hi = PG_INT64_MIN;
	const uint8 *ids_end;
	const uint8 *prev = NULL;
	uint64		prev_len = 0;
	int64		prev_id = 0;
	bool	   *used;

	if (len < 2)
		invalid(&v, "The value is too short.");
	if (data[0] != ACTIVITY_FORMAT_VERSION)
		ereport(ERROR,
				(errcode(code),
				 errmsg("unsupported activity format version %d", data[0]),
				 errdetail("This release reads format version %d.", ACTIVITY_FORMAT_VERSION)));
	id_type = data[1];
	if (!ACT_ID_TYPE_VALID(id_type))
		invalid(&v, "Unknown user-id type.");
	v.p += 2;

	/* every triple takes at least one byte: this bounds all allocations */
	ntriples = 0;
	nusers = v_count(&v, len, "Too many users.");
	nfeatures = v_count(&v, len, "Too many features.");
	ntriples = v_count(&v, len, "Too many triples.");
	if (nusers > ntriples || nfeatures > ntriples || nusers > MAX_DICT || nfeatures > MAX_DICT)
		invalid(&v, "Inconsistent counts.");
	if (ntriples > 0)
	{
		min_day = unzigzag(v_varint(&v));
		if (!IS_VALID_DATE(min_day))
			invalid(&v, "Day out of range.");
		max_day = min_day + (int64) v_count(&v, PG_INT32_MAX, "Day range out of range.");
		if (!IS_VALID_DATE(max_day))
			invalid(&v, "Day out of range.");
	}
	else if (nusers > 0)
		invalid(&v, "Users without activity.");
	ids_len = v_varint(&v);
	if (ids_len > (uint64) (v.end - v.p))
		invalid(&v, "The user-id section is longer than the value.");
	ids_end = v.p + ids_len;

	for (u = 0; u < nusers; u++)
	{
		if (id_type == ACT_ID_INT4 || id_type == ACT_ID_INT8)
		{
			int64		id;

			if (u == 0)
				id = unzigzag(v_varint(&v));
			else
			{
				uint64		d = v_varint(&v);

				if (d >= (uint64) PG_INT64_MAX - (uint64) prev_id)
					invalid(&v, "User id out of range.");
				/* in uint64: the sum fits, d alone may not fit in int64 */
				id = (int64) ((uint64) prev_id + d + 1);
			}
			if (id_type == ACT_ID_INT4 && (id < PG_INT32_MIN || id > PG_INT32_MAX))
				invalid(&v, "User id out of range for integer.");
			prev_id = id;
		}
		else
		{
			uint64		l = id_type == ACT_ID_UUID ? UUID_LEN : v_varint(&v);
			const uint8 *s = v_bytes(&v, l);

			if (id_type == ACT_ID_TEXT)
				v_text(&v, s, l, "A user id is not valid text.");
			if (u > 0 && cmp_bytes((const char *) prev, prev_len, (const char *) s, l) >= 0)
				invalid(&v, "User ids are not in ascending order.");
			prev = s;
			prev_len = l;
		}
		if (v.p > ids_end)
			invalid(&v, "The user-id section is shorter than its ids.");
	}
	if (v.p != ids_end)
		invalid(&v, "The user-id section has bytes left over.");

	prev = NULL;
	for (u = 0; u < nfeatures; u++)
	{
		uint64		l = v_varint(&v);
		const uint8 *s = v_bytes(&v, l);

		v_text(&v, s, l, "A feature name is not valid text.");
		if (u > 0 && cmp_bytes((const char *) prev, prev_len, (const char *) s, l) >= 0)
			invalid(&v, "Feature names are not in ascending order.");
		prev = s;
		prev_len = l;
	}

	used = palloc0((nfeatures + 1) * sizeof(bool));
	for (u = 0; u < nusers; u++)
	{
		uint64		npairs = v_count(&v, nfeatures + 1, "Too many pairs for a user.");
		uint64		k;
		int64		f = -1;

		CHECK_FOR_INTERRUPTS();
		if (npairs == 0)
			invalid(&v, "A user has no activity.");
		for (k = 0; k < npairs; k++)
		{
			uint64		code = v_count(&v, nfeatures, "Feature out of range.");
			uint64		ndays,
						i;
			int64		day;

			f = f < 0 ? (int64) code : f + (int64) code + 1;
			if (f > (int64) nfeatures)
				invalid(&v, "Feature out of range.");
			used[f] = true;
			ndays = v_count(&v, ntriples - 1, "Too many days.") + 1;
			seen += ndays;
			if (seen > ntriples)
				invalid(&v, "More triples than counted.");
			day = min_day + (int64) v_count(&v, PG_INT32_MAX, "Day out of range.");
			lo = Min(lo, day);
			for (i = 1; i < ndays; i++)
			{
				day += (int64) v_count(&v, PG_INT32_MAX, "Day out of range.") + 1;
				if (day > max_day)
					break;
			}
			if (day > max_day)
				invalid(&v, "Day after the value's last day.");
			hi = Max(hi, day);
		}
	}
	if (v.p != v.end)
		invalid(&v, "The value has bytes left over.");
	if (seen != ntriples)
		invalid(&v, "Fewer triples than counted.");
	if (ntriples > 0 && (lo != min_day || hi != max_day))
		invalid(&v, "The day range does not match the days.");
	for (u = 1; u <= nfeatures; u++)
		if (!used[u])
			invalid(&v, "A feature is never used.");
	pfree(used);
}
