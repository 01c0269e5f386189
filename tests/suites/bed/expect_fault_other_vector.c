/*
 * tests/suites/bed/expect_fault_other_vector.c - efimm_test_expect_fault
 * used wrongly: #GP expected, fn raises #PF (a NULL read).  The point
 * fails, efimm prints the report of the #PF, and the payload goes on.
 * Verdict FAIL, "1 of 2 test points failed".
 */
#include "efimm.h"

/* The fn under test: reads arg (NULL), a #PF, not the #GP expected. */
static void read_null(void *arg)
{
	volatile const int *p = arg;

	(void)*p;
}

int main(int argc, char **argv)
{
	bool caught;

	(void)argc;
	(void)argv;
	efimm_test_plan(2);
	caught = efimm_test_expect_fault(13, NULL, read_null, NULL);
	efimm_test_ok(!caught, "expect_fault returned false and the payload went on");
	return 0;
}
