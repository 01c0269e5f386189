/*
 * tests/host/cpu_host.c - host version of arch/x86_64/cpu_hw.c.
 *
 * cpu_invlpg appends to a log that tests read to check that every changed
 * entry was flushed; the CPUID answers are variables tests set; CR3 is a
 * variable.  arch_phys_to_ptr is in physmem_host.c.  It also holds the
 * host arch_irq_save / arch_irq_restore, which arch/x86_64/hooks.c
 * defines for the target only.
 */
#include <stdlib.h>

#include "../../arch/x86_64/cpu.h"
#include "../../arch/x86_64/tlb.h"
#include "../../mm/arch_hooks.h"
#include "irq_host.h"

static bool host_1g = true;
static bool host_nx = true;
static uint64_t host_cr3;
static bool host_pcid, host_invpcid;
static size_t host_invpcids;
static vaddr_t *inv_log;
static size_t inv_len, inv_cap;

static _Thread_local size_t local_flushes;

void cpu_invlpg_local(vaddr_t va)
{
	(void)va;
	local_flushes++;
}

void cpu_flush_local(void)
{
	local_flushes++;
}

size_t cpu_host_local_flushes(void)
{
	return local_flushes;
}

void cpu_invlpg(vaddr_t va)
{
	tlb_queue(va);
	if (inv_len == inv_cap) {
		inv_cap = inv_cap ? inv_cap * 2 : 1024;
		inv_log = realloc(inv_log, inv_cap * sizeof(*inv_log));
		if (!inv_log)
			abort();
	}
	inv_log[inv_len++] = va;
}

uint64_t cpu_read_cr3(void)
{
	return host_cr3;
}

void cpu_write_cr3(uint64_t cr3)
{
	host_cr3 = cr3;
}

bool cpu_has_1g_pages(void)
{
	return host_1g;
}

bool cpu_has_nx(void)
{
	return host_nx;
}

bool cpu_enable_nx(void)
{
	return host_nx;
}

bool cpu_enable_pcid(void)
{
	return host_pcid;
}

bool cpu_has_invpcid(void)
{
	return host_invpcid;
}

void cpu_invpcid_context(uint16_t pcid)
{
	(void)pcid;
	host_invpcids++;
}

void cpu_host_set_pcid(bool pcid, bool invpcid)
{
	host_pcid = pcid;
	host_invpcid = invpcid;
}

size_t cpu_host_invpcid_count(void)
{
	return host_invpcids;
}

/* The architectural power-on value: WB WT UC- UC WB WT UC- UC. */
uint64_t cpu_read_pat(void)
{
	return 0x0007040600070406ULL;
}

void cpu_host_set_1g(bool on)
{
	host_1g = on;
}

void cpu_host_set_nx(bool on)
{
	host_nx = on;
}

const vaddr_t *cpu_host_invlpg_log(size_t *n)
{
	*n = inv_len;
	return inv_log;
}

void cpu_host_invlpg_reset(void)
{
	inv_len = 0;
}

/* Interrupts (arch_irq_save/restore, mm/arch_hooks.h): a flag that
 * stands for RFLAGS.IF, on at start like a payload's run with the timer;
 * irq_host.h lets tests read it. */
#define HOST_RFLAGS_IF (1ul << 9)

static _Thread_local bool host_irq_on = true;     /* per CPU (thread) */
static unsigned long host_irq_saves;

unsigned long arch_irq_save(void)
{
	unsigned long flags = host_irq_on ? HOST_RFLAGS_IF : 0;

	host_irq_on = false;
	host_irq_saves++;
	return flags;
}

void arch_irq_restore(unsigned long flags)
{
	if (flags & HOST_RFLAGS_IF)
		host_irq_on = true;
}

bool irq_host_enabled(void)
{
	return host_irq_on;
}

void irq_host_set(bool on)
{
	host_irq_on = on;
}

unsigned long irq_host_saves(void)
{
	return host_irq_saves;
}
