/*
 * arch/x86_64/trap_pf.h - the way back from a served fault.  trap_dispatch
 * (trap.c) offers every exception to mm's fault entry first; when mm
 * served it (demand paging), trap_resume returns to the faulting
 * instruction, which runs again.
 *
 * Served faults never touch the fatal path's state (recursion depth,
 * report), so a fault while reporting is still caught as before.  A
 * fault raised inside the entry is never offered to it again: it is
 * fatal.
 */
#ifndef ARCH_X86_64_TRAP_PF_H
#define ARCH_X86_64_TRAP_PF_H

#include "trap.h"

/*
 * Restores the registers of f and returns from the exception (iretq):
 * arch/x86_64/trap_resume.S on the target; on the host
 * (tests/host/trap_resume_host.c) it longjmps to the test.
 */
__attribute__((noreturn)) void trap_resume(struct trap_frame *f);

#endif
