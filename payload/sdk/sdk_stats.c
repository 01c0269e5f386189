/*
 * payload/sdk/sdk_stats.c - the figures a benchmark payload prints
 * (efimm.h, "figures"): the median and the mean of its samples, one copy
 * for smp_bench, syscall_bench and paging_bench.  Pure code: it also
 * builds on the host for its unit test (tests/unit/test_sdk_stats.c).
 */
#include "efimm.h"

uint64_t efimm_median_u64(uint64_t *s, size_t n)
{
	/* insertion sort: a few thousand samples at most, once per figure,
	 * outside any timed interval; needs no memory of its own */
	for (size_t i = 1; i < n; i++) {
		uint64_t v = s[i];
		size_t j = i;

		for (; j > 0 && s[j - 1] > v; j--)
			s[j] = s[j - 1];
		s[j] = v;
	}
	return n ? s[n / 2] : 0;
}

uint64_t efimm_mean_u64(const uint64_t *s, size_t n)
{
	uint64_t sum = 0;

	for (size_t i = 0; i < n; i++)
		sum += s[i];
	return n ? sum / n : 0;
}
