/*
 * arch/x86_64/percpu_hw.c - percpu_load() and arch_cpu_id() on the target
 * (percpu.h); tests/host/percpu_host.c stands in on the host.
 */
#include "../../mm/arch_hooks.h"
#include "msr.h"
#include "percpu.h"
#include "tlb.h"

#define MSR_GS_BASE        0xC0000101
#define MSR_KERNEL_GS_BASE 0xC0000102

/* Set once the boot CPU's area is loaded: GS is efimm's from then on. */
static bool percpu_ready;

void percpu_load(struct percpu *p)
{
	p->self = p;
	percpu_ready = true;
	msr_write(MSR_GS_BASE, (uint64_t)(uintptr_t)p);
	msr_write(MSR_KERNEL_GS_BASE, 0);
}

extern char arch_kstack_base[], arch_kstack_top[];

void percpu_boot_init(void)
{
	percpu_boot.kstack_base = arch_kstack_base;
	percpu_boot.kstack_top = arch_kstack_top;
	percpu_load(&percpu_boot);
}

unsigned int arch_cpu_id(void)
{
	return percpu_ready ? this_cpu()->cpu : 0;
}

void percpu_relax(void)
{
	__asm__ volatile("pause");
	tlb_poll();
}

void arch_spin_relax(void)
{
	percpu_relax();
}
