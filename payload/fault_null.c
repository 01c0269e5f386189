/*
 * payload/fault_null.c - reads through a NULL pointer.  efimm keeps page 0
 * unmapped, so this must end in a page fault that efimm reports; getting
 * past the read is a failure (status 1).
 */
#include "efimm.h"

int main(int argc, char **argv)
{
	volatile const int *p = NULL;
	int v;

	(void)argc;
	printk("%s: reading from NULL (expect a page fault at 0x0)\n", argv[0]);
	EFIMM_LAUNDER(p);
	v = *p;
	printk("%s: FAILED: read 0x%x from NULL without a fault\n", argv[0], v);
	return 1;
}
