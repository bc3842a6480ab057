/*
 * radix.c
 *		Sorting 64-bit keys: LSD radix sorts, and the union of ascending
 *		runs.
 */
#include "postgres.h"

#include "miscadmin.h"
#include "utils/memutils.h"

#include "activity/reader.h"
#include "activity/radix.h"


/*
 * LSD radix sort of n keys below 2^bits, skipping the digits in which all
 * keys agree.  Callers know how many bits their keys use: packed triples
 * use few, so only a few passes run.  Large inputs take 11-bit digits,
 * which saves a pass in three at the price of larger counts.  Returns
 * whichever of a and tmp holds the result.
 */
uint64 *
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
 * The union of nruns strictly ascending runs of keys (run r is
 * a[bounds[r] .. bounds[r + 1]), bounds[0] = 0), merged pairwise: one pass
 * over the keys per doubling of the runs, which beats a radix sort when the
 * runs are few or the keys mostly in order.  bounds is overwritten.
 * Returns whichever of a and tmp (room for bounds[nruns] keys) holds the
 * result, and its length in *n.
 */
uint64 *
union_runs(uint64 *a, uint64 *tmp, Size *bounds, int nruns, Size *n)
{
	uint64	   *src = a;

	Assert(bounds[0] == 0);
	while (nruns > 1)
	{
		uint64	   *dst = src == a ? tmp : a;
		int			r,
					m = 0;

		CHECK_FOR_INTERRUPTS();
		/* bounds[m + 1] is written after bounds[2m .. 2m + 2] are read */
		for (r = 0; r < nruns; r += 2, m++)
		{
			Size		lo = bounds[r],
						mid = bounds[r + 1],
						hi = r + 1 < nruns ? bounds[r + 2] : mid;

			bounds[m + 1] = bounds[m] + merge_two_runs(src + lo, mid - lo, src + mid, hi - mid,
													   dst + bounds[m]);
		}
		nruns = m;
		src = dst;
	}
	*n = bounds[nruns];
	return src;
}

/* merge_two_runs for days */
static uint32
merge_two_day_runs(const int32 *a, uint32 na, const int32 *c, uint32 nc, int32 *out)
{
	uint32		i = 0,
				j = 0,
				w = 0;

	while (i < na && j < nc)
	{
		int32		x = a[i],
					y = c[j];

		out[w++] = x < y ? x : y;
		i += x <= y;
		j += y <= x;
	}
	memcpy(out + w, a + i, (na - i) * sizeof(int32));
	w += na - i;
	memcpy(out + w, c + j, (nc - j) * sizeof(int32));
	return w + nc - j;
}

/*
 * union_runs for runs of days: a user's days over several features, or a
 * pair's days from several values.  bounds (bounds[0] = 0) is overwritten;
 * returns whichever of a and tmp holds the result, its length in *n.
 */
int32 *
union_day_runs(int32 *a, int32 *tmp, uint32 *bounds, uint32 nruns, uint32 *n)
{
	int32	   *src = a;

	Assert(bounds[0] == 0);
	while (nruns > 1)
	{
		int32	   *dst = src == a ? tmp : a;
		uint32		r,
					m = 0;

		/* bounds[m + 1] is written after bounds[2m .. 2m + 2] are read */
		for (r = 0; r < nruns; r += 2, m++)
		{
			uint32		lo = bounds[r],
						mid = bounds[r + 1],
						hi = r + 1 < nruns ? bounds[r + 2] : mid;

			bounds[m + 1] = bounds[m] + merge_two_day_runs(src + lo, mid - lo, src + mid,
														   hi - mid, dst + bounds[m]);
		}
		nruns = m;
		src = dst;
	}
	*n = bounds[nruns];
	return src;
}
