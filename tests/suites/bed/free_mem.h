/*
 * tests/suites/bed/free_mem.h - the line free_mem_first.c and
 * free_mem_last.c print at the start of their main: what every payload
 * of a suite must find, since each starts from the suite's baseline.
 * tests/boot/test_suites.py compares the two lines of one boot.
 */
#ifndef BED_FREE_MEM_H
#define BED_FREE_MEM_H

#include "efimm.h"

/* Prints "bed: free_mem WHEN: free KiB N, store slots free M of T" and
 * records it as one passing point. */
static inline void free_mem_report(const char *when)
{
	struct k_mem_paging_stats s;
	size_t free = k_mem_free_get();

	k_mem_paging_stats_get(&s);
	printk("bed: free_mem %s: free KiB %zu, store slots free %lu of %lu\n",
	       when, free >> 10, (unsigned long)s.store_slots_free,
	       (unsigned long)s.store_slots);
	efimm_test_ok(free > 0, "free memory at the start of the %s payload: "
		      "%zu KiB", when, free >> 10);
}

#endif
