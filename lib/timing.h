/*
 * lib/timing.h - TSC time stamps and the 4 KiB copy yardstick, shared by
 * efimm and the payload SDK.  Under QEMU with -icount shift=0,sleep=off
 * the TSC counts instructions, so the figures repeat exactly from run to
 * run (make bench).
 */
#ifndef LIB_TIMING_H
#define LIB_TIMING_H

#include <stdint.h>

static inline uint64_t timing_tsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

/* Cycles of one 4 KiB memcpy (the smallest of several, warm caches):
 * the yardstick every benchmark figure is reported against. */
uint64_t timing_copy_4k(void);

#endif
