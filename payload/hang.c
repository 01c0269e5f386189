/*
 * payload/hang.c - never ends: the payload the timeout tests stop.
 *
 *   run hang.elf timeout=1        spins in payload code (a few nested
 *                                 calls deep, so the timeout report's
 *                                 backtrace has frames to show)
 *   run hang.elf efimm timeout=1  spins calling efimm_write, so most
 *                                 ticks land in efimm's code: only a tick
 *                                 in the payload's own code stops it
 */
#include "efimm.h"

/* The spin's body, out of line so it is a frame of its own; the empty
 * asm keeps the compiler from proving the loop endless and dropping it. */
static __attribute__((noinline)) void spin(volatile unsigned long *n)
{
	for (;;) {
		(*n)++;
		__asm__ volatile("" : : : "memory");
	}
}

static __attribute__((noinline)) void spin_writing(volatile unsigned long *n)
{
	for (;;) {
		(*n)++;
		efimm_write(".", 1);
	}
}

static __attribute__((noinline)) void hang(bool call_efimm)
{
	volatile unsigned long n = 0;

	if (call_efimm)
		spin_writing(&n);
	spin(&n);
}

int main(int argc, char **argv)
{
	bool call_efimm = argc > 1 && strcmp(argv[1], "efimm") == 0;

	printk("hang: spinning%s\n", call_efimm ? ", calling efimm_write" : "");
	hang(call_efimm);
	return 0;
}
