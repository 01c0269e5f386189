/*
 * tests/suites/smp/leave_running.c - main returns while CPU 1 still
 * runs a function: efimm stops it (`efimm: CPU 1 still runs a payload
 * function: stopping it`) before the payload's memory goes, and the
 * payload passes; the next payload finds CPU 1 free.
 */
#include "efimm.h"

static volatile int started;

static void loop(void *arg)
{
	(void)arg;
	__atomic_store_n(&started, 1, __ATOMIC_RELEASE);
	for (;;)
		__builtin_ia32_pause();
}

int main(void)
{
	efimm_test_plan(2);
	if (efimm_cpu_count() < 2) {
		efimm_test_skip("one CPU online");
		efimm_test_skip("one CPU online");
		return 0;
	}
	efimm_test_ok(efimm_smp_start(1, loop, 0) == 0, "loop started on CPU 1");
	while (!__atomic_load_n(&started, __ATOMIC_ACQUIRE))
		__builtin_ia32_pause();
	efimm_test_ok(1, "CPU 1 runs; main returns");
	return 0;
}
