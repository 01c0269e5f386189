/*
 * tests/suites/bed/exit_nonzero.c - every point passes, the plan is met,
 * but main returns 3.  Verdict FAIL, "exited with status 3".
 */
#include "efimm.h"

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	efimm_test_plan(1);
	efimm_test_ok(true, "the only point passes");
	return 3;
}
