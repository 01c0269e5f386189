/*
 * payload/hang.c - spins: the payload the timeout tests stop.
 *
 *   run hang.elf timeout=1        spins forever in payload code (a few
 *                                 nested calls deep, so the timeout
 *                                 report's backtrace has frames to show)
 *   run hang.elf efimm timeout=1  spins forever calling efimm_write, so
 *                                 most ticks land in efimm's code: only a
 *                                 tick in the payload's own code stops it
 *   run hang.elf loops N          spins N million rounds, then exits 0
 *                                 (seconds under TCG: a finite run for
 *                                 showing timeout=0 lets it finish)
 */
#include "efimm.h"

#define ROUNDS_PER_LOOP 1000000UL

/* The spin's body, out of line so it is a frame of its own; the
 * volatile counter keeps the compiler from dropping the loop. */
static __attribute__((noinline)) void spin(volatile unsigned long *n,
					   unsigned long rounds)
{
	while (rounds == 0 || *n < rounds)
		(*n)++;
}

static __attribute__((noinline)) void spin_writing(volatile unsigned long *n)
{
	for (;;) {
		(*n)++;
		efimm_write(".", 1);
	}
}

static __attribute__((noinline)) void hang(bool call_efimm, unsigned long rounds)
{
	volatile unsigned long n = 0;

	if (call_efimm)
		spin_writing(&n);
	spin(&n, rounds);
}

int main(int argc, char **argv)
{
	bool call_efimm = argc > 1 && strcmp(argv[1], "efimm") == 0;
	long loops = 0;

	if (argc > 2 && strcmp(argv[1], "loops") == 0 &&
	    (efimm_parse_int(argv[2], &loops) || loops <= 0)) {
		printk("hang: bad loop count \"%s\"\n", argv[2]);
		return 2;
	}
	printk("hang: spinning%s\n", call_efimm ? ", calling efimm_write" :
	       loops ? " for a while" : "");
	hang(call_efimm, (unsigned long)loops * ROUNDS_PER_LOOP);
	printk("hang: done after %ld million rounds\n", loops);
	return 0;
}
