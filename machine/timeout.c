/*
 * machine/timeout.c - the tick and per-payload limits (timeout.h).
 */
#include "timeout.h"
#include "prun.h"
#include "smp_run.h"
#include "symbols.h"
#include "uaccess.h"

#include "../arch/x86_64/backtrace.h"
#include "../arch/x86_64/machine.h"
#include "../lib/assert.h"
#include "../lib/errno.h"
#include "../lib/kstring.h"
#include "../lib/printf.h"
#include "../mm/kmem.h"
#include "../mm/mm_lock.h"
#include "../mm/vm.h"

static bool timer_on;
static uint64_t tsc_khz;
static volatile uint64_t ticks;
/* The armed limit: fn is NULL when none; deadline is in ticks.  arm and
 * disarm clear fn before touching the rest, so a tick between two of
 * their stores never sees a half-set limit. */
static volatile timeout_expired_fn expired_fn;
static volatile uint64_t deadline;
static volatile uint32_t limit_s;
/* Ticks after the deadline that landed in efimm's code and let it be. */
static volatile uint64_t late_in_efimm;

int timeout_read_resident(void *dst, const void *src, size_t len)
{
	vaddr_t va = (vaddr_t)src;

	if (uaccess_check(src, len, false))
		return -EFAULT;
	/* a CPU stopped for a failure may hold mm_lock (k_mem_query's) */
	if (smp_panicking() && mm_lock_busy())
		return -EFAULT;
	for (vaddr_t p = ALIGN_DOWN(va, PAGE_SIZE); p < va + len; p += PAGE_SIZE)
		if (k_mem_query(p, NULL, NULL))
			return -EFAULT;
	return uaccess_copy_in(dst, src, len);
}

/* The limit ran out in payload code: the report, then the armed fn. */
static void timeout_expire(struct trap_frame *f)
{
	timeout_expired_fn fn = expired_fn;
	uint32_t s = limit_s;

	timeout_disarm();
	kprintf("efimm: TIMEOUT: payload ran over its limit of %u s\n", s);
	kprintf("efimm: stopped at RIP 0x%016lx in payload code, %lu tick(s) "
		"after the limit in efimm's code let run\n",
		(unsigned long)f->rip, (unsigned long)late_in_efimm);
	trap_report_regs(f);
	symbols_report_backtrace(f);
	fn(f, s);
	panic("machine: the timeout handler returned");
}

/* TRAP_TIMER's handler: one tick. */
static void timeout_tick(struct trap_frame *f)
{
	arch_timer_eoi();
	ticks++;
	if (!expired_fn || ticks < deadline)
		return;
	if (!prun_frame_is_payloads(f)) {
		late_in_efimm++;
		return;
	}
	timeout_expire(f);
}

int timeout_init(void)
{
	struct arch_timer_info ti;
	int err;

	ASSERT(!timer_on, "machine: timeout_init called twice");
	trap_set_backtrace(symbols_report_backtrace);
	err = arch_timer_start(TIMEOUT_HZ, &ti);
	if (err) {
		kprintf("efimm: timer: none (%s); timeouts are off\n", ti.why);
		return err;
	}
	if (trap_set_irq(TRAP_TIMER, timeout_tick))
		panic("machine: cannot register the timer's vector");
	timer_on = true;
	tsc_khz = ti.tsc_khz;
	kprintf("efimm: timer: local APIC timer, %lu ticks per ms (calibrated "
		"against the PIT), TSC %lu kHz\n",
		(unsigned long)ti.apic_per_ms, (unsigned long)ti.tsc_khz);
	kprintf("efimm: timer: %u Hz on vector 0x%x; masked 8259 PICs, %u IO-APIC "
		"entries, %u HPET timers; %u stale interrupt(s) drained\n",
		ti.hz, TRAP_TIMER, ti.ioapic_pins, ti.hpet_timers, ti.drained);
	if (ti.x2apic)
		kprintf("efimm: local APIC: x2APIC mode, as the firmware left it\n");
	return 0;
}

void timeout_arm(uint32_t seconds, timeout_expired_fn fn)
{
	ASSERT(seconds <= TIMEOUT_MAX_S, "machine: timeout of %u s", seconds);
	expired_fn = NULL;
	if (!timer_on || seconds == 0 || !fn)
		return;
	limit_s = seconds;
	late_in_efimm = 0;
	deadline = ticks + (uint64_t)seconds * TIMEOUT_HZ;
	expired_fn = fn;
}

void timeout_disarm(void)
{
	expired_fn = NULL;
}

bool timeout_overdue(void)
{
	return expired_fn && ticks >= deadline;
}

uint64_t timeout_tsc_khz(void)
{
	return tsc_khz;
}

uint64_t timeout_ms_tsc(uint32_t ms)
{
	return (uint64_t)ms * (tsc_khz ? tsc_khz : 1000000);
}

uint64_t timeout_ticks(void)
{
	return ticks;
}
