/*
 * machine/timeout.h - per-payload time limits on the local APIC timer.
 *
 * timeout_init() starts a periodic tick (TIMEOUT_HZ) once per boot.
 * timeout_arm() gives the running payload a limit; the tick handler
 * checks it.  A tick past the limit stops the payload only if it landed
 * in payload code (RIP in [VM_PAYLOAD_BASE, VM_PAYLOAD_END)): efimm's own
 * code, running a payload's service call, is never cut off mid-operation
 * (it may hold mm's lock or be half-way through a page-in); the next
 * tick in payload code stops it.  Stopping prints the report
 *     efimm: TIMEOUT: payload ran over its limit of N s
 * then the registers and a backtrace (the payload's frame-pointer chain,
 * read through uaccess_copy_in), and calls the armed timeout_expired_fn,
 * which never returns.
 */
#ifndef MACHINE_TIMEOUT_H
#define MACHINE_TIMEOUT_H

#include "../arch/x86_64/trap.h"
#include "../lib/types.h"

#define TIMEOUT_HZ 100                  /* ticks per second */
#define TIMEOUT_MAX_S 86400             /* the largest limit, one day */

/*
 * Called from the tick (interrupts off, on the interrupt IST stack, the
 * EOI sent) after the report, with the frame of the payload code it
 * stopped and the limit that ran out; the timeout is already disarmed.
 * Must not return: it ends the run or resumes efimm elsewhere.
 */
typedef void (*timeout_expired_fn)(struct trap_frame *f, uint32_t seconds);

/*
 * Once per boot, after ExitBootServices and arch_pt_activate(), with
 * interrupts off: quiets the firmware's interrupt sources, calibrates
 * and starts the tick (arch_timer_start), registers its handler and the
 * fatal report's backtrace hook, and prints
 *     efimm: timer: local APIC timer, N ticks per ms (calibrated against
 *     the PIT), TSC N kHz
 * or, when there is no usable timer, "efimm: timer: none (WHY);
 * timeouts are off".  Returns 0 or that negative errno (not fatal:
 * payloads then run without limits).
 */
int timeout_init(void);

/*
 * Arms a limit of seconds (1..TIMEOUT_MAX_S) from now for the code about
 * to run, replacing any armed one; fn is called when it expires.
 * seconds 0 disarms.  Without a timer (timeout_init failed) it does
 * nothing.  Any interrupt state.
 */
void timeout_arm(uint32_t seconds, timeout_expired_fn fn);

/* Disarms the limit (no-op when none is armed).  Any interrupt state. */
void timeout_disarm(void);

/* Ticks since timeout_init (0 without a timer). */
uint64_t timeout_ticks(void);

/*
 * The fatal report's reader of a payload's memory: like uaccess_copy_in,
 * but only resident pages, since the report runs with the fault not
 * served and must not fault again (that would end the report); nor, once
 * a CPU failed and stopped the others (smp_panicking), wait for mm_lock
 * one of them may hold.  Returns 0 or -EFAULT.
 */
int timeout_read_resident(void *dst, const void *src, size_t len);

/* True when the armed limit has run out (a wait inside efimm, which the
 * tick leaves alone, ends the payload itself then). */
bool timeout_overdue(void);

/* The TSC's rate the timer's calibration measured, kHz; 0 without a
 * timer. */
uint64_t timeout_tsc_khz(void);

/* ms in TSC cycles at that rate, or at 1 GHz without a timer (a guess
 * that keeps a bounded wait bounded). */
uint64_t timeout_ms_tsc(uint32_t ms);

#endif
