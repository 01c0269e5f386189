/*
 * tests/suites/bed/expect_fault_wrong_address.c - efimm_test_expect_fault
 * used wrongly: #PF expected at one address, fn faults at another (the
 * guard page below a k_mem_map region instead of the one above).
 * Verdict FAIL, "1 of 2 test points failed".
 */
#include "efimm.h"

/* Reads the byte at arg (the fault tests' fn). */
static void read_at(void *arg)
{
	volatile const char *p = arg;

	(void)*p;
}

int main(int argc, char **argv)
{
	char *p = k_mem_map(PAGE_SIZE, K_MEM_PERM_RW);
	bool caught;

	(void)argc;
	(void)argv;
	efimm_test_plan(2);
	caught = efimm_test_expect_fault(14, p + PAGE_SIZE, read_at, p - 1);
	efimm_test_ok(!caught && p, "expect_fault returned false and the payload "
		      "went on");
	return 0;
}
