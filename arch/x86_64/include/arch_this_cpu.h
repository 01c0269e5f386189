/*
 * arch/x86_64/include/arch_this_cpu.h - this_cpu() for the target
 * (contract: arch/x86_64/percpu.h).  Inline because every system call,
 * trap and lock reaches it: one load through GS, no call.  The host
 * builds find tests/host/include's variant first (Makefile), which
 * returns the boot CPU's area.
 */
#ifndef ARCH_X86_64_THIS_CPU_H
#define ARCH_X86_64_THIS_CPU_H

/* %gs:0 holds the area's own address (percpu_load). */
static inline struct percpu *this_cpu(void)
{
	struct percpu *p;

	__asm__ volatile("movq %%gs:0, %0" : "=r"(p));
	return p;
}

#endif
