/*
 * tests/suites/bed/fault_unexpected.c - reads NULL outside any
 * efimm_test_expect_fault after one passing point.  efimm prints the
 * fatal report, fails the payload ("#PF page fault at RIP 0x5...") and
 * the suite goes on with the next payload.  Verdict FAIL.
 */
#include "efimm.h"

int main(int argc, char **argv)
{
	volatile const int *p = NULL;
	int v;

	(void)argc;
	efimm_test_plan(2);
	efimm_test_ok(true, "a point before the fault");
	printk("%s: reading NULL outside an expected fault\n", argv[0]);
	EFIMM_LAUNDER(p);
	v = *p;
	efimm_test_ok(false, "bed: the NULL read returned 0x%x", v);
	return 0;
}
