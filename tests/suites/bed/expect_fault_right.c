/*
 * tests/suites/bed/expect_fault_right.c - efimm_test_expect_fault used
 * rightly: each fn raises exactly the exception expected (#PF at any
 * address, #PF at the exact address, #UD, #GP) and the payload goes on
 * after each.  Verdict PASS.
 */
#include "efimm.h"

/* Reads the byte at arg (the fault tests' fn). */
static void read_at(void *arg)
{
	volatile const char *p = arg;

	(void)*p;
}

/* Executes ud2: #UD. */
static void undefined_opcode(void *arg)
{
	(void)arg;
	__asm__ volatile("ud2");
}

int main(int argc, char **argv)
{
	char *p = k_mem_map(PAGE_SIZE, K_MEM_PERM_RW);
	bool all = true;

	(void)argc;
	(void)argv;
	efimm_test_plan(6);
	efimm_test_ok(p && k_mem_unmap(p, PAGE_SIZE) == 0, "a page mapped and unmapped");
	all &= efimm_test_expect_fault(14, NULL, read_at, NULL);
	all &= efimm_test_expect_fault(14, p + 100, read_at, p + 100);
	all &= efimm_test_expect_fault(6, NULL, undefined_opcode, NULL);
	all &= efimm_test_expect_fault(13, NULL, read_at,
				       (void *)0x8000000000000000ull);
	efimm_test_ok(all, "efimm_test_expect_fault returned true each time, and "
		      "the payload went on");
	return 0;
}
