/*
 * radix.c
 *		LSD radix sorts of 64-bit keys.
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
