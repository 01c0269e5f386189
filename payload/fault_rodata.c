/*
 * payload/fault_rodata.c - writes to a constant.  The constant sits in
 * the payload's read-only PT_LOAD segment, which efimm maps without
 * write permission: the store must fault (protection violation, write).
 */
#include "efimm.h"

static const int answer = 42;

int main(int argc, char **argv)
{
	int *p = (int *)&answer;

	(void)argc;
	EFIMM_LAUNDER(p);
	printk("%s: writing to read-only data at %p (expect a write page fault)\n",
	       argv[0], (void *)p);
	*(volatile int *)p = 0;
	printk("%s: FAILED: read-only data written without a fault\n", argv[0]);
	return 1;
}
