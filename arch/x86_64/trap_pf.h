/*
 * arch/x86_64/trap_pf.h - the one vector efimm can survive: a #PF that
 * demand paging serves.  trap_dispatch (trap.c) offers every #PF to the
 * handler set here before anything else; when it is served, trap_resume
 * returns to the faulting instruction, which runs again.
 *
 * Served faults never touch the fatal path's state (recursion depth,
 * report), so a fault while reporting is still caught as before.  A #PF
 * raised inside the handler is never offered to it again: it is fatal.
 */
#ifndef ARCH_X86_64_TRAP_PF_H
#define ARCH_X86_64_TRAP_PF_H

#include "trap.h"

/*
 * A #PF handler: cr2 and the CPU's error code.  Returns 0 (served:
 * resume), -EFAULT (not its business: the usual fatal report), or
 * -ENOMEM (its business but nothing could be freed: reported as
 * "efimm: FATAL: out of backing store serving #PF at 0x..." followed by
 * the usual report).
 */
typedef int (*trap_pf_fn)(uint64_t cr2, uint64_t error);

/* Replaces the handler; NULL: every #PF is fatal again. */
void trap_set_pf_handler(trap_pf_fn fn);

/*
 * Restores the registers of f and returns from the exception (iretq):
 * arch/x86_64/trap_resume.S on the target; on the host
 * (tests/host/trap_resume_host.c) it longjmps to the test.
 */
__attribute__((noreturn)) void trap_resume(struct trap_frame *f);

#endif
