/*
 * machine/smp_run.h - payload functions on the other CPUs (the SDK's
 * efimm_smp_start / efimm_smp_wait) and stopping them.
 *
 * Each AP (CPU 1..) has one job slot.  Its life:
 *
 *   IDLE --start (a CPU of the payload, CAS)--> CLAIMED --fields set--> QUEUED
 *   QUEUED --the AP, woken by TRAP_IPI_WAKE--> RUNNING
 *   RUNNING --the function returned (smp_done), exit, its fault, or a
 *             stop--> IDLE, and the boot CPU is woken
 *
 * A job runs in the payload's address space (arch_as_enter_here) and
 * ring, entered from the AP's idle stack, whose context it comes back to
 * (arch_ctx) however it ends.  A stop (smp_stop_all: the payload is
 * ending) sets the job's stop flag and sends the wake IPI: the handler
 * abandons the function if it interrupted the payload's code; if the AP
 * is inside efimm (a system call), the call's end abandons it instead,
 * never in the middle of efimm's own work.
 *
 * Lock order: none taken here; the slots are single-writer per state
 * (the starting CPU up to QUEUED, the AP after) and read with atomics.
 */
#ifndef MACHINE_SMP_RUN_H
#define MACHINE_SMP_RUN_H

#include "../arch/x86_64/trap.h"

/* What an AP runs once it arrived (smp_start's smp_ap_main_fn). */
__attribute__((noreturn)) void smp_ap_loop(unsigned int cpu);

/* Registers the IPI handlers (TLB shootdown, wake) and tells the TLB,
 * trap and console code how many CPUs run.  Once, after the APs started,
 * if more than one is online. */
void smp_run_init(unsigned int cpus);

/* The system calls (efimm_abi.h EFIMM_SYS_SMP_*): negative errno or 0.
 * smp_sys_wait may not return (the payload ended meanwhile: an AP's
 * fault, or its time limit); f is the call's frame. */
long smp_sys_start(long cpu, uint64_t entry, uint64_t fn, uint64_t arg,
		   uint64_t stack);
long smp_sys_wait(long cpu, struct trap_frame *f);
/* The caller's function is over (smp_done or exit on an AP): back to
 * its idle loop.  Returns -EINVAL on the boot CPU. */
long smp_sys_done(void);

/* At the end of every system call (f its frame): an AP told to stop
 * abandons its function here; the boot CPU ends the payload if an AP
 * reported it failed.  Returns when neither applies. */
void smp_syscall_exit(struct trap_frame *f);

/* Sends the wake IPI to the boot CPU (an AP's report that the payload
 * failed: prun_kill). */
void smp_wake_boot_cpu(void);

/* The calling AP's function failed and ends (before the boot CPU is
 * told): smp_stop_all does not call it still running. */
void smp_job_ending(void);

/* Whether the calling CPU is an AP running a payload function. */
bool smp_on_ap(void);

/* Stops every payload function still running or queued and waits until
 * each AP is idle in efimm's tables: the wake IPI first, then, after
 * SMP_STOP_IPI_MS, an NMI to each AP still running (a ring-0 function
 * spinning with interrupts off); panics after SMP_STOP_MS more (an AP
 * that takes not even the NMI).  says: print a line for each one
 * stopped. */
void smp_stop_all(bool says);

/*
 * A failure in efimm itself (panic, a fatal exception in efimm's code)
 * on the calling CPU, before its report: the first CPU to call it stops
 * every other online CPU with an NMI - each one parks, halted with
 * interrupts off, printing nothing - waits up to SMP_PANIC_STOP_MS for
 * them, takes the console over (con_bust) and prints `efimm: CPU N
 * failed: stopped the other CPUs by NMI (S of M)`, plus one line naming
 * any that did not stop; then returns, and the caller reports.  A second
 * CPU that fails meanwhile parks instead (never returns); the first one
 * failing again (a panic inside its report) returns at once.  With one
 * CPU online (or before smp_run_init) it does nothing.  Interrupts off.
 */
void smp_panic_stop(void);
/* Whether a CPU failed (smp_panic_stop ran): locks the stopped CPUs held
 * stay held, so a report's readers must not wait for them. */
bool smp_panicking(void);
#define SMP_PANIC_STOP_MS 100

#define SMP_STOP_MS 2000
/* How long a stop waits for the wake IPI before it sends NMIs. */
#define SMP_STOP_IPI_MS 100

/* With more than one CPU online, the paging report's TLB line:
 * `efimm: tlb: N shootdowns since boot (P pages, F full flushes), I IPIs,
 * S skipped by shootdown=off`. */
void smp_tlb_report(void);

#endif
