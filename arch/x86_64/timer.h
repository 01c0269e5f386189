/*
 * arch/x86_64/timer.h - the arithmetic of the local APIC timer's
 * calibration (timer.c, pure, tested on the host); the hardware side is
 * timer_hw.c and its interface arch_timer_start() in machine.h.
 *
 * The reference clock is the 8254 PIT's channel 2, whose input is
 * TIMER_PIT_HZ on every PC and in QEMU (which clocks it, like the local
 * APIC timer, from its virtual clock, so the calibration also holds
 * under -icount, where that clock follows the instruction count).
 */
#ifndef ARCH_X86_64_TIMER_H
#define ARCH_X86_64_TIMER_H

#include "../../lib/types.h"

#define TIMER_PIT_HZ 1193182u

/* PIT input ticks in ms milliseconds, rounded to the nearest; at most
 * 0xFFFF (the 16-bit counter), so ms up to 54. */
uint32_t timer_pit_ticks(uint32_t ms);

/* Events per millisecond when counted events happened in pit_ticks PIT
 * ticks, rounded to the nearest; 0 when pit_ticks is 0. */
uint64_t timer_per_ms(uint64_t counted, uint32_t pit_ticks);

/* The local APIC timer's initial count for hz interrupts per second at
 * per_ms ticks per millisecond: at least 1, at most 0xFFFFFFFF.
 * Precondition: hz > 0. */
uint32_t timer_period_count(uint64_t per_ms, uint32_t hz);

#endif
