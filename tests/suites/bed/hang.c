/*
 * tests/suites/bed/hang.c - one passing point, then spins for ever with
 * interrupts as efimm left them.  Only the per-payload timeout
 * (`timeout=SECONDS`) stops it: verdict FAIL, "timed out after N s",
 * with a report of where it spun; the suite goes on.
 */
#include "efimm.h"

/* volatile: the loop has a side effect, so the compiler keeps it. */
static volatile unsigned long spins;

int main(int argc, char **argv)
{
	(void)argc;
	efimm_test_plan(2);
	efimm_test_ok(true, "a point before the hang");
	printk("%s: spinning until the timeout stops this payload\n", argv[0]);
	for (;;) {
		spins++;
		__asm__ volatile("pause");
	}
}
