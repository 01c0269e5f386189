/*
 * tests/host/include/arch_this_cpu.h - this_cpu() on the host
 * (contract: arch/x86_64/percpu.h): one area, the boot CPU's, whatever
 * the thread (the host tests' CPU numbers are arch_cpu_id's,
 * tests/host/percpu_host.c).
 */
#ifndef HOST_THIS_CPU_H
#define HOST_THIS_CPU_H

static inline struct percpu *this_cpu(void)
{
	return &percpu_boot;
}

#endif
