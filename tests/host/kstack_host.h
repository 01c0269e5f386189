/*
 * tests/host/kstack_host.h - how many times arch_call_on_kernel_stack
 * ran (tests/host/kstack_host.c).
 */
#ifndef TESTS_HOST_KSTACK_H
#define TESTS_HOST_KSTACK_H

unsigned long kstack_host_calls(void);

#endif
