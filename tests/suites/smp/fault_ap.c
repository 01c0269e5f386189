/*
 * tests/suites/smp/fault_ap.c - a function on CPU 1 reads address 0
 * while main waits for it: efimm reports the #PF with `efimm: cpu: 1 of
 * N`, stops the payload and, in a suite, goes on with the next one.
 * This payload must FAIL, with a reason naming CPU 1 (tests/boot/
 * test_smp.py); under `run` efimm powers off with 142.
 */
#include "efimm.h"

static void null_read(void *arg)
{
	volatile const int *p = arg;

	(void)*p;
}

int main(void)
{
	efimm_test_plan(2);
	if (!efimm_test_ok(efimm_cpu_count() >= 2, "2 CPUs or more"))
		return 1;
	efimm_test_ok(efimm_smp_start(1, null_read, NULL) == 0, "started");
	efimm_smp_wait(1);
	printk("fault_ap: still running after the fault (wrong)\n");
	return 0;
}
