/*
 * tests/suites/paging/page_out_in.c - k_mem_page_out and k_mem_page_in
 * (Zephyr's test_k_mem_page_out / test_k_mem_page_in): a paged-out page
 * costs exactly one fault at its next touch and comes back intact, a
 * paged-in one costs none; bad ranges are -EINVAL and a page-out the
 * store cannot take is -ENOMEM, both changing nothing.  The payload's
 * own image and stack are pinned so that the fault counts are exact.
 */
#include "paging_suite.h"

#define PAGES 64
#define HALF  (PAGES / 2)

/* 5 points: page-out frees the frames; each page faults once. */
static void page_out(char *p)
{
	size_t free0 = suite_free_frames(), freed;
	unsigned long faults;
	int err = k_mem_page_out(p, HALF * PAGE_SIZE);

	freed = suite_free_frames() - free0;
	efimm_test_ok(err == 0, "k_mem_page_out of %d pages: %d", HALF, err);
	efimm_test_ok(suite_translate_mismatches(p, HALF, -EAGAIN) == 0 &&
		      suite_translate_mismatches(p + HALF * PAGE_SIZE, HALF, 0) == 0,
		      "paged-out pages translate -EAGAIN, the others stay resident");
	efimm_test_ok(freed == HALF, "page-out freed %zu frames", freed);
	faults = suite_faults_touching(p, HALF, true);
	efimm_test_ok(faults == HALF, "writing the paged-out pages: %lu faults "
		      "(want %d)", faults, HALF);
	efimm_test_ok(suite_bad_pages(p, PAGES, 1) == 0,
		      "data intact after page-out and fault-in");
}

/* 4 points: page-in makes the next touch free. */
static void page_in(char *p)
{
	unsigned long faults;

	efimm_test_ok(k_mem_page_out(p, PAGES * PAGE_SIZE) == 0 &&
		      k_mem_page_out(p, PAGES * PAGE_SIZE) == 0,
		      "k_mem_page_out of all %d pages, twice", PAGES);
	efimm_test_ok(k_mem_page_in(p, PAGES * PAGE_SIZE) == 0 &&
		      k_mem_page_in(p, PAGES * PAGE_SIZE) == 0,
		      "k_mem_page_in of all %d pages, twice", PAGES);
	faults = suite_faults_touching(p, PAGES, true);
	efimm_test_ok(faults == 0 && suite_translate_mismatches(p, PAGES, 0) == 0,
		      "paged-in pages resident, writing them: %lu faults", faults);
	efimm_test_ok(suite_bad_pages(p, PAGES, 1) == 0,
		      "data intact after page-out and page-in");
}

/* 2 points: ranges that are not pageable memory change nothing. */
static void bad_ranges(char *p)
{
	efimm_test_ok(k_mem_page_out(p + 8, PAGE_SIZE) == -EINVAL &&
		      k_mem_page_out(p, 0) == -EINVAL &&
		      k_mem_page_out(p, PAGE_SIZE + 8) == -EINVAL &&
		      k_mem_page_out(p, (PAGES + 1) * PAGE_SIZE) == -EINVAL &&
		      k_mem_page_out((void *)0x1000, PAGE_SIZE) == -EINVAL &&
		      k_mem_page_in(p - PAGE_SIZE, 2 * PAGE_SIZE) == -EINVAL,
		      "unaligned, empty, into a guard page, unmapped: -EINVAL");
	efimm_test_ok(suite_translate_mismatches(p, PAGES, 0) == 0,
		      "the refused calls paged nothing out");
}

/* Fills all but `keep` free store slots with a region of its own,
 * paged out 64 pages at a time (so it needs little memory).  Returns its
 * size in pages; *filler gets its address (NULL if the map failed). */
static size_t fill_store(size_t keep, char **filler)
{
	struct k_mem_paging_stats s = suite_stats();
	size_t n = s.store_slots_free > keep ? s.store_slots_free - keep : 0;

	*filler = n ? k_mem_map(n * PAGE_SIZE, K_MEM_PERM_RW) : NULL;
	if (!*filler)
		return 0;
	for (size_t i = 0; i < n; i += 64) {
		size_t m = n - i < 64 ? n - i : 64;

		suite_faults_touching(*filler + i * PAGE_SIZE, m, true);
		k_mem_page_out(*filler + i * PAGE_SIZE, m * PAGE_SIZE);
	}
	return n;
}

/* 5 points: a page-out larger than the store's room is -ENOMEM and
 * changes nothing; unmapping the store's filler gives its slots back.
 * A fresh region: pages paged in before keep their store copies and
 * would need no new slot. */
static void store_full(void)
{
	struct k_mem_paging_stats a, b;
	char *p = k_mem_map(PAGES * PAGE_SIZE, K_MEM_PERM_RW), *filler;
	size_t free0, n;
	int err;

	if (!efimm_test_ok(p != NULL, "k_mem_map of %d more pages", PAGES))
		return;
	suite_fill(p, PAGES, 2);
	n = fill_store(HALF / 2, &filler);
	a = suite_stats();
	free0 = k_mem_free_get();
	err = k_mem_page_out(p, PAGES * PAGE_SIZE);
	b = suite_stats();
	efimm_test_ok(filler && err == -ENOMEM, "k_mem_page_out of %d pages with "
		      "%lu store slots free: %d (want -ENOMEM)", PAGES,
		      (unsigned long)a.store_slots_free, err);
	efimm_test_ok(b.store_slots_free == a.store_slots_free &&
		      k_mem_free_get() == free0 &&
		      suite_translate_mismatches(p, PAGES, 0) == 0 &&
		      suite_bad_pages(p, PAGES, 2) == 0,
		      "the refused page-out changed nothing");
	efimm_test_ok(filler && k_mem_unmap(filler, n * PAGE_SIZE) == 0,
		      "unmap of %zu paged-out pages", n);
	b = suite_stats();
	efimm_test_ok(b.store_slots_free == a.store_slots_free + n,
		      "unmap gave their store slots back: %lu free",
		      (unsigned long)b.store_slots_free);
	k_mem_unmap(p, PAGES * PAGE_SIZE);
}

int main(int argc, char **argv)
{
	char *p;

	(void)argc;
	(void)argv;
	efimm_test_plan(2 + 5 + 4 + 2 + 1 + 5);
	efimm_test_ok(suite_pin_self(true) == 0, "pin the payload's image and stack");
	p = k_mem_map(PAGES * PAGE_SIZE, K_MEM_PERM_RW);
	if (!efimm_test_ok(p != NULL, "k_mem_map of %d pages", PAGES))
		return 1;
	suite_fill(p, PAGES, 1);
	page_out(p);
	page_in(p);
	bad_ranges(p);
	efimm_test_ok(k_mem_unmap(p, PAGES * PAGE_SIZE) == 0, "unmap");
	store_full();
	return 0;
}
