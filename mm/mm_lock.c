/*
 * mm/mm_lock.c - mm_lock itself and mm_lock_call (mm/mm_lock.h).
 */
#include "mm_lock.h"

struct mm_lock mm_lock = { .holder = -1 };

bool mm_lock_is_held(void)
{
	return mm_lock_mine();
}

bool mm_lock_busy(void)
{
	return __atomic_load_n(&mm_lock.next, __ATOMIC_ACQUIRE) !=
	       __atomic_load_n(&mm_lock.serving, __ATOMIC_ACQUIRE);
}

struct mm_lock_args {
	int (*fn)(void *arg);
	void *arg;
};

/* On efimm's stack: copies the call off the caller's stack (resident:
 * just written, and nothing evicts with interrupts off), then runs it
 * under the lock, which is free again before the switch back. */
static int mm_lock_trampoline(void *p)
{
	struct mm_lock_args c = *(struct mm_lock_args *)p;
	int ret;

	if (!mm_lock_take_irqs_off())
		panic("mm: mm_lock taken while held (re-entered mm)");
	ret = c.fn(c.arg);
	mm_lock_drop_irqs_off();
	return ret;
}

int mm_lock_call(int (*fn)(void *arg), void *arg)
{
	struct mm_lock_args c = { fn, arg };
	unsigned long irq = arch_irq_save();
	int ret = arch_call_on_kernel_stack(mm_lock_trampoline, &c);

	arch_irq_restore(irq);
	return ret;
}
