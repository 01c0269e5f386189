/*
 * payload/paging_bench.c - cycles (rdtsc) of the mapping calls and of
 * serving a page fault, as a ratio to copying 4 KiB measured in the same
 * boot (tools/bench_paging.py runs it under QEMU -icount, where the TSC
 * counts instructions):
 *
 *   map               k_mem_map of MAP_PAGES lazy pages, per page
 *   unmap             k_mem_unmap of those pages once all were touched,
 *                     per page
 *   zero-fill         first touch of lazy memory, free frames available
 *   page-in, dirty    a paged-out page read back; the victim was written
 *   page-in, clean    a paged-out page read back; the victim was only read
 *                     since its own page-in (its store copy is valid: no
 *                     write)
 *
 * Each figure is the median (and the mean) over the faulting accesses of
 * one pass over an arena twice the free memory; the eviction counters of each pass are
 * printed with it, to show the victims were of the intended kind.  Run
 * with mem= small and swap= at least twice mem.
 *
 * The map and unmap figures are the medians of MAP_ROUNDS rounds, taken
 * before the arena exists, so touching the pages evicts nothing.
 *
 * Prints "paging_bench: NAME median N cycles, mean M cycles, F faults, E1
 * clean / E2 dirty evictions" per fault figure, "paging_bench: map|unmap N cycles
 * per page, P pages, E evictions" and "paging_bench: copy-4k N cycles"
 * (rep movsb, the yardstick) and "paging_bench: copy-4k-movsq N cycles"
 * (the same copy as 512 rep movsq steps: under TCG every step of a rep
 * instruction counts as one instruction).
 */
#include "efimm.h"
#include "../lib/timing.h"

#define MAX_SAMPLES 8192
#define MAP_PAGES 256
#define MAP_ROUNDS 5

static uint64_t samples[MAX_SAMPLES];

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
	uint64_t avg = efimm_mean_u64(samples, n);

	k_mem_paging_stats_get(&b);
	printk("paging_bench: %s median %lu cycles, mean %lu cycles, %zu faults, "
	       "%lu clean / %lu dirty evictions\n", name,
	       (unsigned long)efimm_median_u64(samples, n), (unsigned long)avg, n,
	       (unsigned long)(b.eviction.clean - a->eviction.clean),
	       (unsigned long)(b.eviction.dirty - a->eviction.dirty));
}

static uint8_t copy_src[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static uint8_t copy_dst[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));

/* Cycles of the 4 KiB copy as 512 rep movsq steps, the smallest of 16:
 * shows what one step of a rep instruction counts under TCG. */
static uint64_t copy_4k_movsq(void)
{
	uint64_t best = ~0ULL;

	for (int i = 0; i < 16; i++) {
		void *d = copy_dst;
		const void *s = copy_src;
		size_t n = PAGE_SIZE / 8;
		uint64_t t0 = timing_tsc();

		__asm__ volatile("rep movsq" : "+D"(d), "+S"(s), "+c"(n) : : "memory");
		t0 = timing_tsc() - t0;
		best = t0 < best ? t0 : best;
	}
	return best;
}

/* One round of map, touch, unmap of MAP_PAGES pages; stores the cycles
 * per page of the map and of the unmap.  Returns false if a call failed. */
static bool map_round(uint64_t *map, uint64_t *unmap)
{
	uint64_t t0 = timing_tsc();
	volatile uint8_t *p = k_mem_map(MAP_PAGES * PAGE_SIZE, K_MEM_PERM_RW);
	int rc;

	*map = (timing_tsc() - t0) / MAP_PAGES;
	if (!p)
		return false;
	for (size_t i = 0; i < MAP_PAGES; i++)
		p[i * PAGE_SIZE] = 1;
	t0 = timing_tsc();
	rc = k_mem_unmap((void *)p, MAP_PAGES * PAGE_SIZE);
	*unmap = (timing_tsc() - t0) / MAP_PAGES;
	return rc == 0;
}

/* Medians of MAP_ROUNDS rounds of map_round; false if a call failed. */
static bool bench_map_unmap(void)
{
	uint64_t map[MAP_ROUNDS], unmap[MAP_ROUNDS];
	struct k_mem_paging_stats a, b;
	unsigned long ev;

	k_mem_paging_stats_get(&a);
	for (int r = 0; r < MAP_ROUNDS; r++) {
		if (!map_round(&map[r], &unmap[r])) {
			printk("paging_bench: FAIL: map/unmap of %d pages\n", MAP_PAGES);
			return false;
		}
	}
	k_mem_paging_stats_get(&b);
	ev = (unsigned long)(b.eviction.clean + b.eviction.dirty -
			     a.eviction.clean - a.eviction.dirty);
	for (int r = 0; r < MAP_ROUNDS; r++)
		samples[r] = map[r];
	printk("paging_bench: map %lu cycles per page, %d pages, %lu evictions\n",
	       (unsigned long)efimm_median_u64(samples, MAP_ROUNDS), MAP_PAGES, ev);
	for (int r = 0; r < MAP_ROUNDS; r++)
		samples[r] = unmap[r];
	printk("paging_bench: unmap %lu cycles per page, %d pages, %lu evictions\n",
	       (unsigned long)efimm_median_u64(samples, MAP_ROUNDS), MAP_PAGES, ev);
	return true;
}

int main(int argc, char **argv)
{
	size_t frames, n, k = 64;
	volatile uint8_t *p;
	struct k_mem_paging_stats a;
	size_t m;

	(void)argc;
	(void)argv;
	printk("paging_bench: copy-4k %lu cycles\n", (unsigned long)timing_copy_4k());
	printk("paging_bench: copy-4k-movsq %lu cycles\n",
	       (unsigned long)copy_4k_movsq());
	if (!bench_map_unmap())
		return 1;
	frames = k_mem_free_get() / PAGE_SIZE;
	n = 2 * frames;
	p = k_mem_map(n * PAGE_SIZE, K_MEM_PERM_RW);
	if (!p) {
		printk("paging_bench: FAIL: no arena of %zu pages\n", n);
		return 1;
	}
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
