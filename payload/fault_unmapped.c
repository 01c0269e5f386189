/*
 * payload/fault_unmapped.c - uses memory after giving it back.  It maps a
 * page with k_mem_map, writes it, unmaps it, checks that the page is gone
 * from the page tables, then reads it: the read must page-fault.
 */
#include "efimm.h"

int main(int argc, char **argv)
{
	volatile uint64_t *p = k_mem_map(PAGE_SIZE, K_MEM_PERM_RW);
	int err;

	(void)argc;
	if (!p) {
		printk("%s: FAILED: k_mem_map of one page failed\n", argv[0]);
		return 1;
	}
	*p = 0x5a5a5a5a5a5a5a5aull;
	err = k_mem_unmap((void *)p, PAGE_SIZE);
	if (err) {
		printk("%s: FAILED: k_mem_unmap returned %d\n", argv[0], err);
		return 1;
	}
	err = k_mem_translate((const void *)p, NULL, NULL);
	printk("%s: k_mem_translate after unmap: %d (expect %d)\n", argv[0], err,
	       -EFAULT);
	printk("%s: reading unmapped page %p (expect a page fault)\n", argv[0],
	       (void *)p);
	EFIMM_LAUNDER(p);
	printk("%s: FAILED: read 0x%lx after unmap without a fault\n", argv[0],
	       (unsigned long)*p);
	return 1;
}
