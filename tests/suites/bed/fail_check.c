/*
 * tests/suites/bed/fail_check.c - one of three points fails, main still
 * returns 0 and the plan is met.  Verdict FAIL, "1 of 3 test points
 * failed"; the failed point's description names what was checked.
 */
#include "efimm.h"

int main(int argc, char **argv)
{
	bool r;

	(void)argc;
	(void)argv;
	efimm_test_plan(3);
	efimm_test_ok(true, "a passing point");
	r = efimm_test_ok(2 + 2 == 5, "bed: this check fails on purpose");
	efimm_test_ok(!r, "efimm_test_ok returned the condition (false)");
	return 0;
}
