/*
 * tests/suites/smp/points.c - the test API from every CPU (README
 * "Multiple CPUs"): main and a function on each other CPU record POINTS
 * points each, all at once; efimm numbers them 1..N with none shared or
 * lost (the plan is their sum, and tests/boot/test_smp.py checks the
 * numbers), and each TAP line stays whole.  Then CPU 1 asks for an
 * expected fault, which is the boot CPU's only: efimm records a failed
 * point naming CPU 1 and does not run the function - so this payload
 * must FAIL with exactly that one point failed.
 */
#include "efimm.h"

#define POINTS 40

static volatile int go;
static volatile int ran_fn, expect_result = -1;

static void record(void *arg)
{
	int cpu = efimm_cpu_id();

	(void)arg;
	while (!__atomic_load_n(&go, __ATOMIC_ACQUIRE))
		__builtin_ia32_pause();
	for (int i = 0; i < POINTS; i++)
		efimm_test_ok(1, "CPU %d point %d", cpu, i);
}

static void must_not_run(void *arg)
{
	(void)arg;
	ran_fn = 1;
}

static void expect_on_ap(void *arg)
{
	(void)arg;
	expect_result = efimm_test_expect_fault(14, 0, must_not_run, 0);
}

int main(void)
{
	int n = efimm_cpu_count();

	if (n < 2) {
		efimm_test_skip("one CPU online");
		return 0;
	}
	efimm_test_plan(n * POINTS + 2);
	for (int c = 1; c < n; c++)
		efimm_smp_start(c, record, 0);
	__atomic_store_n(&go, 1, __ATOMIC_RELEASE);
	record(0);
	for (int c = 1; c < n; c++)
		efimm_smp_wait(c);
	efimm_smp_start(1, expect_on_ap, 0);     /* its refusal: point n*POINTS+1 */
	efimm_smp_wait(1);
	efimm_test_ok(expect_result == 0 && !ran_fn,
		      "CPU 1's expected fault refused (%d), its function not run (%d)",
		      expect_result, ran_fn);
	return 0;
}
