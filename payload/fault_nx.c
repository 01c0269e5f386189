/*
 * payload/fault_nx.c - calls code placed in a data page.  The payload's
 * data segment is mapped no-execute, so the instruction fetch must fault
 * (page fault with the instruction-fetch bit) before the `ret` runs.
 */
#include "efimm.h"

/* A single `ret`: harmless if NX were missing, so the failure is
 * reported instead of crashing elsewhere. */
static unsigned char code_in_data[16] = { 0xc3 };

int main(int argc, char **argv)
{
	void (*fn)(void) = (void (*)(void))(uintptr_t)code_in_data;

	(void)argc;
	EFIMM_LAUNDER(fn);
	printk("%s: executing a data page at %p (expect an instruction-fetch page fault)\n",
	       argv[0], (void *)code_in_data);
	fn();
	printk("%s: FAILED: data executed without a fault\n", argv[0]);
	return 1;
}
