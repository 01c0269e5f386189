/*
 * tests/suites/smp/hang_ap.c - a function on CPU 1 never returns and
 * main waits for it: the payload's time limit stops both (the wait is
 * inside efimm, the loop on CPU 1 in ring 3: efimm stops it with an IPI
 * and says where).  Must end as a timeout (tests/boot/test_smp.py runs
 * it with a short limit).
 */
#include "efimm.h"

static void forever(void *arg)
{
	volatile unsigned long *n = arg;

	for (;;)
		(*n)++;
}

static volatile unsigned long spins;

int main(void)
{
	efimm_test_plan(1);
	if (!efimm_test_ok(efimm_cpu_count() >= 2, "2 CPUs or more"))
		return 1;
	efimm_smp_start(1, forever, (void *)&spins);
	efimm_smp_wait(1);
	return 0;
}
