/*
 * payload/paging_bench.c - cycles (rdtsc) to serve a page fault, as a
 * ratio to copying 4 KiB measured in the same boot (tools/bench_paging.py
 * runs it under QEMU -icount, where the TSC counts instructions):
 *
 *   zero-fill         first touch of lazy memory, free frames available
 *   page-in, dirty    a paged-out page read back; the victim was written
 *   page-in, clean    a paged-out page read back; the victim was only read
 *                     since its own page-in (its store copy is valid: no
 *                     write)
 *
 * Each figure is the median over the faulting accesses of one pass over
 * an arena twice the free memory; the eviction counters of each pass are
 * printed with it, to show the victims were of the intended kind.  Run
 * with mem= small and swap= at least twice mem.
 *
 * Prints "paging_bench: NAME median N cycles, F faults, E1 clean / E2
 * dirty evictions" per figure and "paging_bench: copy-4k N cycles".
 */
#include "efimm.h"
#include "../lib/timing.h"

#define MAX_SAMPLES 8192

static uint64_t samples[MAX_SAMPLES];

static uint64_t median(size_t n)
{
	/* insertion sort: n is a few thousand at most, once per pass */
	for (size_t i = 1; i < n; i++) {
		uint64_t v = samples[i];
		size_t j = i;

		for (; j > 0 && samples[j - 1] > v; j--)
			samples[j] = samples[j - 1];
		samples[j] = v;
	}
	return n ? samples[n / 2] : 0;
}

/* One pass over pages [from, to): times every access that faulted. */
static size_t pass(volatile uint8_t *p, size_t from, size_t to, bool write)
{
	size_t n = 0;

	for (size_t i = from; i < to; i++) {
		unsigned long f0 = k_mem_num_pagefaults_get();
		uint64_t t0 = timing_tsc();

		if (write)
			p[i * PAGE_SIZE] = (uint8_t)i;
		else
			(void)p[i * PAGE_SIZE];
		t0 = timing_tsc() - t0;
		if (k_mem_num_pagefaults_get() != f0 && n < MAX_SAMPLES)
			samples[n++] = t0;
	}
	return n;
}

static void report(const char *name, size_t n, const struct k_mem_paging_stats *a)
{
	struct k_mem_paging_stats b;

	k_mem_paging_stats_get(&b);
	printk("paging_bench: %s median %lu cycles, %zu faults, %lu clean / "
	       "%lu dirty evictions\n", name, (unsigned long)median(n), n,
	       (unsigned long)(b.eviction.clean - a->eviction.clean),
	       (unsigned long)(b.eviction.dirty - a->eviction.dirty));
}

int main(int argc, char **argv)
{
	size_t frames = k_mem_free_get() / PAGE_SIZE, n = 2 * frames, k = 64;
	volatile uint8_t *p = k_mem_map(n * PAGE_SIZE, K_MEM_PERM_RW);
	struct k_mem_paging_stats a;
	size_t m;

	(void)argc;
	(void)argv;
	if (!p) {
		printk("paging_bench: FAIL: no arena of %zu pages\n", n);
		return 1;
	}
	printk("paging_bench: copy-4k %lu cycles\n", (unsigned long)timing_copy_4k());
	k_mem_paging_stats_get(&a);
	m = pass(p, 0, k, true);
	report("zero-fill", m, &a);
	pass(p, k, n, true);
	k_mem_paging_stats_get(&a);
	m = pass(p, 0, n, true);
	report("page-in-dirty", m, &a);
	pass(p, 0, n, false);
	k_mem_paging_stats_get(&a);
	m = pass(p, 0, n, false);
	report("page-in-clean", m, &a);
	printk("paging_bench: copy-4k %lu cycles\n", (unsigned long)timing_copy_4k());
	k_mem_unmap((void *)p, n * PAGE_SIZE);
	return 0;
}
