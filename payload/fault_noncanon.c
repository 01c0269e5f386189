/*
 * payload/fault_noncanon.c - reads from a non-canonical address (bits
 * 63..47 not all equal).  The CPU refuses it before paging is consulted:
 * expect a general-protection fault (#GP), not a page fault.
 */
#include "efimm.h"

int main(int argc, char **argv)
{
	volatile const uint64_t *p = (const uint64_t *)0x8000000000000000ull;
	uint64_t v;

	(void)argc;
	printk("%s: reading non-canonical address %p (expect a general-protection fault)\n",
	       argv[0], (const void *)p);
	EFIMM_LAUNDER(p);
	v = *p;
	printk("%s: FAILED: read 0x%lx without a fault\n", argv[0], (unsigned long)v);
	return 1;
}
