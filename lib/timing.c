/*
 * lib/timing.c - the 4 KiB copy yardstick (efimm and the payload SDK).
 */
#include "timing.h"

#include "kstring.h"

static uint8_t src[4096] __attribute__((aligned(4096)));
static uint8_t dst[4096] __attribute__((aligned(4096)));

uint64_t timing_copy_4k(void)
{
	uint64_t best = ~0ULL;

	for (int i = 0; i < 16; i++) {
		uint64_t t0 = timing_tsc();

		memcpy(dst, src, sizeof(dst));
		__asm__ volatile("" ::: "memory");
		t0 = timing_tsc() - t0;
		best = t0 < best ? t0 : best;
	}
	return best;
}
