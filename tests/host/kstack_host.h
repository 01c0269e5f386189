/*
 * tests/host/kstack_host.h - how many times arch_call_on_kernel_stack
 * ran (tests/host/kstack_host.c).
 */
#ifndef TESTS_HOST_KSTACK_H
#define TESTS_HOST_KSTACK_H

#include "../../lib/types.h"

unsigned long kstack_host_calls(void);

/* Whether mm_lock was held when the last call's fn returned (the
 * target then touches the caller's stack, which may be paged out), and
 * whether interrupts were on when it was entered. */
bool kstack_host_lock_held_at_switch_back(void);
bool kstack_host_irq_on_in_call(void);

#endif
