/*
 * tests/unit/main.c - runs every registered Check suite.
 * Usage: unit_tests [SUITE-NAME]   (CK_RUN_SUITE / CK_FORK work too)
 */
#include <stdio.h>
#include <stdlib.h>

#include "unit.h"

#define MAX_SUITES 64

static Suite *(*suites[MAX_SUITES])(void);
static int nsuites;

void unit_register(Suite *(*fn)(void))
{
	if (nsuites == MAX_SUITES) {
		fprintf(stderr, "unit: too many suites\n");
		exit(2);
	}
	suites[nsuites++] = fn;
}

int main(int argc, char **argv)
{
	SRunner *sr;
	int failed;

	if (nsuites == 0) {
		fprintf(stderr, "unit: no suites registered\n");
		return 2;
	}
	sr = srunner_create(suites[0]());
	for (int i = 1; i < nsuites; i++)
		srunner_add_suite(sr, suites[i]());
	srunner_run(sr, argc > 1 ? argv[1] : NULL, NULL, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
