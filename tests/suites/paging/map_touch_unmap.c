/*
 * tests/suites/paging/map_touch_unmap.c - anonymous memory's life:
 * k_mem_map gives lazy pages (no frame until the first touch, which
 * zero-fills them), touched pages are resident with the permissions
 * asked for, a guard page sits on each side, and after k_mem_unmap the
 * range faults.  Also the mapping flags: read-only, K_MEM_MAP_LOCK
 * (resident at once, no faults) and K_MEM_MAP_UNINIT (no zero-fill).
 * After Zephyr's test_map_anon_pages / test_touch_anon_pages.
 */
#include "paging_suite.h"

#define PAGES 16

/* Reads the byte at arg (the expected-fault tests' fn). */
static void read_byte(void *arg)
{
	volatile const char *p = arg;

	(void)*p;
}

/* Writes the byte at arg. */
static void write_byte(void *arg)
{
	volatile char *p = arg;

	*p = 1;
}

/* Pages of [p, p + pages) whose k_mem_translate is not want. */
static size_t translate_mismatches(const char *p, size_t pages, int want)
{
	size_t bad = 0;

	for (size_t i = 0; i < pages; i++)
		bad += k_mem_translate(p + i * PAGE_SIZE, NULL, NULL) != want;
	return bad;
}

/* Resident pages of p with RW, no-execute, each its own frame. */
static bool resident_rw_distinct(const char *p, size_t pages)
{
	uint64_t phys[PAGES];
	uint32_t flags;

	for (size_t i = 0; i < pages && i < PAGES; i++) {
		if (k_mem_translate(p + i * PAGE_SIZE, &phys[i], &flags) != 0 ||
		    !(flags & K_MEM_PERM_RW) || (flags & K_MEM_PERM_EXEC) ||
		    phys[i] % PAGE_SIZE != 0)
			return false;
		for (size_t j = 0; j < i; j++)
			if (phys[j] == phys[i])
				return false;
	}
	return true;
}

/* 6 points: lazy until touched, zero-filled, one fault per page. */
static char *first_touch(void)
{
	struct k_mem_paging_stats a, b;
	unsigned long faults;
	char *p = k_mem_map(PAGES * PAGE_SIZE, K_MEM_PERM_RW);

	if (!efimm_test_ok(p && (uintptr_t)p % PAGE_SIZE == 0,
			   "k_mem_map of %d pages: %p, page-aligned", PAGES, p))
		return NULL;
	efimm_test_ok(translate_mismatches(p, PAGES, -ENOENT) == 0,
		      "untouched pages are not populated (translate -ENOENT)");
	a = suite_stats();
	faults = suite_faults_touching(p, PAGES, false);
	b = suite_stats();
	efimm_test_ok(faults == PAGES, "first reads: %lu faults, one per page", faults);
	efimm_test_ok(b.zero_fills - a.zero_fills == PAGES,
		      "first reads zero-filled %lu pages",
		      (unsigned long)(b.zero_fills - a.zero_fills));
	efimm_test_ok(suite_nonzero_pages(p, PAGES) == 0, "every byte reads 0");
	efimm_test_ok(resident_rw_distinct(p, PAGES),
		      "touched pages resident, RW, no-execute, each its own frame");
	return p;
}

/* 4 points: data, the guard pages. */
static void data_and_guards(char *p)
{
	suite_fill(p, PAGES, 1);
	efimm_test_ok(suite_bad_pages(p, PAGES, 1) == 0, "pattern reads back");
	efimm_test_ok(k_mem_translate(p - 1, NULL, NULL) == -EFAULT &&
		      k_mem_translate(p + PAGES * PAGE_SIZE, NULL, NULL) == -EFAULT,
		      "guard pages are unmapped (translate -EFAULT)");
	printk("reading the guard page below %p (expect #PF)\n", p);
	efimm_test_expect_fault(14, p - 1, read_byte, p - 1);
	printk("writing the guard page above (expect #PF)\n");
	efimm_test_expect_fault(14, p + PAGES * PAGE_SIZE, write_byte,
				p + PAGES * PAGE_SIZE);
}

/* 4 points: unmap, then the range faults. */
static void unmap_then_fault(char *p)
{
	efimm_test_ok(k_mem_unmap(p, PAGES * PAGE_SIZE) == 0, "k_mem_unmap");
	efimm_test_ok(translate_mismatches(p, PAGES, -EFAULT) == 0,
		      "unmapped pages translate -EFAULT");
	printk("reading %p after unmap (expect #PF)\n", p + 3 * PAGE_SIZE);
	efimm_test_expect_fault(14, p + 3 * PAGE_SIZE, read_byte, p + 3 * PAGE_SIZE);
	efimm_test_ok(k_mem_unmap(p, PAGES * PAGE_SIZE) == -EINVAL,
		      "a second k_mem_unmap is -EINVAL");
}

/* 4 points: a mapping without K_MEM_PERM_RW. */
static void read_only(void)
{
	char *p = k_mem_map(2 * PAGE_SIZE, 0);
	uint32_t flags = K_MEM_PERM_RW;

	if (!efimm_test_ok(p != NULL, "k_mem_map read-only"))
		return;
	efimm_test_ok(suite_nonzero_pages(p, 2) == 0, "read-only pages read 0");
	efimm_test_ok(k_mem_translate(p, NULL, &flags) == 0 &&
		      !(flags & K_MEM_PERM_RW), "translate: not writable");
	printk("writing read-only %p (expect #PF)\n", p + PAGE_SIZE + 8);
	efimm_test_expect_fault(14, p + PAGE_SIZE + 8, write_byte, p + PAGE_SIZE + 8);
	k_mem_unmap(p, 2 * PAGE_SIZE);
}

/* 3 points: K_MEM_MAP_LOCK gives resident, pinned pages at once. */
static void locked(void)
{
	size_t free0 = suite_free_frames();
	char *p = k_mem_map(PAGES * PAGE_SIZE, K_MEM_PERM_RW | K_MEM_MAP_LOCK);

	if (!efimm_test_ok(p != NULL && translate_mismatches(p, PAGES, 0) == 0,
			   "K_MEM_MAP_LOCK: resident before any touch"))
		return;
	efimm_test_ok(free0 - suite_free_frames() >= PAGES,
		      "K_MEM_MAP_LOCK took its %d frames at once", PAGES);
	efimm_test_ok(suite_faults_touching(p, PAGES, true) == 0 &&
		      suite_nonzero_pages(p, PAGES) == 0,
		      "locked pages: zeroed, no faults");
	k_mem_unmap(p, PAGES * PAGE_SIZE);
}

/* 2 points: K_MEM_MAP_UNINIT's first touch fills nothing. */
static void uninit(void)
{
	struct k_mem_paging_stats a, b;
	char *p = k_mem_map(4 * PAGE_SIZE, K_MEM_PERM_RW | K_MEM_MAP_UNINIT);
	unsigned long faults;

	if (!efimm_test_ok(p != NULL && translate_mismatches(p, 4, -ENOENT) == 0,
			   "K_MEM_MAP_UNINIT: lazy too"))
		return;
	a = suite_stats();
	faults = suite_faults_touching(p, 4, true);
	b = suite_stats();
	efimm_test_ok(faults == 4 && b.zero_fills == a.zero_fills &&
		      b.page_ins == a.page_ins,
		      "K_MEM_MAP_UNINIT: %lu first-touch faults, no zero-fill, "
		      "no store read", faults);
	k_mem_unmap(p, 4 * PAGE_SIZE);
}

int main(int argc, char **argv)
{
	char *p;

	(void)argc;
	(void)argv;
	efimm_test_plan(6 + 4 + 4 + 4 + 3 + 2 + 1);
	efimm_test_ok(suite_pin_self(true) == 0, "pin the payload's image and stack");
	p = first_touch();
	if (p) {
		data_and_guards(p);
		unmap_then_fault(p);
	}
	read_only();
	locked();
	uninit();
	return 0;
}
