/*
 * arch/x86_64/timer_hw.c - the local APIC timer, calibrated against the
 * PIT (arch_timer_start, machine.h).
 *
 * Why the PIT's channel 2: its input is 1.193182 MHz on every PC and in
 * every emulator, it needs no ACPI table (unlike the HPET or the ACPI PM
 * timer) and its gate (port 0x61) lets efimm start a count-down and
 * poll its end without any interrupt.  In QEMU the PIT and the local
 * APIC timer both run on the virtual clock, so the calibration holds
 * under -icount too, where that clock follows the instruction count.
 */
#include "../../lib/errno.h"
#include "../../lib/timing.h"
#include "lapic.h"
#include "machine.h"
#include "timer.h"
#include "trap.h"

#define PIT_CH2           0x42
#define PIT_CMD           0x43
#define PIT_CH2_MODE0     0xB0      /* channel 2, lo/hi byte, mode 0, binary */
#define PORT_B            0x61
#define PORT_B_GATE2      (1u << 0)
#define PORT_B_SPEAKER    (1u << 1)
#define PORT_B_OUT2       (1u << 5)

/* 2 ms windows (2,386 PIT ticks: 0.05% resolution, ample for limits in
 * whole seconds), at most 5 of them: the calibration is part of every
 * boot's cost (under -icount 1 ms is about a million instructions). */
#define CALIB_MS          2
#define CALIB_RUNS        5
/* Two runs this close (in 1/1024ths) confirm each other: stop there. */
#define CALIB_AGREE_SHIFT 10
/* Far more TSC cycles than 2 ms at any clock rate: a PIT that never
 * counts down ends the calibration instead of hanging efimm. */
#define CALIB_TSC_LIMIT   (1ULL << 34)
#define APIC_COUNT_MAX    0xFFFFFFFFu

/* Starts channel 2 counting down ticks (mode 0: OUT2 rises at zero). */
static void pit_start(uint32_t ticks)
{
	uint8_t b = io_inb(PORT_B);

	io_outb(PORT_B, (uint8_t)((b & ~PORT_B_SPEAKER) | PORT_B_GATE2));
	io_outb(PIT_CMD, PIT_CH2_MODE0);
	io_outb(PIT_CH2, ticks & 0xFF);
	io_outb(PIT_CH2, (ticks >> 8) & 0xFF);
}

static void pit_stop(void)
{
	io_outb(PORT_B, io_inb(PORT_B) & (uint8_t)~PORT_B_GATE2);
}

/* Waits for OUT2; returns the TSC then, or 0 after CALIB_TSC_LIMIT. */
static uint64_t pit_wait(uint64_t t0)
{
	uint64_t t;

	do {
		t = timing_tsc();
		if (io_inb(PORT_B) & PORT_B_OUT2)
			return t;
	} while (t - t0 < CALIB_TSC_LIMIT);
	return 0;
}

/*
 * One measurement: counts the APIC timer (one-shot, masked, divider 16)
 * and the TSC while the PIT counts ticks down.  Returns 0 with *apic
 * and *tsc, or -EIO when the PIT never got there.
 */
static int timer_measure(uint32_t ticks, uint64_t *apic, uint64_t *tsc)
{
	uint64_t t0, t1;
	uint32_t left;

	lapic_write(LAPIC_TIMER_DIV, LAPIC_DIV_16);
	lapic_write(LAPIC_LVT_TIMER, LAPIC_LVT_MASKED | TRAP_TIMER);
	pit_start(ticks);
	lapic_write(LAPIC_TIMER_INIT, APIC_COUNT_MAX);
	t0 = timing_tsc();
	t1 = pit_wait(t0);
	left = lapic_read(LAPIC_TIMER_CUR);
	lapic_write(LAPIC_TIMER_INIT, 0);
	pit_stop();
	*apic = APIC_COUNT_MAX - left;
	*tsc = t1 - t0;
	return t1 ? 0 : -EIO;
}

/*
 * Measures up to CALIB_RUNS times and keeps the shortest: on an
 * emulator sharing a busy host, the virtual CPU can be descheduled
 * between the PIT's end and the reads that follow it, which only ever
 * lengthens a measurement.  Two runs that agree end it early (always
 * under -icount, usually on an idle host).  Fills info->apic_per_ms and tsc_khz; returns 0 or -EIO
 * with info->why.
 */
static int timer_calibrate(struct arch_timer_info *info)
{
	uint32_t ticks = timer_pit_ticks(CALIB_MS);
	uint64_t apic, tsc, best_apic = UINT64_MAX, best_tsc = 0;

	for (int i = 0; i < CALIB_RUNS; i++) {
		if (timer_measure(ticks, &apic, &tsc)) {
			info->why = "the PIT's channel 2 never counted down";
			return -EIO;
		}
		if (best_apic != UINT64_MAX &&
		    (apic > best_apic ? apic - best_apic : best_apic - apic) <=
		    best_apic >> CALIB_AGREE_SHIFT)
			break;
		if (apic < best_apic) {
			best_apic = apic;
			best_tsc = tsc;
		}
	}
	info->apic_per_ms = timer_per_ms(best_apic, ticks);
	info->tsc_khz = timer_per_ms(best_tsc, ticks);
	if (info->apic_per_ms == 0) {
		info->why = "the local APIC timer did not count";
		return -EIO;
	}
	return 0;
}

int arch_timer_start(uint32_t hz, struct arch_timer_info *info)
{
	int err;

	*info = (struct arch_timer_info){ .hz = hz };
	err = irqchip_quiesce(info);
	if (!err)
		err = timer_calibrate(info);
	if (err)
		return err;
	lapic_write(LAPIC_TIMER_DIV, LAPIC_DIV_16);
	lapic_write(LAPIC_LVT_TIMER, LAPIC_LVT_PERIODIC | TRAP_TIMER);
	lapic_write(LAPIC_TIMER_INIT, timer_period_count(info->apic_per_ms, hz));
	return 0;
}

void arch_timer_eoi(void)
{
	lapic_write(LAPIC_EOI, 0);
}
