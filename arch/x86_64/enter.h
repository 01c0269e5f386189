/*
 * arch/x86_64/enter.h - stack switch and payload entry (enter.S).
 */
#ifndef ARCH_X86_64_ENTER_H
#define ARCH_X86_64_ENTER_H

#include <stdint.h>

/* Calls fn(arg) on a new stack; fn must not return. */
__attribute__((noreturn))
void arch_call_on_stack(void (*fn)(void *), void *arg, void *stack_top);

/* Enters entry in ring 3 (ring == 3) or ring 0 with RDI = boot, RSP =
 * stack_top and interrupts on, after pointing TSS.RSP0 at the caller's
 * stack (enter.S has the details). */
__attribute__((noreturn))
void arch_enter_payload(uint64_t entry, void *boot, uint64_t stack_top, int ring,
			uint64_t arg2);

#endif
