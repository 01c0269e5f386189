/*
 * arch/x86_64/timer.c - calibration arithmetic (timer.h).  Kept apart
 * from the port and MMIO accesses so the host tests check the rounding
 * and the limits.
 */
#include "../../lib/assert.h"
#include "timer.h"

#define PIT_MAX_COUNT 0xFFFFu

uint32_t timer_pit_ticks(uint32_t ms)
{
	uint64_t t = ((uint64_t)TIMER_PIT_HZ * ms + 500) / 1000;

	return t > PIT_MAX_COUNT ? PIT_MAX_COUNT : (uint32_t)t;
}

uint64_t timer_per_ms(uint64_t counted, uint32_t pit_ticks)
{
	/* counted * PIT_HZ fits: counted is a 32-bit count down */
	uint64_t den = (uint64_t)pit_ticks * 1000;

	if (pit_ticks == 0)
		return 0;
	return (counted * TIMER_PIT_HZ + den / 2) / den;
}

uint32_t timer_period_count(uint64_t per_ms, uint32_t hz)
{
	uint64_t c;

	ASSERT(hz > 0, "arch: a timer of 0 Hz");
	c = (per_ms * 1000 + hz / 2) / hz;
	if (c == 0)
		return 1;
	return c > 0xFFFFFFFFu ? 0xFFFFFFFFu : (uint32_t)c;
}
