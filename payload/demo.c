/*
 * payload/demo.c - what `make run` shows by default: efimm's view of the
 * machine it took over, and one mapping made and removed.
 *
 *   1. the memory map efimm took over (ranges, RAM per state, frames);
 *   2. efimm's page tables, range view, with the W+X audit;
 *   3. k_mem_map of 16 KiB: its pages not yet populated (lazy), the guard
 *      pages on either side not mapped, a pattern written and read back,
 *      the pages now with their frames;
 *   4. k_mem_unmap: the pages gone, the free memory back where it was.
 *
 * Exits 0 when every check holds, 1 otherwise.
 */
#include "efimm.h"

#define DEMO_SIZE (16 * 1024)

static int failures;

static void check(int ok, const char *what)
{
	printk("demo: %-52s %s\n", what, ok ? "ok" : "FAILED");
	failures += !ok;
}

/* What k_mem_translate's status says about a page that has no frame. */
static const char *page_state(int r)
{
	switch (r) {
	case -ENOENT:
		return "not yet populated";
	case -EAGAIN:
		return "paged out";
	case -EFAULT:
		return "not mapped";
	default:
		return "translate failed";
	}
}

/* One line per page: its frame and permissions, or why it has none
 * (k_mem_map is lazy: a page gets its frame at its first touch). */
static void show_pages(uint8_t *p, const char *when)
{
	printk("demo: the pages %s:\n", when);
	for (size_t off = 0; off < DEMO_SIZE; off += 4096) {
		uint64_t phys = 0;
		uint32_t flags = 0;
		int r = k_mem_translate(p + off, &phys, &flags);

		if (r)
			printk("demo:   %p -> (%s)\n", p + off, page_state(r));
		else
			printk("demo:   %p -> 0x%lx %s%s\n", p + off, (unsigned long)phys,
			       (flags & K_MEM_PERM_RW) ? "RW" : "RO",
			       (flags & K_MEM_PERM_EXEC) ? " X" : " NX");
	}
}

static void mapping_made_and_removed(void)
{
	size_t free_before = k_mem_free_get();
	uint8_t *p = k_mem_map(DEMO_SIZE, K_MEM_PERM_RW);
	int pattern_ok = 1;

	printk("demo: k_mem_map(%d, K_MEM_PERM_RW) = %p\n", DEMO_SIZE, p);
	check(p != NULL, "mapping made");
	if (!p)
		return;
	show_pages(p, "before the first touch");
	check(k_mem_translate(p, NULL, NULL) == -ENOENT, "fresh pages not yet populated");
	check(k_mem_translate(p - 4096, NULL, NULL) == -EFAULT, "guard page below not mapped");
	check(k_mem_translate(p + DEMO_SIZE, NULL, NULL) == -EFAULT, "guard page above not mapped");
	for (size_t i = 0; i < DEMO_SIZE; i++)
		p[i] = (uint8_t)(i * 7);
	for (size_t i = 0; i < DEMO_SIZE; i++)
		pattern_ok &= p[i] == (uint8_t)(i * 7);
	check(pattern_ok, "pattern written and read back");
	show_pages(p, "once written");
	check(k_mem_unmap(p, DEMO_SIZE) == 0, "k_mem_unmap");
	check(k_mem_translate(p, NULL, NULL) == -EFAULT, "pages gone after unmap");
	check(k_mem_free_get() == free_before, "free memory back to where it was");
}

int main(int argc, char **argv)
{
	(void)argc;
	printk("demo: efimm took this machine over; %s is running in its page tables\n",
	       argv[0]);
	efimm_memmap_summary();
	efimm_ptdump();
	mapping_made_and_removed();
	printk("demo: %s\n", failures ? "some checks FAILED" : "all checks passed");
	return failures ? 1 : 0;
}
