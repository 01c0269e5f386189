/*
 * tests/host/percpu_host.c - the host's percpu_load() and arch_cpu_id()
 * (arch/x86_64/percpu.h); this_cpu() is tests/host/include's inline.
 */
#include "../../arch/x86_64/percpu.h"
#include "../../mm/arch_hooks.h"
#include "percpu_host.h"

/* The calling thread's CPU number (percpu_host_set_cpu). */
static _Thread_local unsigned int host_cpu;

void percpu_load(struct percpu *p)
{
	p->self = p;
}

void percpu_boot_init(void)
{
	percpu_load(&percpu_boot);
}

unsigned int arch_cpu_id(void)
{
	return host_cpu;
}

void percpu_relax(void)
{
	__builtin_ia32_pause();
}

void arch_spin_relax(void)
{
	percpu_relax();
}

void percpu_host_set_cpu(unsigned int cpu)
{
	host_cpu = cpu;
}
