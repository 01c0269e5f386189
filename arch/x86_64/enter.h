/*
 * arch/x86_64/enter.h - stack switch and payload entry (enter.S).
 */
#ifndef ARCH_X86_64_ENTER_H
#define ARCH_X86_64_ENTER_H

#include <stdint.h>

/* Calls fn(arg) on a new stack; fn must not return. */
__attribute__((noreturn))
void arch_call_on_stack(void (*fn)(void *), void *arg, void *stack_top);

/* Jumps to entry in ring 0 with RDI = boot, RSP = stack_top and
 * interrupts on. */
__attribute__((noreturn))
void arch_enter_payload(uint64_t entry, void *boot, uint64_t stack_top);

#endif
