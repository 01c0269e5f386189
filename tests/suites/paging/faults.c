/*
 * tests/suites/paging/faults.c - the protections a payload runs under,
 * each shown catching its fault with efimm_test_expect_fault (the suite
 * forms of payload/fault_*.c): a NULL read is #PF at 0, a write to
 * read-only data and a call into a data page or a k_mem_map page are #PF
 * at that address (W^X, NX), a non-canonical read is #GP, running into
 * the stack guard page and touching unmapped memory are #PF, ud2 is #UD
 * and a division by zero #DE.  The payload goes on after each one.
 */
#include "paging_suite.h"

#define VEC_DE  0
#define VEC_UD  6
#define VEC_GP  13
#define VEC_PF  14

static const int answer = 42;
/* A single `ret`: harmless should NX be missing (the point then fails
 * instead of the payload crashing elsewhere). */
static unsigned char code_in_data[16] = { 0xc3 };
/* The recursion's end, should the stack have no guard page: volatile, so
 * the compiler cannot assume the recursion is infinite. */
static volatile unsigned long depth_limit = 1ul << 24;
static volatile int divisor;

/* Reads the word at arg. */
static void read_at(void *arg)
{
	volatile const uint64_t *p = arg;

	(void)*p;
}

/* Writes the int at arg. */
static void write_at(void *arg)
{
	volatile int *p = arg;

	*p = 0;
}

/* Calls the code at arg. */
static void call_at(void *arg)
{
	void (*fn)(void) = (void (*)(void))(uintptr_t)arg;

	fn();
}

/* Recurses 512 bytes of stack per call until depth_limit or a fault. */
static unsigned long recurse(unsigned long depth)
{
	volatile unsigned char frame[512];

	frame[0] = (unsigned char)depth;
	if (depth >= depth_limit)
		return depth;
	return recurse(depth + 1) + frame[0];
}

/* Runs the stack into its guard page. */
static void overflow_stack(void *arg)
{
	(void)arg;
	recurse(0);
}

/* Executes ud2: #UD. */
static void undefined_opcode(void *arg)
{
	(void)arg;
	__asm__ volatile("ud2");
}

/* Divides by divisor (0) into the int at arg: #DE. */
static void divide_by_zero(void *arg)
{
	volatile int n = 7;

	*(volatile int *)arg = n / divisor;
}

/* 3 points: the payload image's own protections. */
static void image(void)
{
	printk("reading NULL (expect #PF at 0)\n");
	efimm_test_expect_fault(VEC_PF, NULL, read_at, NULL);
	printk("writing read-only data at %p (expect #PF)\n", (void *)&answer);
	efimm_test_expect_fault(VEC_PF, &answer, write_at, (void *)&answer);
	printk("calling code in a data page at %p (expect #PF)\n",
	       (void *)code_in_data);
	efimm_test_expect_fault(VEC_PF, code_in_data, call_at, code_in_data);
}

/* 3 points: k_mem_map memory: no-execute, and gone after unmap. */
static void mapped(void)
{
	unsigned char *p = k_mem_map(PAGE_SIZE, K_MEM_PERM_RW);

	if (!efimm_test_ok(p != NULL, "k_mem_map of a page"))
		return;
	p[0] = 0xc3;
	printk("calling code in a k_mem_map page at %p (expect #PF)\n", (void *)p);
	efimm_test_expect_fault(VEC_PF, p, call_at, p);
	k_mem_unmap(p, PAGE_SIZE);
	printk("reading %p after k_mem_unmap (expect #PF)\n", (void *)(p + 64));
	efimm_test_expect_fault(VEC_PF, p + 64, read_at, p + 64);
}

/* 4 points: faults that are not about one page. */
static void others(void)
{
	int sink = 0;

	printk("reading non-canonical 0x8000000000000000 (expect #GP)\n");
	efimm_test_expect_fault(VEC_GP, NULL, read_at,
				(void *)0x8000000000000000ull);
	printk("recursing into the stack guard page (expect #PF)\n");
	efimm_test_expect_fault(VEC_PF, NULL, overflow_stack, NULL);
	printk("ud2 (expect #UD)\n");
	efimm_test_expect_fault(VEC_UD, NULL, undefined_opcode, NULL);
	printk("dividing by zero (expect #DE)\n");
	efimm_test_expect_fault(VEC_DE, NULL, divide_by_zero, &sink);
}

int main(int argc, char **argv)
{
	volatile uint64_t canary = 0x0123456789abcdefull;

	(void)argc;
	(void)argv;
	efimm_test_plan(3 + 3 + 4 + 1);
	image();
	mapped();
	others();
	efimm_test_ok(canary == 0x0123456789abcdefull && answer == 42,
		      "the payload runs on after 9 expected faults, its state intact");
	return 0;
}
