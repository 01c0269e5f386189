/*
 * payload/la57.c - k_mem_map above 2^47 under five-level paging.
 *
 *   run la57.elf [PAGES] [ptdump] la57=1
 *
 * Needs efimm in five-level mode (EFIMM_FEAT_LA57, `la57=1`), where the
 * k_mem_map area lies above 2^47: maps PAGES pages (default 64), checks
 * the region is above 2^47 with unmapped guard pages around it, writes a
 * pattern into every page, pages the region out (each page then
 * translates as not resident), reads the pattern back through demand
 * paging, asks for an impossible size (refused, nothing leaked), unmaps
 * and checks the free memory came back.  With `ptdump` it prints the
 * live tables' ranges while the region is mapped.
 *
 * Prints "la57: PASS" and exits 0, or names each failed check and exits
 * 1; exits 2 on bad arguments or when efimm runs four levels.
 */
#include "efimm.h"

#define ABOVE_47     (1ull << 47)
#define PAGES_MAX    4096

static unsigned int failures;

static void check(bool ok, const char *what, const void *p)
{
	if (ok)
		return;
	printk("la57: FAIL: %s (%p)\n", what, p);
	failures++;
}

/* The word written into page i of the region at p. */
static uint64_t pattern(const uint8_t *p, long i)
{
	return (uint64_t)(uintptr_t)p ^ ((uint64_t)i * 0x9e3779b97f4a7c15ull);
}

static void fill(uint8_t *p, long pages)
{
	for (long i = 0; i < pages; i++)
		*(uint64_t *)(p + i * PAGE_SIZE) = pattern(p, i);
}

/* Reads every page (faulting paged-out ones back in); returns the
 * number of pages whose pattern is wrong. */
static long verify(const uint8_t *p, long pages)
{
	long bad = 0;

	for (long i = 0; i < pages; i++)
		bad += *(const volatile uint64_t *)(p + i * PAGE_SIZE) != pattern(p, i);
	return bad;
}

/* Pages of [p, p + pages) that translate (are resident). */
static long resident(const uint8_t *p, long pages)
{
	long n = 0;

	for (long i = 0; i < pages; i++)
		n += k_mem_translate(p + i * PAGE_SIZE, NULL, NULL) == 0;
	return n;
}

/* Maps, touches, pages out and back, unmaps; the checks above. */
static void tour(long pages, bool dump)
{
	size_t size = (size_t)pages * PAGE_SIZE, free0 = k_mem_free_get();
	uint8_t *p = k_mem_map(size, K_MEM_PERM_RW);

	check(p != NULL, "k_mem_map failed", p);
	if (!p)
		return;
	printk("la57: %ld pages at %p\n", pages, p);
	check((uintptr_t)p >= ABOVE_47, "region not above 2^47", p);
	check(k_mem_translate(p - PAGE_SIZE, NULL, NULL) != 0, "guard before mapped", p);
	check(k_mem_translate(p + size, NULL, NULL) != 0, "guard after mapped", p);
	fill(p, pages);
	check(resident(p, pages) == pages, "a touched page is not resident", p);
	if (dump)
		efimm_ptdump();
	check(k_mem_page_out(p, size) == 0, "k_mem_page_out failed", p);
	check(resident(p, pages) == 0, "a page stayed resident after page-out", p);
	check(verify(p, pages) == 0, "pattern lost across page-out and back", p);
	check(resident(p, pages) == pages, "a page did not come back", p);
	check(k_mem_map(1ull << 46, K_MEM_PERM_RW) == NULL, "impossible size mapped", p);
	check(k_mem_unmap(p, size) == 0, "k_mem_unmap failed", p);
	check(k_mem_translate(p, NULL, NULL) != 0, "still mapped after unmap", p);
	check(k_mem_free_get() == free0, "free memory did not come back", p);
}

int main(int argc, char **argv)
{
	struct efimm_info info;
	long pages = 64;
	bool dump = false;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "ptdump") == 0)
			dump = true;
		else if (efimm_parse_int(argv[i], &pages) || pages < 1 ||
			 pages > PAGES_MAX) {
			printk("la57: PAGES must be 1..%d\n", PAGES_MAX);
			return 2;
		}
	}
	if (efimm_info_get(&info) < 0 || !(info.features & EFIMM_FEAT_LA57)) {
		printk("la57: efimm runs four-level paging (run with la57=1)\n");
		return 2;
	}
	tour(pages, dump);
	printk("la57: %s\n", failures ? "FAIL" : "PASS");
	return failures ? 1 : 0;
}
