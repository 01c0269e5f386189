/*
 * tests/suites/bed/free_mem_last.c - run last in a suite, after payloads
 * that fault, hang, time out and leave memory behind: prints the free
 * memory and store slots it starts with (free_mem.h), which must equal
 * free_mem_first's.  Verdict PASS.
 */
#include "free_mem.h"

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	efimm_test_plan(1);
	free_mem_report("last");
	return 0;
}
