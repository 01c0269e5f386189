/*
 * tests/suites/ring3/contained.c - writes efimm's data from ring 3
 * outside any efimm_test_expect_fault, after one passing point.  efimm
 * must refuse the write with a #PF, print its report (mode: user, the
 * page walk's `denied:` line naming U/S), fail this payload only and go
 * on with the next one.  Verdict FAIL, reason the #PF
 * (tests/boot/test_ring3.py expects exactly that).
 *
 * The write is a plain store of 0 (privileged.c says why not a locked
 * one); if efimm let it through, the second point fails, if efimm lived.
 */
#include "efimm.h"

int main(void)
{
	struct efimm_info info;
	uint64_t addr;

	efimm_test_plan(2);
	efimm_test_ok(efimm_info_get(&info) == 0 && info.ring == 3,
		      "running in ring 3");
	addr = info.efimm_data & ~7ull;
	printk("contained: writing efimm's data at %p outside an expected fault\n",
	       (void *)addr);
	__asm__ volatile("movq $0, (%0)" :: "r"(addr) : "memory");
	efimm_test_ok(false, "contained: the write to efimm's data at %p went through",
		      (void *)addr);
	return 0;
}
