/*
 * tests/suites/paging/store_capacity.c - the backing store filled
 * (Zephyr's test_backing_store_capacity): an arena as large as free
 * memory plus the free store slots, less a small margin (page tables,
 * slack), is written and read back whole; the faults are all served, the
 * store ends (nearly) full, and unmapping the arena gives every frame and
 * slot back.  Memory is squeezed first so the arena is a few MiB; the
 * payload's own image and stack are pinned, so the arena is all there
 * is to page.
 */
#include "paging_suite.h"

#define POINTS 7        /* skipped together without pressure */

/* Pages the arena leaves free: its own page tables and slack.  The
 * payload's image and stack are pinned, so they need no store room. */
#define MARGIN 64

/* 5 points: the arena written, read back, the store full. */
static void fill_arena(char *p, size_t pages)
{
	struct k_mem_paging_stats a = suite_stats(), b;
	unsigned long f0 = k_mem_num_pagefaults_get(), faults;
	size_t bad, left;

	suite_fill(p, pages, 1);
	bad = suite_bad_pages(p, pages, 1);
	faults = k_mem_num_pagefaults_get() - f0;
	b = suite_stats();
	left = suite_free_frames() + b.store_slots_free;
	efimm_test_ok(faults >= pages, "%lu faults served for %zu pages", faults,
		      pages);
	efimm_test_ok(bad == 0, "every page read back intact (%zu bad)", bad);
	efimm_test_ok(b.eviction.dirty - a.eviction.dirty > 0 &&
		      b.page_ins - a.page_ins > 0,
		      "dirty evictions %lu, page-ins %lu",
		      (unsigned long)(b.eviction.dirty - a.eviction.dirty),
		      (unsigned long)(b.page_ins - a.page_ins));
	efimm_test_ok(left <= MARGIN, "memory and store nearly full: %zu free "
		      "frames and slots left (margin %d)", left, MARGIN);
	efimm_test_ok(k_mem_num_pagefaults_get() == b.pagefaults.cnt,
		      "k_mem_num_pagefaults_get agrees with the statistics");
}

int main(int argc, char **argv)
{
	struct suite_ballast ballast;
	size_t free_bytes = suite_squeeze(&ballast), free0, slots0, pages;
	struct k_mem_paging_stats s = suite_stats();
	char *p;

	(void)argc;
	(void)argv;
	efimm_test_plan(POINTS + 2);
	efimm_test_ok(suite_pin_self(true) == 0, "pin the payload's image and stack");
	if (free_bytes > SUITE_MAX_PRESSURED || s.store_slots_free < 256) {
		for (int i = 0; i < POINTS; i++)
			efimm_test_skip("%zu KiB free after squeezing, %lu store "
					"slots: not a small memory over a store",
					free_bytes >> 10, (unsigned long)s.store_slots_free);
		efimm_test_ok(suite_release(&ballast) == 0, "release");
		return 0;
	}
	pages = free_bytes / PAGE_SIZE + s.store_slots_free - MARGIN;
	free0 = k_mem_free_get();
	slots0 = s.store_slots_free;
	p = k_mem_map(pages * PAGE_SIZE, K_MEM_PERM_RW);
	if (!efimm_test_ok(p != NULL, "k_mem_map of %zu pages (%zu KiB free, %zu "
			   "store slots)", pages, free_bytes >> 10, slots0))
		return 1;
	fill_arena(p, pages);
	efimm_test_ok(k_mem_unmap(p, pages * PAGE_SIZE) == 0 &&
		      k_mem_free_get() == free0 &&
		      suite_stats().store_slots_free == slots0,
		      "unmap gave the frames and slots back");
	efimm_test_ok(suite_release(&ballast) == 0, "release the squeezed memory");
	return 0;
}
