/*
 * tests/host/trap_host.c - host version of arch/x86_64/trap_hw.c:
 * "halting" aborts, so a test sees it as SIGABRT.
 */
#include <stdlib.h>

#include "../../arch/x86_64/trap.h"

void trap_halt(void)
{
	abort();
}
