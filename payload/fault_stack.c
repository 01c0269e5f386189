/*
 * payload/fault_stack.c - recurses until the stack runs into the unmapped
 * guard page efimm puts below it: expect a page fault a little below the
 * stack's lowest mapped page.  Each frame holds a 512-byte buffer so the
 * guard is reached after a bounded number of calls.
 */
#include "efimm.h"

/* Nonzero only if efimm's stack were unbounded: then the payload stops
 * and fails instead of recursing forever.  volatile: the compiler must
 * not assume the recursion is infinite. */
static volatile unsigned long depth_limit = 1ul << 24;

static unsigned long recurse(unsigned long depth)
{
	volatile unsigned char frame[512];

	frame[0] = (unsigned char)depth;
	if (depth >= depth_limit)
		return depth;
	return recurse(depth + 1) + frame[0];
}

int main(int argc, char **argv)
{
	unsigned long r;

	(void)argc;
	printk("%s: recursing from sp ~%p until the stack guard page (expect a page fault)\n",
	       argv[0], (void *)&r);
	r = recurse(0);
	printk("%s: FAILED: recursed %lu frames without reaching a guard page\n",
	       argv[0], r);
	return 1;
}
