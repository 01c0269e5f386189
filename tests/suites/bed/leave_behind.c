/*
 * tests/suites/bed/leave_behind.c - returns 0 without cleaning up:
 * touched, paged-out, pinned, locked and never-touched k_mem_map
 * regions, its own stack pinned and its own data paged out, a frame
 * evicted.  efimm tears all of it down; its check against the suite's
 * baseline then finds nothing missing, so the verdict is PASS, and the
 * next payload starts with the same free memory (free_mem_last.c).
 */
#include "efimm.h"

extern char __payload_data[], __payload_end[];

/* Written so that the data segment holds something to page out. */
static volatile uint64_t data_words[1024] = { 1 };

/* A touched region of pages pages, or NULL. */
static char *touched(size_t pages, uint32_t flags)
{
	char *p = k_mem_map(pages * PAGE_SIZE, K_MEM_PERM_RW | flags);

	if (p)
		memset(p, 0x5a, pages * PAGE_SIZE);
	return p;
}

int main(int argc, char **argv)
{
	char *resident = touched(64, 0), *out = touched(32, 0);
	char *pinned = touched(16, 0), *locked = touched(8, K_MEM_MAP_LOCK);
	char *lazy = k_mem_map(16 * PAGE_SIZE, K_MEM_PERM_RW);
	uintptr_t sp = (uintptr_t)__builtin_frame_address(0) & ~(PAGE_SIZE - 1);
	uint64_t phys = 0;

	(void)argc;
	(void)argv;
	efimm_test_plan(6);
	efimm_test_ok(resident && out && pinned && locked && lazy,
		      "five regions mapped, 136 pages");
	efimm_test_ok(out && k_mem_page_out(out, 32 * PAGE_SIZE) == 0,
		      "32 pages paged out (store slots in use)");
	efimm_test_ok(pinned && k_mem_pin(pinned, 16 * PAGE_SIZE) == 0,
		      "16 pages pinned");
	efimm_test_ok(k_mem_pin((void *)sp, PAGE_SIZE) == 0,
		      "the payload's current stack page pinned");
	data_words[512] = 2;
	efimm_test_ok(k_mem_page_out(__payload_data,
				     (size_t)(__payload_end - __payload_data)) == 0,
		      "the payload's own data segment paged out");
	if (resident)
		k_mem_translate(resident + 5 * PAGE_SIZE, &phys, NULL);
	efimm_test_ok(phys && k_mem_page_frame_evict(phys) == 0,
		      "a frame evicted by its physical address");
	printk("bed: leaving behind maps, pins and paged-out pages; efimm "
	       "tears them down\n");
	return 0;
}
