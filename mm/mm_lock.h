/*
 * mm/mm_lock.h - mm_lock, the one lock over mm's shared state: the frame
 * database, the page tables of the kernel address space, the k_mem_map
 * area, demand paging (ring, store, statistics) and the payload window.
 *
 * Payloads run with interrupts on (the test bed's timer), and a timer
 * interrupt may end a payload and tear its memory down, so every public
 * entry point of mm takes mm_lock with interrupts saved and disabled
 * (irqsave) for its whole body: nothing else in mm can run in between on
 * this CPU.  Other CPUs wait their turn: a ticket lock (first come,
 * first served, so no CPU starves), which records the CPU holding it, so
 * re-entry on the same CPU is caught rather than deadlocking.  A CPU
 * spinning for it has interrupts off, so the spin services what other
 * CPUs ask of it meanwhile (arch_spin_relax: a TLB shootdown from the
 * holder), or the holder would wait for it forever.  Lock order (README
 * "Locks"): mm_lock, then the console's lock; code holding mm_lock calls
 * no public mm entry point (internal helpers assume it held).
 *
 * A fault inside mm while mm_lock is held - efimm's own code touching a
 * page that is not resident - would need mm to serve it while mm's state
 * is mid-change: mm_fault panics ("mm: page fault at ... while mm_lock is
 * held") instead of deadlocking or corrupting state.  So mm must never
 * run on a pageable stack with the lock held: the entry points a payload
 * reaches (machine/payload_api.c calls them on the payload's stack, any
 * page of which may be paged out) go through mm_lock_call, which runs
 * them on efimm's own stack; the ones only efimm calls, from its own
 * stacks (setup, teardown, counts, the payload-window mapping), take
 * the lock where they are (mm_lock_take).
 */
#ifndef MM_MM_LOCK_H
#define MM_MM_LOCK_H

#include "../lib/assert.h"
#include "../lib/types.h"
#include "arch_hooks.h"

/* The ticket lock: a CPU draws `next` and holds the lock while `serving`
 * equals its ticket; `holder` is that CPU's number, -1 when free. */
struct mm_lock {
	uint32_t next;
	uint32_t serving;
	int32_t holder;
};

extern struct mm_lock mm_lock;

/* Whether this CPU holds mm_lock (mm's own re-entry checks). */
static inline bool mm_lock_mine(void)
{
	return __atomic_load_n(&mm_lock.holder, __ATOMIC_RELAXED) == (int32_t)arch_cpu_id();
}

/* The same for everyone else (assertions, reports, tests). */
bool mm_lock_is_held(void);

/* Whether any CPU holds mm_lock or waits for it: a failing CPU's report
 * after the others were stopped (machine/smp_run.h smp_panic_stop) must
 * not queue behind a CPU that never gives it back. */
bool mm_lock_busy(void);

/* Waits for this CPU's turn.  Interrupts are off. */
static inline void mm_lock_acquire(void)
{
	uint32_t t = __atomic_fetch_add(&mm_lock.next, 1, __ATOMIC_RELAXED);

	while (__atomic_load_n(&mm_lock.serving, __ATOMIC_ACQUIRE) != t)
		arch_spin_relax();
	__atomic_store_n(&mm_lock.holder, (int32_t)arch_cpu_id(), __ATOMIC_RELAXED);
}

static inline void mm_lock_release(void)
{
	__atomic_store_n(&mm_lock.holder, -1, __ATOMIC_RELAXED);
	__atomic_store_n(&mm_lock.serving, mm_lock.serving + 1, __ATOMIC_RELEASE);
}

/* Disables interrupts, then takes mm_lock; returns the interrupt state
 * for mm_lock_drop.  Panics if this CPU already holds it (re-entry: a
 * bug in mm, or an interrupt handler calling mm while mm ran). */
static inline unsigned long mm_lock_take(void)
{
	unsigned long flags = arch_irq_save();

	if (__builtin_expect(mm_lock_mine(), 0))
		panic("mm: mm_lock taken while held (re-entered mm)");
	mm_lock_acquire();
	return flags;
}

/* Releases mm_lock and restores the interrupt state mm_lock_take saved. */
static inline void mm_lock_drop(unsigned long flags)
{
	mm_lock_release();
	arch_irq_restore(flags);
}

/* For the fault entry only, which arch/ calls with interrupts already
 * off (mm/fault.h): takes mm_lock without saving and disabling them
 * again.  Returns false, taking nothing, if this CPU holds mm_lock. */
static inline bool mm_lock_take_irqs_off(void)
{
	if (__builtin_expect(mm_lock_mine(), 0))
		return false;
	mm_lock_acquire();
	return true;
}

static inline void mm_lock_drop_irqs_off(void)
{
	mm_lock_release();
}

/*
 * Runs fn(arg) on efimm's own stack (arch_call_on_kernel_stack) holding
 * mm_lock, with interrupts off from before the switch until after the
 * switch back; returns what fn returns.  The lock is dropped before the
 * switch back, so a caller's stack page fn evicted faults back in then.
 * *arg lives on the caller's stack: the caller writes all of it just
 * before the call (so its pages are resident, and nothing can evict them
 * until fn runs); fn may read and write it, except that a fn that may
 * evict must copy what it needs first and write nothing back.  Outputs
 * for the caller's own pointers are copied by the caller after the
 * call, with the lock free.  Panics if mm_lock is held.
 */
int mm_lock_call(int (*fn)(void *arg), void *arg);

#endif
