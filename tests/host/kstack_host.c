/*
 * tests/host/kstack_host.c - host version of arch_call_on_kernel_stack
 * (arch/x86_64/kstack.S): the host has one stack, so it calls fn there
 * and counts the calls, so the tests can see which paging calls take
 * efimm's own stack on the target.
 */
#include "../../mm/arch_hooks.h"
#include "../../mm/mm_lock.h"
#include "irq_host.h"
#include "kstack_host.h"

static unsigned long calls;
static bool held_at_switch_back, irq_on_in_call;

/* What the target's switch back to the caller's stack would see: the
 * caller's stack page may be evicted, so mm_lock must be free there. */
int arch_call_on_kernel_stack(int (*fn)(void *arg), void *arg)
{
	int ret;

	calls++;
	irq_on_in_call = irq_host_enabled();
	ret = fn(arg);
	held_at_switch_back = mm_lock_is_held();
	return ret;
}

bool kstack_host_lock_held_at_switch_back(void)
{
	return held_at_switch_back;
}

bool kstack_host_irq_on_in_call(void)
{
	return irq_on_in_call;
}

unsigned long kstack_host_calls(void)
{
	return calls;
}
