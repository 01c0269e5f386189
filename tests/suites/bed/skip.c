/*
 * tests/suites/bed/skip.c - records two points, both skipped, and
 * returns 0.  Verdict SKIP (at least one point, all skipped, none
 * failed), with a reason.
 */
#include "efimm.h"

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	efimm_test_plan(2);
	efimm_test_skip("bed: no such hardware on this machine");
	efimm_test_skip("bed: no such hardware on this machine either");
	return 0;
}
