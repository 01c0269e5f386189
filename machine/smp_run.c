/*
 * machine/smp_run.c - payload functions on the APs (smp_run.h).
 */
#include "smp_run.h"
#include "prun.h"
#include "smp.h"
#include "timeout.h"
#include "uaccess.h"

#include "../arch/x86_64/ctx.h"
#include "../arch/x86_64/enter.h"
#include "../arch/x86_64/machine.h"
#include "../arch/x86_64/smp.h"
#include "../arch/x86_64/tlb.h"
#include "../lib/assert.h"
#include "../lib/console.h"
#include "../lib/errno.h"
#include "../lib/printf.h"
#include "../lib/timing.h"

enum { JOB_IDLE, JOB_CLAIMED, JOB_QUEUED, JOB_RUNNING };

struct smp_job {
	uint32_t state;
	bool stop;                      /* the boot CPU wants it stopped */
	bool ending;                    /* it failed and is on its way out */
	uint64_t entry, fn, arg, stack;
	int ring;
	struct arch_ctx home;           /* the AP's idle loop */
};

static struct smp_job jobs[PERCPU_MAX_CPUS];
static unsigned int ncpus = 1;
/* smp_panic_stop: the CPU that failed first (-1: none), and a bit for
 * each CPU that parked since. */
static int32_t panic_owner = -1;
static uint64_t panic_parked;

static uint32_t job_state(const struct smp_job *j)
{
	return __atomic_load_n(&j->state, __ATOMIC_ACQUIRE);
}

static void job_set(struct smp_job *j, uint32_t s)
{
	__atomic_store_n(&j->state, s, __ATOMIC_RELEASE);
}

/* Wakes CPU cpu (its idle halt, or a wait on the boot CPU). */
static void smp_wake(unsigned int cpu)
{
	if (smp_send_ipi(smp_apic_of(cpu), TRAP_IPI_WAKE))
		panic("machine: CPU %u does not take IPIs", cpu);
}

void smp_wake_boot_cpu(void)
{
	smp_wake(0);
}

/* Runs the AP's queued job until it ends, then marks it idle. */
static void smp_ap_run(struct smp_job *j)
{
	job_set(j, JOB_RUNNING);
	if (!__atomic_load_n(&j->stop, __ATOMIC_ACQUIRE)) {
		arch_as_enter_here();
		if (arch_ctx_save(&j->home) == 0)
			arch_enter_payload(j->entry, (void *)j->fn, j->stack, j->ring,
					   j->arg);
		arch_as_leave_here();
	}
	__atomic_store_n(&j->stop, false, __ATOMIC_RELAXED);
	__atomic_store_n(&j->ending, false, __ATOMIC_RELAXED);
	job_set(j, JOB_IDLE);
	smp_wake(0);
}

void smp_ap_loop(unsigned int cpu)
{
	struct smp_job *j = &jobs[cpu];

	for (;;) {
		if (job_state(j) == JOB_QUEUED)
			smp_ap_run(j);
		else
			smp_wait_interrupt();
	}
}

bool smp_on_ap(void)
{
	unsigned int me = smp_cpu_id();

	return me != 0 && job_state(&jobs[me]) == JOB_RUNNING;
}

/* Back to the AP's idle loop from wherever its function is (a trap
 * handler's frame is abandoned). */
__attribute__((noreturn)) static void smp_job_end(void)
{
	trap_unwind();
	arch_ctx_resume(&jobs[smp_cpu_id()].home, 1);
}

void smp_job_ending(void)
{
	__atomic_store_n(&jobs[smp_cpu_id()].ending, true, __ATOMIC_RELEASE);
}

long smp_sys_done(void)
{
	if (!smp_on_ap())
		return -EINVAL;
	smp_job_end();
}

/* A target for smp_sys_start/wait: an AP, online, not the caller. */
static bool smp_target_ok(long cpu)
{
	return cpu >= 1 && cpu < (long)ncpus && cpu != (long)smp_cpu_id();
}

long smp_sys_start(long cpu, uint64_t entry, uint64_t fn, uint64_t arg,
		   uint64_t stack)
{
	struct smp_job *j;
	uint32_t idle = JOB_IDLE;

	if (!smp_target_ok(cpu) || (stack & 15) ||
	    uaccess_check((const void *)(stack - 64), 64, true) ||
	    uaccess_check((const void *)entry, 1, false))
		return -EINVAL;
	j = &jobs[cpu];
	if (!__atomic_compare_exchange_n(&j->state, &idle, JOB_CLAIMED, false,
					 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		return -EBUSY;
	j->entry = entry;
	j->fn = fn;
	j->arg = arg;
	j->stack = stack;
	j->ring = prun_user_flags() ? 3 : 0;
	j->stop = false;
	job_set(j, JOB_QUEUED);
	smp_wake((unsigned int)cpu);
	return 0;
}

long smp_sys_wait(long cpu, struct trap_frame *f)
{
	if (!smp_target_ok(cpu))
		return -EINVAL;
	while (job_state(&jobs[cpu]) != JOB_IDLE) {
		prun_check_kill(f);
		if (timeout_overdue())
			prun_timed_out(f);
		smp_wait_interrupt();
	}
	return 0;
}

/* The wake IPI: an AP told to stop abandons its function if the IPI
 * interrupted it; the boot CPU ends the payload an AP reported failed,
 * if the IPI interrupted the payload's code. */
static void smp_wake_irq(struct trap_frame *f)
{
	arch_timer_eoi();
	if (smp_cpu_id() == 0) {
		if (prun_frame_is_payloads(f))
			prun_check_kill(f);
		return;
	}
	if (smp_on_ap() && __atomic_load_n(&jobs[smp_cpu_id()].stop, __ATOMIC_ACQUIRE) &&
	    prun_frame_is_payloads(f)) {
		kprintf("efimm: CPU %u stopped at RIP 0x%016lx\n", smp_cpu_id(),
			(unsigned long)f->rip);
		smp_job_end();
	}
}

void smp_syscall_exit(struct trap_frame *f)
{
	if (smp_cpu_id() == 0) {
		prun_check_kill(f);
		return;
	}
	if (smp_on_ap() && __atomic_load_n(&jobs[smp_cpu_id()].stop, __ATOMIC_ACQUIRE))
		smp_job_end();
}

/* Waits up to ms for every AP's job to be idle; true if they are. */
static bool smp_wait_idle(uint32_t ms)
{
	uint64_t limit = timeout_ms_tsc(ms), t0 = timing_tsc();

	for (unsigned int c = 1; c < ncpus; c++)
		while (job_state(&jobs[c]) != JOB_IDLE) {
			if (timing_tsc() - t0 > limit)
				return false;
			percpu_relax();
		}
	return true;
}

/* Whether a CPU other than me failed (smp_panic_stop): me must park. */
static bool smp_other_failed(unsigned int me)
{
	int32_t owner = __atomic_load_n(&panic_owner, __ATOMIC_ACQUIRE);

	return owner >= 0 && owner != (int32_t)me;
}

/* Stopped for a failure elsewhere: says so by its bit (never by a line:
 * the console is the failing CPU's) and halts with interrupts off. */
__attribute__((noreturn)) static void smp_park(unsigned int me)
{
	__atomic_fetch_or(&panic_parked, 1ULL << me, __ATOMIC_RELEASE);
	smp_halt_forever();
}

/* An NMI on any CPU while another fails (smp_panic_stop): it parks.
 * An NMI on an AP: the stop for a function that runs with interrupts
 * off (a ring-0 payload's cli), which the wake IPI cannot reach.  A stop
 * in the payload's own code abandons the function; inside efimm the
 * call's end does; on an idle AP it came after the function ended
 * anyway.  An NMI on the boot CPU, or on an AP running a function no one
 * asked to stop, is the fatal exception it is. */
static void smp_nmi(struct trap_frame *f)
{
	unsigned int me = smp_cpu_id();
	bool stop = me != 0 && __atomic_load_n(&jobs[me].stop, __ATOMIC_ACQUIRE);

	if (smp_other_failed(me))
		smp_park(me);
	if (me != 0 && !smp_on_ap())
		return;
	if (stop && !prun_frame_is_payloads(f))
		return;
	if (stop) {
		kprintf("efimm: CPU %u stopped by NMI at RIP 0x%016lx (interrupts "
			"were off)\n", me, (unsigned long)f->rip);
		smp_job_end();
	}
	trap_set_nmi(NULL);
	trap_dispatch(f);
}

void smp_stop_all(bool says)
{
	for (unsigned int c = 1; c < ncpus; c++) {
		struct smp_job *j = &jobs[c];

		if (job_state(j) == JOB_IDLE)
			continue;
		if (says && !__atomic_load_n(&j->ending, __ATOMIC_ACQUIRE))
			kprintf("efimm: CPU %u still runs a payload function: stopping it\n", c);
		__atomic_store_n(&j->stop, true, __ATOMIC_RELEASE);
		smp_wake(c);
	}
	if (smp_wait_idle(SMP_STOP_IPI_MS))
		return;
	for (unsigned int c = 1; c < ncpus; c++)
		if (job_state(&jobs[c]) != JOB_IDLE && smp_send_nmi(smp_apic_of(c)))
			panic("machine: CPU %u does not take NMIs", c);
	for (unsigned int c = 1; c < ncpus; c++)
		if (!smp_wait_idle(SMP_STOP_MS))
			panic("machine: CPU %u did not stop its payload function "
			      "within %u ms", c, SMP_STOP_MS);
}

/* Waits up to SMP_PANIC_STOP_MS for every CPU in want to park; returns
 * the bits of those that did not. */
static uint64_t smp_wait_parked(uint64_t want)
{
	uint64_t limit = timeout_ms_tsc(SMP_PANIC_STOP_MS), t0 = timing_tsc(), left;

	while ((left = want & ~__atomic_load_n(&panic_parked, __ATOMIC_ACQUIRE)) &&
	       timing_tsc() - t0 <= limit)
		__asm__ volatile("pause");
	return left;
}

/* NMIs every other online CPU and waits for them; then the console is
 * the caller's alone, and one line says who stopped (one more who did
 * not). */
static void smp_stop_others(unsigned int me)
{
	uint64_t others = 0, left;
	unsigned int stopped = 0;

	for (unsigned int c = 0; c < ncpus; c++)
		if (c != me) {
			others |= 1ULL << c;
			/* one that takes no NMI is named below */
			(void)smp_send_nmi(smp_apic_of(c));
		}
	left = smp_wait_parked(others);
	for (unsigned int c = 0; c < ncpus; c++)
		stopped += (left >> c & 1) == 0 && c != me;
	con_bust();
	kprintf("efimm: CPU %u failed: stopped the other CPUs by NMI (%u of %u)\n", me,
		stopped, ncpus - 1);
	if (!left)
		return;
	kprintf("efimm: did not stop within %u ms (going on):", SMP_PANIC_STOP_MS);
	for (unsigned int c = 0; c < ncpus; c++)
		if (left >> c & 1)
			kprintf(" CPU %u", c);
	kprintf("\n");
}

bool smp_panicking(void)
{
	return __atomic_load_n(&panic_owner, __ATOMIC_ACQUIRE) >= 0;
}

void smp_panic_stop(void)
{
	int32_t none = -1;
	unsigned int me;

	if (ncpus < 2)
		return;
	me = smp_cpu_id();
	if (__atomic_compare_exchange_n(&panic_owner, &none, (int32_t)me, false,
					__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		smp_stop_others(me);
	else if (none != (int32_t)me)
		smp_park(me);
}

void smp_tlb_report(void)
{
	struct tlb_stats s;

	if (ncpus < 2)
		return;
	tlb_stats_get(&s);
	kprintf("efimm: tlb: %lu shootdowns since boot (%lu pages, %lu full flushes), "
		"%lu IPIs, %lu skipped by shootdown=off\n",
		(unsigned long)s.shootdowns, (unsigned long)s.pages,
		(unsigned long)s.full, (unsigned long)s.ipis, (unsigned long)s.skipped);
}

static void smp_tlb_irq(struct trap_frame *f)
{
	UNUSED(f);
	tlb_ipi();
	arch_timer_eoi();
}

/* tlb.h's way to reach a CPU. */
static void smp_tlb_send(unsigned int cpu)
{
	if (smp_send_ipi(smp_apic_of(cpu), TRAP_IPI_TLB))
		panic("mm: CPU %u does not take the shootdown IPI", cpu);
}

static unsigned int smp_con_cpu(void)
{
	return smp_cpu_id();
}

void smp_run_init(unsigned int cpus)
{
	ncpus = cpus;
	if (trap_set_irq(TRAP_IPI_TLB, smp_tlb_irq) ||
	    trap_set_irq(TRAP_IPI_WAKE, smp_wake_irq))
		panic("machine: cannot register the IPI vectors");
	trap_set_nmi(smp_nmi);
	trap_set_stop(smp_panic_stop);
	trap_set_cpus(cpus);
	con_set_smp(smp_con_cpu, percpu_relax);
	arch_as_pcid_off();
	tlb_set_cpus(cpus, smp_tlb_send, timeout_ms_tsc(SMP_STOP_MS));
}
