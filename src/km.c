/*
 * km.c
 *		Kaplan-Meier quantiles, exactly (doc/reference.md, "Kaplan-Meier
 *		quantiles"; used by time_to_feature and time_to_first_use).
 *
 * The curve S(t) is the product, over the event times t_i <= t, of
 * (r_i - d_i) / r_i: r_i observations at risk (time >= t_i), d_i events at
 * t_i.  The p-quantile is the smallest event time t with S(t) <= 1 - p;
 * where S(t) equals 1 - p exactly, S stays there up to the next event time
 * t' (the largest observed time when no event follows) and the quantile
 * is (t + t') / 2, the convention of R's survival package and SAS PROC
 * LIFETEST.
 *
 * S is a ratio of integers, and an exact hit of 1 - p must be recognised
 * as such: 10 users with events on days 1 .. 10 reach S = 0.1 at day 9,
 * where the floating-point product of 9/10, 8/9, ... lands above 0.1.  So
 * each comparison of S with 1 - p is first made in floating point with a
 * bound on the rounding error of the product (2k + 4 ulps after k
 * factors), and only when S lies within that bound is it made exactly: S
 * is then recomputed (once, and extended incrementally afterwards) as a
 * reduced fraction N / D of arbitrary-precision integers, and N * den is
 * compared with D * num.  Each factor is reduced against N and D before it
 * is multiplied in, so that N / D stays in lowest terms; where nobody is
 * censored the product telescopes to r_k' / r_1 and the numbers stay
 * small.
 */
#include "postgres.h"

#include <float.h>

#include "access/htup_details.h"
#include "funcapi.h"
#include "miscadmin.h"

#include "km.h"

/* a natural number, little-endian 32-bit limbs; len 0 is zero */
typedef struct BigNat
{
	uint32	   *w;
	uint32		len;
	uint32		cap;
} BigNat;

static void
bn_init(BigNat *b, uint32 x)
{
	b->cap = 8;
	b->w = palloc(b->cap * sizeof(uint32));
	b->w[0] = x;
	b->len = x != 0;
}

static void
bn_reserve(BigNat *b, uint32 n)
{
	if (n > b->cap)
	{
		while (b->cap < n)
			b->cap *= 2;
		b->w = repalloc_huge(b->w, (Size) b->cap * sizeof(uint32));
	}
}

/* b *= x */
static void
bn_mul(BigNat *b, uint32 x)
{
	uint64		carry = 0;
	uint32		i;

	if (x == 0)
	{
		b->len = 0;
		return;
	}
	for (i = 0; i < b->len; i++)
	{
		uint64		v = (uint64) b->w[i] * x + carry;

		b->w[i] = (uint32) v;
		carry = v >> 32;
	}
	if (carry)
	{
		bn_reserve(b, b->len + 1);
		b->w[b->len++] = (uint32) carry;
	}
}

/* b mod x, x > 0 */
static uint32
bn_mod(const BigNat *b, uint32 x)
{
	uint64		r = 0;
	uint32		i;

	for (i = b->len; i > 0; i--)
		r = ((r << 32) | b->w[i - 1]) % x;
	return (uint32) r;
}

/* b /= x, x > 0 */
static void
bn_div(BigNat *b, uint32 x)
{
	uint64		r = 0;
	uint32		i;

	if (x == 1)
		return;
	for (i = b->len; i > 0; i--)
	{
		uint64		v = (r << 32) | b->w[i - 1];

		b->w[i - 1] = (uint32) (v / x);
		r = v % x;
	}
	while (b->len > 0 && b->w[b->len - 1] == 0)
		b->len--;
}

/* the sign of a * x - b * y */
static int
bn_cmp_scaled(const BigNat *a, uint32 x, const BigNat *b, uint32 y)
{
	BigNat		p,
				q;
	int			c = 0;
	uint32		i;

	p.cap = a->len + 1;
	p.w = palloc(p.cap * sizeof(uint32));
	p.len = a->len;
	if (a->len)
		memcpy(p.w, a->w, a->len * sizeof(uint32));
	q.cap = b->len + 1;
	q.w = palloc(q.cap * sizeof(uint32));
	q.len = b->len;
	if (b->len)
		memcpy(q.w, b->w, b->len * sizeof(uint32));
	bn_mul(&p, x);
	bn_mul(&q, y);
	if (p.len != q.len)
		c = p.len < q.len ? -1 : 1;
	else
		for (i = p.len; i > 0 && c == 0; i--)
			if (p.w[i - 1] != q.w[i - 1])
				c = p.w[i - 1] < q.w[i - 1] ? -1 : 1;
	pfree(p.w);
	pfree(q.w);
	return c;
}

static uint32
gcd32(uint32 a, uint32 b)
{
	while (b)
	{
		uint32		t = a % b;

		a = b;
		b = t;
	}
	return a;
}

/* one factor (r - d) / r of the product */
typedef struct KmFactor
{
	uint32		num;
	uint32		den;
} KmFactor;

typedef struct KmState
{
	/* the curve so far, in floating point */
	double		s;
	uint64		nfactors;
	KmFactor   *factors;
	/* exactly, as N / D in lowest terms, over factors[0 .. applied) */
	bool		exact;
	uint64		applied;
	BigNat		n;
	BigNat		d;
} KmState;

/* multiplies the exact fraction by one factor, keeping it reduced */
static void
exact_apply(KmState *st, KmFactor f)
{
	uint32		g;

	if (st->n.len == 0)
		return;					/* S = 0 stays 0 */
	if (f.num == 0)
	{
		st->n.len = 0;
		st->d.w[0] = 1;
		st->d.len = 1;
		return;
	}
	g = gcd32(f.num, f.den);
	f.num /= g;
	f.den /= g;
	/* N / D and num / den are in lowest terms: cancel num with D, den with N */
	if (f.num > 1)
	{
		g = gcd32(f.num, bn_mod(&st->d, f.num));
		f.num /= g;
		bn_div(&st->d, g);
	}
	if (f.den > 1)
	{
		g = gcd32(f.den, bn_mod(&st->n, f.den));
		f.den /= g;
		bn_div(&st->n, g);
	}
	bn_mul(&st->n, f.num);
	bn_mul(&st->d, f.den);
}

/* the sign of S - num / den */
static int
km_compare(KmState *st, const KmLevel *lv)
{
	double		q = (double) lv->num / (double) lv->den;
	double		bound = (2.0 * (double) st->nfactors + 4.0) * DBL_EPSILON * st->s +
		DBL_EPSILON * q;

	if (st->s - q > bound)
		return 1;
	if (q - st->s > bound)
		return -1;
	/* too close to tell in floating point: exactly */
	if (!st->exact)
	{
		bn_init(&st->n, 1);
		bn_init(&st->d, 1);
		st->applied = 0;
		st->exact = true;
	}
	while (st->applied < st->nfactors)
	{
		if ((st->applied & 255) == 0)
			CHECK_FOR_INTERRUPTS();
		exact_apply(st, st->factors[st->applied++]);
	}
	return bn_cmp_scaled(&st->n, lv->den, &st->d, lv->num);
}

void
km_quantiles(uint64 *keys, Size n, KmLevel *levels, int nlevels)
{
	KmState		st;
	Size		i = 0;
	int			next = 0;		/* the first level not reached yet */
	int			pending_from = 0;	/* levels [pending_from, next) hit exactly */
	int32		pending_time = 0;
	int			k;

	for (k = 0; k < nlevels; k++)
	{
		Assert(levels[k].num > 0 && levels[k].num < levels[k].den);
		levels[k].found = false;
		levels[k].value = 0;
	}
	if (n == 0)
		return;
	if (n > PG_UINT32_MAX)
		elog(ERROR, "too many observations for a Kaplan-Meier curve");
	sort_keys(keys, n);
	memset(&st, 0, sizeof(st));
	st.s = 1.0;
	st.factors = huge_array(KmFactor, n);
	pending_from = 0;

	while (i < n && (next < nlevels || pending_from < next))
	{
		int32		t = (int32) (keys[i] >> 1);
		Size		j = i;
		uint32		events = 0;

		while (j < n && (int32) (keys[j] >> 1) == t)
			events += (uint32) (keys[j++] & 1);
		if (events > 0)
		{
			uint32		at_risk = (uint32) (n - i);
			KmFactor	f = {at_risk - events, at_risk};

			/* the flat stretch at exactly 1 - p ends here */
			for (; pending_from < next; pending_from++)
				levels[pending_from].value = ((double) pending_time + (double) t) / 2.0;
			if (next == nlevels)
				break;
			st.factors[st.nfactors++] = f;
			st.s *= (double) f.num / (double) f.den;
			while (next < nlevels)
			{
				int			c = km_compare(&st, &levels[next]);

				if (c > 0)
					break;
				levels[next].found = true;
				levels[next].value = t;
				if (c < 0)
					pending_from++;
				else
					pending_time = t;
				next++;
			}
		}
		i = j;
	}
	/* flat at exactly 1 - p to the end: up to the largest observed time */
	for (; pending_from < next; pending_from++)
		levels[pending_from].value =
			((double) pending_time + (double) (int32) (keys[n - 1] >> 1)) / 2.0;
}

Datum
km_summary_row(FunctionCallInfo fcinfo, uint64 *keys, Size n, int64 reached)
{
	KmLevel		levels[2] = {{1, 2, false, 0}, {1, 10, false, 0}};	/* median, p90 */
	TupleDesc	tupdesc;
	Datum		values[4];
	bool		nulls[4] = {false, false, false, false};

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	tupdesc = BlessTupleDesc(tupdesc);
	km_quantiles(keys, n, levels, 2);
	values[0] = Int64GetDatum((int64) n);
	values[1] = Int64GetDatum(reached);
	values[2] = Float8GetDatum(levels[0].value);
	nulls[2] = !levels[0].found;
	values[3] = Float8GetDatum(levels[1].value);
	nulls[3] = !levels[1].found;
	return HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls));
}
