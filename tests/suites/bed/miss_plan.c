/*
 * tests/suites/bed/miss_plan.c - plans 5 points, records 3 (all pass)
 * and returns 0.  Verdict FAIL, "planned 5 test points, ran 3".
 */
#include "efimm.h"

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	efimm_test_plan(5);
	for (int i = 1; i <= 3; i++)
		efimm_test_ok(true, "point %d of the 5 planned", i);
	return 0;
}
