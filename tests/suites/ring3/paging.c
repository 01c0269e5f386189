/*
 * tests/suites/ring3/paging.c - demand paging of user pages, unchanged
 * by ring 3: the payload's first touches of lazy k_mem_map memory are
 * zero-fill faults efimm serves, a paged-out page comes back at its next
 * touch with its data, pin keeps pages resident (a page-out of them is
 * -EBUSY), unpin lets them go again, page-in makes the next touch free;
 * efimm's own copies to and from paged-out user pages (write's text,
 * translate's output) page them in.  The pages are user pages exactly
 * when the payload runs in ring 3.  Runs in ring 3 and under ring=0.
 * The payload's own image and stack are pinned so that the fault counts
 * are exact (tests/suites/paging/paging_suite.h).
 */
#include "../paging/paging_suite.h"

#define PAGES 16
#define HALF  (PAGES / 2)

/* 5 points: first touches are zero-fill faults; the pages are user pages
 * in ring 3 (only), writable, no-exec. */
static void first_touch(char *p, unsigned int ring)
{
	struct k_mem_paging_stats a = suite_stats(), b;
	unsigned long faults;
	uint32_t flags = 0, user = ring == 3 ? K_MEM_PERM_USER : 0;
	int err;

	efimm_test_ok(suite_translate_mismatches(p, PAGES, -ENOENT) == 0,
		      "lazy k_mem_map: %d pages not yet populated", PAGES);
	faults = suite_faults_touching(p, PAGES, false);
	b = suite_stats();
	efimm_test_ok(faults == PAGES, "reading them from ring %u: %lu faults "
		      "(want %d)", ring, faults, PAGES);
	efimm_test_ok(b.zero_fills - a.zero_fills == PAGES,
		      "zero fills %lu (want %d)",
		      (unsigned long)(b.zero_fills - a.zero_fills), PAGES);
	efimm_test_ok(suite_nonzero_pages(p, PAGES) == 0, "they read as zeros");
	suite_fill(p, PAGES, 1);
	err = k_mem_translate(p, NULL, &flags);
	efimm_test_ok(err == 0 && (flags & K_MEM_PERM_USER) == user &&
		      (flags & K_MEM_PERM_RW) && !(flags & K_MEM_PERM_EXEC),
		      "written page: %d, flags 0x%x (user bit %s, writable, no-exec)",
		      err, flags, user ? "set" : "clear");
}

/* 4 points: a page-out, then faults bring the pages back intact. */
static void out_and_back(char *p)
{
	struct k_mem_paging_stats a, b;
	unsigned long faults;
	int err = k_mem_page_out(p, HALF * PAGE_SIZE);

	efimm_test_ok(err == 0 && suite_translate_mismatches(p, HALF, -EAGAIN) == 0,
		      "k_mem_page_out of %d pages: %d, they translate -EAGAIN", HALF, err);
	a = suite_stats();
	faults = suite_faults_touching(p, HALF, false);
	b = suite_stats();
	efimm_test_ok(faults == HALF, "reading them back: %lu faults (want %d)",
		      faults, HALF);
	efimm_test_ok(b.page_ins - a.page_ins == HALF, "page-ins %lu (want %d)",
		      (unsigned long)(b.page_ins - a.page_ins), HALF);
	efimm_test_ok(suite_bad_pages(p, PAGES, 1) == 0, "data intact");
}

/* 4 points: pinned pages stay (page-out -EBUSY), unpinned ones go;
 * page-in makes the next touch free. */
static void pin_unpin_page_in(char *p)
{
	unsigned long faults;
	int e1 = k_mem_pin(p, HALF * PAGE_SIZE), e2;

	e2 = k_mem_page_out(p, HALF * PAGE_SIZE);
	efimm_test_ok(e1 == 0 && e2 == -EBUSY && suite_translate_mismatches(p, HALF, 0) == 0,
		      "k_mem_pin: %d; a page-out of the pinned pages: %d (want "
		      "-EBUSY), still resident", e1, e2);
	e1 = k_mem_unpin(p, HALF * PAGE_SIZE);
	e2 = k_mem_page_out(p, PAGES * PAGE_SIZE);
	efimm_test_ok(e1 == 0 && e2 == 0 && suite_translate_mismatches(p, PAGES, -EAGAIN) == 0,
		      "k_mem_unpin: %d; then all %d pages paged out: %d", e1, PAGES, e2);
	e1 = k_mem_page_in(p, PAGES * PAGE_SIZE);
	faults = suite_faults_touching(p, PAGES, true);
	efimm_test_ok(e1 == 0 && faults == 0, "k_mem_page_in: %d; touching the "
		      "pages then: %lu faults", e1, faults);
	efimm_test_ok(suite_bad_pages(p, PAGES, 1) == 0, "data intact");
}

/* 2 points: efimm reads write's text from a paged-out page and writes
 * translate's output into one (its copy helpers page them in). */
static void efimm_copies(char *p)
{
	static const char line[] = "paging: written from a paged-out page\n";
	const long len = sizeof(line) - 1;
	char *q = k_mem_map(2 * PAGE_SIZE, K_MEM_PERM_RW);
	uint64_t phys = 0, *out = NULL;
	long n = -1;
	int err = -1;

	if (q) {
		memcpy(q, line, len);
		out = (uint64_t *)(q + PAGE_SIZE);
		*out = 0;
		if (k_mem_page_out(q, 2 * PAGE_SIZE) == 0) {
			n = efimm_write(q, len);
			err = k_mem_translate(p, out, NULL);
		}
		k_mem_translate(p, &phys, NULL);
	}
	efimm_test_ok(n == len, "write from a paged-out page: %ld (want %ld)", n, len);
	efimm_test_ok(err == 0 && phys && *out == phys,
		      "translate's output into a paged-out page: %d, 0x%lx", err,
		      (unsigned long)(q ? *out : 0));
	if (q)
		k_mem_unmap(q, 2 * PAGE_SIZE);
}

int main(void)
{
	struct efimm_info info;
	char *p;
	int err;

	efimm_test_plan(3 + 5 + 4 + 4 + 2 + 2);
	err = efimm_info_get(&info);
	efimm_test_ok(err == 0, "efimm_info_get: %d, ring %u", err, info.ring);
	efimm_test_ok(suite_pin_self(true) == 0, "pin the payload's image and stack");
	p = k_mem_map(PAGES * PAGE_SIZE, K_MEM_PERM_RW);
	if (!efimm_test_ok(p != NULL, "k_mem_map of %d pages", PAGES))
		return 1;
	first_touch(p, info.ring);
	out_and_back(p);
	pin_unpin_page_in(p);
	efimm_copies(p);
	efimm_test_ok(k_mem_unmap(p, PAGES * PAGE_SIZE) == 0, "k_mem_unmap");
	efimm_test_ok(suite_pin_self(false) == 0, "unpin the payload's image and stack");
	return 0;
}
