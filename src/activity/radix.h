/*
 * radix.h
 *		Sorting 64-bit keys: by radix, or as the union of ascending runs.
 *
 * The builder sorts its packed (user, feature, day) keys with these, and
 * so do the accessors that sort (user, period) keys of their own; merging
 * and reshaping stored values unite runs that are each in order already.
 */
#ifndef ADOPTION_ACTIVITY_RADIX_H
#define ADOPTION_ACTIVITY_RADIX_H

#include "postgres.h"

/* the number of bits v uses */
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

/* sorts n keys below 2^bits; returns whichever of a and tmp holds them */
extern uint64 *radix_sort(uint64 *a, uint64 *tmp, Size n, int bits);

/* sorts 64-bit keys in place */
extern void sort_keys(uint64 *keys, Size n);

/* the union of ascending runs; returns whichever of a and tmp holds it */
extern uint64 *union_runs(uint64 *a, uint64 *tmp, Size *bounds, int nruns, Size *n);
/* the same for runs of days (DateADT), as a value's day lists are */
extern int32 *union_day_runs(int32 *a, int32 *tmp, uint32 *bounds, uint32 nruns, uint32 *n);

/* drops the repeats of a sorted array; returns its new length */
static inline Size
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

#endif							/* ADOPTION_ACTIVITY_RADIX_H */
