/*
 * tests/suites/paging/pin_unpin.c - k_mem_pin and k_mem_unpin (Zephyr's
 * test_k_mem_pin / test_k_mem_unpin): pinned pages stay in their frames
 * and take no fault while an arena larger than memory churns through
 * the rest; they refuse page-out and frame eviction (-EBUSY); unpinned,
 * they page out again.  A pin of more pages than there are frames is
 * -ENOMEM and changes nothing.  Memory is squeezed first (paging_suite.h)
 * so the churn is small whatever mem= the suite runs with.
 */
#include "paging_suite.h"

#define PINNED 32
#define POINTS 14       /* of the pressured part, skipped without pressure */

/* Pages of [p, p + pages) not in the frame phys[] recorded. */
static size_t moved(const char *p, const uint64_t *phys, size_t pages)
{
	size_t bad = 0;

	for (size_t i = 0; i < pages; i++) {
		uint64_t now;

		bad += k_mem_translate(p + i * PAGE_SIZE, &now, NULL) != 0 ||
		       now != phys[i];
	}
	return bad;
}

/* Writes and checks an arena of `pages` pages, then unmaps it; returns
 * the faults it took, or 0 if its map failed. */
static unsigned long churn(size_t pages)
{
	unsigned long f0 = k_mem_num_pagefaults_get();
	char *c = k_mem_map(pages * PAGE_SIZE, K_MEM_PERM_RW);
	size_t bad;

	if (!c)
		return 0;
	suite_fill(c, pages, 3);
	bad = suite_bad_pages(c, pages, 3);
	k_mem_unmap(c, pages * PAGE_SIZE);
	return bad ? 0 : k_mem_num_pagefaults_get() - f0;
}

/* 6 points: pinned pages survive churn untouched and refuse eviction. */
static void pinned_under_churn(char *p, uint64_t *phys, size_t free_frames)
{
	unsigned long churn_faults, faults;

	efimm_test_ok(k_mem_pin(p, PINNED * PAGE_SIZE) == 0, "k_mem_pin of %d pages",
		      PINNED);
	for (size_t i = 0; i < PINNED; i++)
		k_mem_translate(p + i * PAGE_SIZE, &phys[i], NULL);
	churn_faults = churn(free_frames + free_frames / 2);
	efimm_test_ok(churn_faults > free_frames, "an arena of 1.5x free memory "
		      "churned (%lu faults, data intact)", churn_faults);
	faults = suite_faults_touching(p, PINNED, true);
	efimm_test_ok(faults == 0, "touching the pinned pages: %lu faults", faults);
	efimm_test_ok(moved(p, phys, PINNED) == 0 && suite_bad_pages(p, PINNED, 1) == 0,
		      "pinned pages kept their frames and their data");
	efimm_test_ok(k_mem_page_out(p, PAGE_SIZE) == -EBUSY,
		      "k_mem_page_out of a pinned page: -EBUSY");
	efimm_test_ok(k_mem_page_frame_evict(phys[1]) == -EBUSY &&
		      moved(p, phys, PINNED) == 0,
		      "k_mem_page_frame_evict of a pinned frame: -EBUSY, nothing moved");
}

/* 2 points: unpinned, the pages page out and fault in again. */
static void unpinned(char *p)
{
	unsigned long faults;

	efimm_test_ok(k_mem_unpin(p, PINNED * PAGE_SIZE) == 0 &&
		      k_mem_page_out(p, PINNED * PAGE_SIZE) == 0,
		      "k_mem_unpin, then k_mem_page_out works");
	faults = suite_faults_touching(p, PINNED, false);
	efimm_test_ok(faults == PINNED && suite_bad_pages(p, PINNED, 1) == 0,
		      "unpinned pages: %lu faults (want %d), data intact", faults,
		      PINNED);
}

/* 4 points: pinning more than memory is refused whole. */
static void pin_too_many(size_t free_frames)
{
	size_t n = free_frames + 100, free0;
	char *p = k_mem_map(n * PAGE_SIZE, K_MEM_PERM_RW);
	struct k_mem_paging_stats a, b;
	int err;

	if (!efimm_test_ok(p != NULL, "k_mem_map of %zu pages", n))
		return;
	suite_fill(p, 16, 4);
	a = suite_stats();
	free0 = k_mem_free_get();
	err = k_mem_pin(p, n * PAGE_SIZE);
	b = suite_stats();
	efimm_test_ok(err == -ENOMEM, "k_mem_pin of %zu pages with %zu frames "
		      "free: %d (want -ENOMEM)", n, free_frames, err);
	efimm_test_ok(k_mem_free_get() == free0 &&
		      b.eviction.clean + b.eviction.dirty ==
		      a.eviction.clean + a.eviction.dirty &&
		      suite_bad_pages(p, 16, 4) == 0,
		      "the refused pin evicted nothing, data intact");
	efimm_test_ok(k_mem_page_out(p, 16 * PAGE_SIZE) == 0,
		      "nothing was left pinned (page-out works)");
	k_mem_unmap(p, n * PAGE_SIZE);
}

/* 1 point: the pressured part, when memory could be squeezed. */
static void pressured(void)
{
	struct suite_ballast b;
	uint64_t phys[PINNED];
	size_t free_bytes = suite_squeeze(&b);
	char *p;

	if (free_bytes > SUITE_MAX_PRESSURED) {
		for (int i = 0; i < POINTS; i++)
			efimm_test_skip("%zu KiB free after squeezing: no pressure",
					free_bytes >> 10);
		suite_release(&b);
		return;
	}
	p = k_mem_map(PINNED * PAGE_SIZE, K_MEM_PERM_RW);
	if (!efimm_test_ok(p != NULL, "k_mem_map of %d pages, %zu KiB free",
			   PINNED, free_bytes >> 10))
		return;
	suite_fill(p, PINNED, 1);
	pinned_under_churn(p, phys, free_bytes / PAGE_SIZE);
	unpinned(p);
	k_mem_unmap(p, PINNED * PAGE_SIZE);
	pin_too_many(suite_free_frames());
	efimm_test_ok(suite_release(&b) == 0, "release the squeezed memory");
}

/* 3 points: locked maps and bad ranges. */
static void refusals(void)
{
	char *p = k_mem_map(4 * PAGE_SIZE, K_MEM_PERM_RW | K_MEM_MAP_LOCK);

	efimm_test_ok(p && k_mem_page_out(p, 4 * PAGE_SIZE) == -EBUSY,
		      "k_mem_page_out of a K_MEM_MAP_LOCK mapping: -EBUSY");
	efimm_test_ok(k_mem_pin((void *)0x1000, PAGE_SIZE) == -EINVAL &&
		      k_mem_pin(p + 8, PAGE_SIZE) == -EINVAL &&
		      k_mem_pin(p, 5 * PAGE_SIZE) == -EINVAL,
		      "k_mem_pin of unmapped, unaligned, past the end: -EINVAL");
	efimm_test_ok(k_mem_unpin(p + 8, PAGE_SIZE) == -EINVAL &&
		      k_mem_unpin(p - PAGE_SIZE, PAGE_SIZE) == -EINVAL,
		      "k_mem_unpin of unaligned, a guard page: -EINVAL");
	if (p)
		k_mem_unmap(p, 4 * PAGE_SIZE);
}

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	efimm_test_plan(1 + POINTS + 3);
	efimm_test_ok(suite_pin_self(true) == 0, "pin the payload's image and stack");
	pressured();
	refusals();
	return 0;
}
