/*
 * tests/suites/smp/batch.c - TLB shootdowns come in batches (README
 * "Multiple CPUs"): a page-out of 64 resident pages is one round of IPIs,
 * not 64; 65 pages are two; an unmap of all 65 pages is two as well
 * (one per 64 pages: each batch's frames are freed after its round).  Counted through
 * k_mem_paging_stats' tlb part.  CPU 1 reads every page before (so it
 * holds their translations) and after each page-out (each page's index
 * and round come back intact).  Needs 2 CPUs or more (skips on one).
 */
#include "efimm.h"

#define PAGES 65
#define WORDS (4096 / 8)

static uint64_t *pages;
static volatile uint64_t bad;

/* Fills every page with (round << 32 | index). */
static void fill(uint64_t round)
{
	for (int i = 0; i < PAGES; i++)
		for (int w = 0; w < WORDS; w++)
			pages[(size_t)i * WORDS + w] = round << 32 | (uint64_t)i;
}

/* On CPU 1: counts the words that do not hold round's tag. */
static void check(void *arg)
{
	uint64_t round = (uint64_t)(uintptr_t)arg, n = 0;

	for (int i = 0; i < PAGES; i++)
		for (int w = 0; w < WORDS; w++)
			n += pages[(size_t)i * WORDS + w] != (round << 32 | (uint64_t)i);
	bad = n;
}

static uint64_t check_on_cpu1(uint64_t round)
{
	bad = ~0ULL;
	if (efimm_smp_start(1, check, (void *)(uintptr_t)round) != 0 ||
	    efimm_smp_wait(1) != 0)
		return ~0ULL;
	return bad;
}

/* The page-out of n pages: its rounds, pages and IPIs. */
static void page_out(int n, uint64_t round, int cpus)
{
	struct k_mem_paging_stats a, b;
	int err;

	fill(round);
	efimm_test_ok(check_on_cpu1(round) == 0, "CPU 1 reads round %lu",
		      (unsigned long)round);
	k_mem_paging_stats_get(&a);
	err = k_mem_page_out(pages, (size_t)n * 4096);
	k_mem_paging_stats_get(&b);
	efimm_test_ok(err == 0 && b.tlb.shootdowns - a.tlb.shootdowns ==
		      (uint64_t)(n + 63) / 64 && b.tlb.pages - a.tlb.pages == (uint64_t)n &&
		      b.tlb.ipis - a.tlb.ipis == (uint64_t)(n + 63) / 64 * (uint64_t)(cpus - 1),
		      "page-out of %d pages: %d, %lu rounds carrying %lu pages, %lu IPIs",
		      n, err, (unsigned long)(b.tlb.shootdowns - a.tlb.shootdowns),
		      (unsigned long)(b.tlb.pages - a.tlb.pages),
		      (unsigned long)(b.tlb.ipis - a.tlb.ipis));
	efimm_test_ok(check_on_cpu1(round) == 0, "CPU 1 reads round %lu back after it",
		      (unsigned long)round);
}

static void unmap(int cpus)
{
	struct k_mem_paging_stats a, b;
	int err;

	k_mem_paging_stats_get(&a);
	err = k_mem_unmap(pages, PAGES * 4096);
	k_mem_paging_stats_get(&b);
	efimm_test_ok(err == 0 && b.tlb.shootdowns - a.tlb.shootdowns == 2 &&
		      b.tlb.pages - a.tlb.pages == PAGES &&
		      b.tlb.ipis - a.tlb.ipis == 2 * (uint64_t)(cpus - 1),
		      "unmap of %d pages: %d, %lu rounds carrying %lu pages, %lu IPIs",
		      PAGES, err, (unsigned long)(b.tlb.shootdowns - a.tlb.shootdowns),
		      (unsigned long)(b.tlb.pages - a.tlb.pages),
		      (unsigned long)(b.tlb.ipis - a.tlb.ipis));
}

int main(void)
{
	int n = efimm_cpu_count();

	efimm_test_plan(8);
	if (n < 2) {
		for (int i = 0; i < 8; i++)
			efimm_test_skip("one CPU online: no shootdowns");
		return 0;
	}
	pages = k_mem_map(PAGES * 4096, K_MEM_PERM_RW);
	efimm_test_ok(pages != 0, "%d pages", PAGES);
	page_out(64, 1, n);
	page_out(65, 2, n);
	unmap(n);
	return 0;
}
