/*
 * mm/mm_lock.h - mm_lock, the one lock over mm's shared state: the frame
 * database, the page tables of the kernel address space, the k_mem_map
 * area, demand paging (ring, store, statistics) and the payload window.
 *
 * Payloads run with interrupts on (the test bed's timer), and a timer
 * interrupt may end a payload and tear its memory down, so every public
 * entry point of mm takes mm_lock with interrupts saved and disabled
 * (irqsave) for its whole body: nothing else in mm can run in between on
 * this CPU.  Single CPU for now, so the lock is a flag that catches
 * re-entry; on SMP it becomes a spinlock with the same calls.  Lock
 * order (README "Locks"): mm_lock is the only lock; code holding it
 * takes no other and calls no public mm entry point (internal helpers
 * assume it held).
 *
 * A fault inside mm while mm_lock is held - efimm's own code touching a
 * page that is not resident - would need mm to serve it while mm's state
 * is mid-change: mm_fault panics ("mm: page fault at ... while mm_lock is
 * held") instead of deadlocking or corrupting state.
 */
#ifndef MM_MM_LOCK_H
#define MM_MM_LOCK_H

#include "../lib/assert.h"
#include "../lib/types.h"
#include "arch_hooks.h"

struct mm_lock {
	bool held;
};

extern struct mm_lock mm_lock;

/* Disables interrupts, then takes mm_lock; returns the interrupt state
 * for mm_lock_drop.  Panics if mm_lock is already held (re-entry: a bug
 * in mm, or an interrupt handler calling mm while mm ran). */
static inline unsigned long mm_lock_take(void)
{
	unsigned long flags = arch_irq_save();

	if (__builtin_expect(mm_lock.held, 0))
		panic("mm: mm_lock taken while held (re-entered mm)");
	mm_lock.held = true;
	return flags;
}

/* Releases mm_lock and restores the interrupt state mm_lock_take saved. */
static inline void mm_lock_drop(unsigned long flags)
{
	mm_lock.held = false;
	arch_irq_restore(flags);
}

/* For the fault entry only, which arch/ calls with interrupts already
 * off (mm/fault.h): takes mm_lock without saving and disabling them
 * again.  Returns false, taking nothing, if mm_lock is held. */
static inline bool mm_lock_take_irqs_off(void)
{
	if (__builtin_expect(mm_lock.held, 0))
		return false;
	mm_lock.held = true;
	return true;
}

static inline void mm_lock_drop_irqs_off(void)
{
	mm_lock.held = false;
}

/* Whether mm_lock is held (assertions, tests). */
static inline bool mm_lock_is_held(void)
{
	return mm_lock.held;
}

#endif
