/*
 * tests/suites/bed/free_mem_first.c - run first in a suite: prints the
 * free memory and store slots it starts with (free_mem.h).  Verdict PASS.
 */
#include "free_mem.h"

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	efimm_test_plan(1);
	free_mem_report("first");
	return 0;
}
