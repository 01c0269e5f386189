/*
 * arch/x86_64/trap_hw.c - the last resort of trap.c on the target.
 */
#include "trap.h"

/* NMIs still wake hlt, hence the loop. */
void trap_halt(void)
{
	for (;;)
		__asm__ volatile("cli; hlt");
}
