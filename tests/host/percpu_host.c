/*
 * tests/host/percpu_host.c - the host's this_cpu(): one CPU, the boot
 * CPU's area (arch/x86_64/percpu.h).
 */
#include "../../arch/x86_64/percpu.h"

struct percpu *this_cpu(void)
{
	return &percpu_boot;
}

void percpu_load(struct percpu *p)
{
	p->self = p;
}

void percpu_boot_init(void)
{
	percpu_load(&percpu_boot);
}
