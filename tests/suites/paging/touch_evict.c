/*
 * tests/suites/paging/touch_evict.c - an anonymous arena larger than
 * memory, touched byte by byte (Zephyr's test_map_anon_pages and
 * test_touch_anon_pages): free memory plus half the free store slots,
 * zeroed at first read, a written pattern read back intact, faults
 * served and dirty pages evicted while writing, clean ones while only
 * reading, and the arena zeroed again at the end.  Memory is squeezed
 * first so the arena is a few MiB whatever mem= the suite runs with.
 */
#include "paging_suite.h"

#define POINTS 7        /* skipped together without pressure */

static const char nums[] = "0123456789";

/* Bytes of p[0, size) that are not the digits pattern. */
static size_t pattern_mismatches(const volatile char *p, size_t size)
{
	size_t bad = 0;

	for (size_t i = 0; i < size; i++)
		bad += p[i] != nums[i % 10];
	return bad;
}

/* 6 points: zero, write, read back, the counters. */
static void touch(volatile char *arena, size_t size)
{
	struct k_mem_paging_stats a = suite_stats(), b, c;
	size_t bad;

	efimm_test_ok(suite_nonzero_pages((const char *)arena, size / PAGE_SIZE) == 0,
		      "the arena reads all zero");
	for (size_t i = 0; i < size; i++)
		arena[i] = nums[i % 10];
	bad = pattern_mismatches(arena, size);
	b = suite_stats();
	efimm_test_ok(bad == 0, "written pattern reads back (%zu bad bytes)", bad);
	efimm_test_ok(b.pagefaults.cnt - a.pagefaults.cnt >= size / PAGE_SIZE,
		      "%lu page faults served",
		      (unsigned long)(b.pagefaults.cnt - a.pagefaults.cnt));
	efimm_test_ok(b.eviction.dirty > a.eviction.dirty, "%lu dirty evictions",
		      (unsigned long)(b.eviction.dirty - a.eviction.dirty));
	bad = pattern_mismatches(arena, size);
	c = suite_stats();
	efimm_test_ok(bad == 0 && c.eviction.clean > b.eviction.clean,
		      "reading it again: intact, %lu clean evictions",
		      (unsigned long)(c.eviction.clean - b.eviction.clean));
	memset((char *)arena, 0, size);
	efimm_test_ok(suite_nonzero_pages((const char *)arena, size / PAGE_SIZE) == 0,
		      "zeroed again");
}

int main(int argc, char **argv)
{
	struct suite_ballast ballast;
	size_t free_bytes = suite_squeeze(&ballast), size;
	struct k_mem_paging_stats s = suite_stats();
	char *arena;

	(void)argc;
	(void)argv;
	efimm_test_plan(POINTS + 1);
	if (free_bytes > SUITE_MAX_PRESSURED) {
		for (int i = 0; i < POINTS; i++)
			efimm_test_skip("%zu KiB free after squeezing: no pressure",
					free_bytes >> 10);
		efimm_test_ok(suite_release(&ballast) == 0, "release");
		return 0;
	}
	size = free_bytes + s.store_slots_free / 2 * PAGE_SIZE;
	arena = k_mem_map(size, K_MEM_PERM_RW);
	if (!efimm_test_ok(arena != NULL, "k_mem_map of %zu KiB (%zu KiB free)",
			   size >> 10, free_bytes >> 10))
		return 1;
	touch(arena, size);
	k_mem_unmap(arena, size);
	efimm_test_ok(suite_release(&ballast) == 0, "release the squeezed memory");
	return 0;
}
