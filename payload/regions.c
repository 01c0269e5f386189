/*
 * payload/regions.c - many live k_mem_map regions at once.
 *
 *   run regions.elf [N]   maps N one-page regions (default 257: one past
 *                         the 256 a fixed table once limited efimm to),
 *                         touches each, checks every one is still there,
 *                         unmaps them all
 *
 * Exits 0 when all N maps succeed and read back, 1 otherwise.
 */
#include "efimm.h"

#define REGIONS_MAX 4096

static uint8_t *region[REGIONS_MAX];

/* Maps n one-page regions, writing each one's index into it; returns how
 * many were mapped. */
static long map_all(long n)
{
	for (long i = 0; i < n; i++) {
		int err = efimm_mem_map(PAGE_SIZE, K_MEM_PERM_RW, (void **)&region[i]);

		if (err) {
			printk("regions: map %ld failed: %d\n", i + 1, err);
			return i;
		}
		*(long *)region[i] = i;
	}
	return n;
}

int main(int argc, char **argv)
{
	long n = 257, mapped, bad = 0;

	if (argc > 1 && (efimm_parse_int(argv[1], &n) || n < 1 || n > REGIONS_MAX)) {
		printk("regions: N must be 1..%d\n", REGIONS_MAX);
		return 2;
	}
	mapped = map_all(n);
	for (long i = 0; i < mapped; i++)
		bad += *(long *)region[i] != i;
	for (long i = 0; i < mapped; i++)
		bad += k_mem_unmap(region[i], PAGE_SIZE) != 0;
	printk("regions: %ld of %ld regions mapped, %ld bad\n", mapped, n, bad);
	return mapped == n && bad == 0 ? 0 : 1;
}
