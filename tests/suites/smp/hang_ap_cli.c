/*
 * tests/suites/smp/hang_ap_cli.c - a ring-0 function on CPU 1 turns
 * interrupts off and spins forever while main waits: the time limit
 * ends the payload, the wake IPI cannot reach CPU 1, so efimm stops it
 * with an NMI (`efimm: CPU 1 stopped by NMI at RIP ...`) and the next
 * payload finds CPU 1 free.  Run with ring=0 (tests/boot/test_smp.py);
 * in ring 3 cli is a #GP and the payload fails as a fault instead.
 */
#include "efimm.h"

static void cli_forever(void *arg)
{
	(void)arg;
	__asm__ volatile("cli");
	for (;;)
		__asm__ volatile("pause");
}

int main(void)
{
	efimm_test_plan(1);
	if (!efimm_test_ok(efimm_cpu_count() >= 2, "2 CPUs or more"))
		return 1;
	efimm_smp_start(1, cli_forever, 0);
	efimm_smp_wait(1);
	return 0;
}
