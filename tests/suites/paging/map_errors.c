/*
 * tests/suites/paging/map_errors.c - what k_mem_map and k_mem_unmap
 * refuse, and that a refusal changes nothing: bad sizes and flags are
 * -EINVAL, a mapping larger than memory plus backing store is -ENOMEM
 * with no frame kept (Zephyr's mem_map_rollback), an unmap of anything
 * but exactly what k_mem_map returned is -EINVAL and keeps the mapping,
 * and a mapping touched and unmapped gives every frame back.
 */
#include "paging_suite.h"

/* 1 point: efimm_mem_map(size, flags) is -EINVAL and k_mem_map NULL. */
static void refused(size_t size, uint32_t flags, const char *what)
{
	void *p = (void *)1;
	int err = efimm_mem_map(size, flags, &p);

	efimm_test_ok(err == -EINVAL && k_mem_map(size, flags) == NULL,
		      "k_mem_map %s: %d (want -EINVAL), NULL", what, err);
}

/* 6 points. */
static void bad_arguments(void)
{
	refused(0, K_MEM_PERM_RW, "of 0 bytes");
	refused(PAGE_SIZE + 100, K_MEM_PERM_RW, "of a size not a page multiple");
	refused(PAGE_SIZE, K_MEM_PERM_RW | K_MEM_PERM_EXEC, "RW|EXEC (W^X)");
	refused(PAGE_SIZE, K_MEM_PERM_RW | 3, "with cache mode 3");
	refused(PAGE_SIZE, K_MEM_PERM_RW | (1u << 24), "with an unknown flag");
	efimm_test_ok(k_mem_unmap((void *)0x1000, PAGE_SIZE) == -EINVAL,
		      "k_mem_unmap of memory k_mem_map never returned: -EINVAL");
}

/* 4 points: unmaps that do not match the mapping keep it whole. */
static void bad_unmaps(void)
{
	char *p = k_mem_map(4 * PAGE_SIZE, K_MEM_PERM_RW);

	if (!efimm_test_ok(p != NULL, "k_mem_map of 4 pages"))
		return;
	suite_fill(p, 4, 2);
	efimm_test_ok(k_mem_unmap(p, 2 * PAGE_SIZE) == -EINVAL &&
		      k_mem_unmap(p + PAGE_SIZE, 3 * PAGE_SIZE) == -EINVAL &&
		      k_mem_unmap(p + 8, 4 * PAGE_SIZE) == -EINVAL,
		      "k_mem_unmap of part of a mapping, or unaligned: -EINVAL");
	efimm_test_ok(suite_bad_pages(p, 4, 2) == 0,
		      "the mapping is intact after the refused unmaps");
	efimm_test_ok(k_mem_unmap(p, 4 * PAGE_SIZE) == 0, "the exact unmap works");
}

/* 3 points: larger than memory plus store: -ENOMEM, nothing kept; then
 * a mapping that fits still works (Zephyr's mem_map_rollback). */
static void too_large(void)
{
	struct k_mem_paging_stats s = suite_stats();
	size_t free0 = k_mem_free_get();
	size_t pages = free0 / PAGE_SIZE + s.store_slots + 16;
	void *p = NULL;
	int err = efimm_mem_map(pages * PAGE_SIZE, K_MEM_PERM_RW, &p);

	efimm_test_ok(err == -ENOMEM, "k_mem_map of %zu pages (more than memory "
		      "and store): %d (want -ENOMEM)", pages, err);
	efimm_test_ok(k_mem_free_get() == free0,
		      "free memory unchanged by the refused map: %zu -> %zu KiB",
		      free0 >> 10, k_mem_free_get() >> 10);
	p = k_mem_map(64 * PAGE_SIZE, K_MEM_PERM_RW);
	efimm_test_ok(p != NULL && k_mem_unmap(p, 64 * PAGE_SIZE) == 0,
		      "a 64-page map and unmap still work after the refusal");
}

/* 2 points: touch, unmap: free memory and store slots as before. */
static void unmap_gives_back(void)
{
	struct k_mem_paging_stats a = suite_stats(), b;
	size_t free0 = k_mem_free_get();
	char *p = k_mem_map(128 * PAGE_SIZE, K_MEM_PERM_RW);

	if (!efimm_test_ok(p != NULL, "k_mem_map of 128 pages"))
		return;
	suite_fill(p, 128, 3);
	k_mem_page_out(p, 32 * PAGE_SIZE);
	k_mem_unmap(p, 128 * PAGE_SIZE);
	b = suite_stats();
	efimm_test_ok(k_mem_free_get() == free0 &&
		      b.store_slots_free == a.store_slots_free,
		      "after touch, page-out and unmap: free %zu -> %zu KiB, "
		      "store slots free %lu -> %lu", free0 >> 10,
		      k_mem_free_get() >> 10, (unsigned long)a.store_slots_free,
		      (unsigned long)b.store_slots_free);
}

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	efimm_test_plan(6 + 4 + 3 + 2);
	bad_arguments();
	bad_unmaps();
	too_large();
	unmap_gives_back();
	return 0;
}
