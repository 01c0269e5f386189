/*
 * tests/host/kstack_host.c - host version of arch_call_on_kernel_stack
 * (arch/x86_64/kstack.S): the host has one stack, so it calls fn there
 * and counts the calls, so the tests can see which paging calls take
 * efimm's own stack on the target.
 */
#include "../../mm/arch_hooks.h"
#include "kstack_host.h"

static unsigned long calls;

int arch_call_on_kernel_stack(int (*fn)(void *arg), void *arg)
{
	calls++;
	return fn(arg);
}

unsigned long kstack_host_calls(void)
{
	return calls;
}
