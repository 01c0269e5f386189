/*
 * tests/suites/bed/expect_fault_returns.c - efimm_test_expect_fault
 * used wrongly: fn returns normally.  Its fn touches a paged-out page,
 * whose #PF demand paging serves unseen, so the fault a naive author
 * expects never reaches the test.  Verdict FAIL, "1 of 2 test points
 * failed".
 */
#include "efimm.h"

/* The fn under test: writes arg's paged-out page; the #PF is served
 * by demand paging, so fn returns normally. */
static void touch(void *arg)
{
	volatile char *p = arg;

	*p = 1;
}

int main(int argc, char **argv)
{
	char *p = k_mem_map(PAGE_SIZE, K_MEM_PERM_RW);
	bool caught;

	(void)argc;
	(void)argv;
	efimm_test_plan(2);
	if (p) {
		p[0] = 1;
		k_mem_page_out(p, PAGE_SIZE);
	}
	caught = efimm_test_expect_fault(14, p, touch, p);
	efimm_test_ok(!caught && p && k_mem_translate(p, NULL, NULL) == 0,
		      "expect_fault returned false, the page was paged back in");
	return 0;
}
