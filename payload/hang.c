/*
 * payload/hang.c - spins: the payload the timeout tests stop.
 *
 *   run hang.elf timeout=1        spins forever in payload code (a few
 *                                 nested calls deep, so the timeout
 *                                 report's backtrace has frames to show)
 *   run hang.elf efimm timeout=1  spins forever calling efimm_write, so
 *                                 most ticks land in efimm's code: only a
 *                                 tick in the payload's own code stops it
 *   run hang.elf cycles N         spins until N million TSC cycles have
 *                                 passed, then exits 0 (a finite run of
 *                                 known length, for showing that
 *                                 timeout=0 lets it finish)
 */
#include "efimm.h"
#include "../lib/timing.h"

#define CYCLES_PER_UNIT 1000000ULL

/* The spin's body, out of line so it is a frame of its own; the
 * volatile counter keeps the compiler from dropping the loop.  until 0:
 * forever. */
static __attribute__((noinline)) void spin(volatile unsigned long *n,
					   uint64_t until)
{
	while (until == 0 || timing_tsc() < until)
		(*n)++;
}

static __attribute__((noinline)) void spin_writing(volatile unsigned long *n)
{
	for (;;) {
		(*n)++;
		efimm_write(".", 1);
	}
}

static __attribute__((noinline)) void hang(bool call_efimm, uint64_t cycles)
{
	volatile unsigned long n = 0;

	if (call_efimm)
		spin_writing(&n);
	spin(&n, cycles ? timing_tsc() + cycles : 0);
}

int main(int argc, char **argv)
{
	bool call_efimm = argc > 1 && strcmp(argv[1], "efimm") == 0;
	long units = 0;

	if (argc > 2 && strcmp(argv[1], "cycles") == 0 &&
	    (efimm_parse_int(argv[2], &units) || units <= 0)) {
		printk("hang: bad cycle count \"%s\"\n", argv[2]);
		return 2;
	}
	printk("hang: spinning%s\n", call_efimm ? ", calling efimm_write" :
	       units ? " for a while" : "");
	hang(call_efimm, (uint64_t)units * CYCLES_PER_UNIT);
	printk("hang: done after %ld million TSC cycles\n", units);
	return 0;
}
