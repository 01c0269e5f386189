/*
 * tests/suites/bed/no_plan.c - points without efimm_test_plan (the plan
 * is optional: efimm prints it at the end).  Verdict PASS.
 */
#include "efimm.h"

int main(int argc, char **argv)
{
	(void)argv;
	efimm_test_ok(argc >= 1, "argc is %d", argc);
	efimm_test_ok(true, "a second point");
	return 0;
}
