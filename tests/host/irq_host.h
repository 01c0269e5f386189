/*
 * tests/host/irq_host.h - the host's stand-in for RFLAGS.IF behind
 * arch_irq_save / arch_irq_restore (tests/host/cpu_host.c), so tests can
 * see that mm_lock turns interrupts off and restores them.
 */
#ifndef TESTS_HOST_IRQ_H
#define TESTS_HOST_IRQ_H

#include "../../lib/types.h"

/* Whether "interrupts" are on now. */
bool irq_host_enabled(void);
/* Sets the state (a test starting with interrupts off, or on). */
void irq_host_set(bool on);
/* arch_irq_save calls so far. */
unsigned long irq_host_saves(void);

#endif
