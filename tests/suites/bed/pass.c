/*
 * tests/suites/bed/pass.c - the bed's control: a plan of 3 and three
 * passing points, main returns 0.  Verdict PASS.
 */
#include "efimm.h"

int main(int argc, char **argv)
{
	efimm_test_plan(3);
	efimm_test_ok(argc >= 1, "argc is %d", argc);
	efimm_test_ok(argv[argc] == NULL, "argv[argc] is NULL");
	efimm_test_ok(1 + 1 == 2, "arithmetic");
	return 0;
}
