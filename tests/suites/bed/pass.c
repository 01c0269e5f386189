/*
 * tests/suites/bed/pass.c - the bed's control: a plan of 4 and four
 * passing points, main returns 0.  Verdict PASS.  The fourth hands
 * efimm's test_point call a description one byte over its 200-byte cut
 * (200 'x' and a 'y'): the TAP line must end after the 200th 'x'.
 */
#include "efimm.h"

int main(int argc, char **argv)
{
	char desc[201];

	efimm_test_plan(4);
	efimm_test_ok(argc >= 1, "argc is %d", argc);
	efimm_test_ok(argv[argc] == NULL, "argv[argc] is NULL");
	efimm_test_ok(1 + 1 == 2, "arithmetic");
	memset(desc, 'x', 200);
	desc[200] = 'y';
	efimm_syscall(EFIMM_SYS_TEST_POINT, EFIMM_TEST_PASS, (long)desc, sizeof(desc), 0, 0);
	return 0;
}
