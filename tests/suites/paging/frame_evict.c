/*
 * tests/suites/paging/frame_evict.c - k_mem_page_frame_evict by physical
 * address: the page in the frame goes out and comes back intact at its
 * next touch, a free frame is 0, frames that are not pageable (pinned,
 * locked, efimm's own) are -EBUSY, an address that is not RAM is -EINVAL.
 * Then the payload evicts the frame of the very stack page it runs on,
 * and pages its whole stack out: both come back intact.
 */
#include "paging_suite.h"

#define PAGES 8

/* 5 points: one frame of a mapping evicted by its physical address. */
static void evict_one(char *p)
{
	uint64_t phys;
	unsigned long faults;
	int err;

	suite_fill(p, PAGES, 1);
	k_mem_translate(p + 2 * PAGE_SIZE, &phys, NULL);
	err = k_mem_page_frame_evict(phys);
	efimm_test_ok(err == 0, "k_mem_page_frame_evict(0x%lx): %d",
		      (unsigned long)phys, err);
	efimm_test_ok(k_mem_translate(p + 2 * PAGE_SIZE, NULL, NULL) == -EAGAIN &&
		      k_mem_translate(p + PAGE_SIZE, NULL, NULL) == 0 &&
		      k_mem_translate(p + 3 * PAGE_SIZE, NULL, NULL) == 0,
		      "only that page is paged out");
	efimm_test_ok(k_mem_page_frame_evict(phys) == 0,
		      "evicting the now free frame again: 0");
	faults = suite_faults_touching(p + 2 * PAGE_SIZE, 1, false);
	efimm_test_ok(faults == 1, "its next touch: %lu fault", faults);
	efimm_test_ok(suite_bad_pages(p, PAGES, 1) == 0, "data intact");
}

/* 3 points: frames that are not pageable. */
static void not_pageable(char *p)
{
	char *locked = k_mem_map(PAGE_SIZE, K_MEM_PERM_RW | K_MEM_MAP_LOCK);
	struct efimm_info info;
	uint64_t phys = 0, efimm_phys = 0;
	int err;

	k_mem_pin(p, PAGE_SIZE);
	k_mem_translate(p, &phys, NULL);
	err = k_mem_page_frame_evict(phys);
	k_mem_unpin(p, PAGE_SIZE);
	efimm_test_ok(err == -EBUSY, "evicting a pinned page's frame: %d (want "
		      "-EBUSY)", err);
	phys = 0;
	if (locked)
		k_mem_translate(locked, &phys, NULL);
	efimm_test_ok(locked && k_mem_page_frame_evict(phys) == -EBUSY,
		      "evicting a K_MEM_MAP_LOCK frame: -EBUSY");
	err = efimm_info_get(&info);
	if (err == 0)
		err = k_mem_translate((const void *)info.efimm_data, &efimm_phys, NULL);
	efimm_test_ok(err == 0 && k_mem_page_frame_evict(efimm_phys) == -EBUSY,
		      "evicting a frame of efimm's data (0x%lx): -EBUSY",
		      (unsigned long)efimm_phys);
	if (locked)
		k_mem_unmap(locked, PAGE_SIZE);
}

/* 1 point. */
static void not_ram(void)
{
	int err = k_mem_page_frame_evict(1ull << 50);

	efimm_test_ok(err == -EINVAL, "evicting 0x%llx (not RAM): %d (want -EINVAL)",
		      1ull << 50, err);
}

/*
 * 3 points: the stack page this frame is on, evicted by its frame while
 * efimm serves the call, then the whole stack paged out; noinline so the
 * marks live in this function's own frame.
 */
static __attribute__((noinline)) void stack_out(void)
{
	volatile uint64_t mark[64];
	uintptr_t page = (uintptr_t)mark & ~(PAGE_SIZE - 1), lo, hi;
	uint64_t phys = 0;
	size_t bad = 0;
	int err;

	for (size_t i = 0; i < 64; i++)
		mark[i] = suite_word(i, 0, 7);
	k_mem_translate((void *)page, &phys, NULL);
	err = k_mem_page_frame_evict(phys);
	efimm_test_ok(err == 0, "evicting the frame of the running stack page: %d",
		      err);
	suite_stack_range(&lo, &hi);
	err = k_mem_page_out((void *)lo, hi - lo);
	efimm_test_ok(err == 0, "k_mem_page_out of the whole stack (%zu pages): %d",
		      (size_t)(hi - lo) / PAGE_SIZE, err);
	for (size_t i = 0; i < 64; i++)
		bad += mark[i] != suite_word(i, 0, 7);
	efimm_test_ok(bad == 0, "the stack came back intact (%zu words changed)", bad);
}

int main(int argc, char **argv)
{
	char *p = k_mem_map(PAGES * PAGE_SIZE, K_MEM_PERM_RW);

	(void)argc;
	(void)argv;
	efimm_test_plan(1 + 5 + 3 + 1 + 3);
	if (!efimm_test_ok(p != NULL, "k_mem_map of %d pages", PAGES))
		return 1;
	evict_one(p);
	not_pageable(p);
	not_ram();
	stack_out();
	k_mem_unmap(p, PAGES * PAGE_SIZE);
	return 0;
}
