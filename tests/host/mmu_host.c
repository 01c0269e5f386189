/*
 * tests/host/mmu_host.c - accesses through efimm's page tables with
 * the CPU's A/D updates and the #PF route to mm_fault (mmu_host.h).
 */
#include "../../arch/x86_64/machine.h"
#include "../../arch/x86_64/pt.h"
#include "../../arch/x86_64/pte.h"
#include "../../lib/errno.h"
#include "../../mm/arch_hooks.h"
#include "../../mm/fault.h"
#include "../../mm/paging.h"
#include "irq_host.h"
#include "mmu_host.h"

static bool mmu_report;

void mmu_host_report_accesses(bool report)
{
	mmu_report = report;
}

/* The 4 KiB PTE of va if present, else NULL. */
static uint64_t *mmu_pte(vaddr_t va)
{
	int level;
	uint64_t *e = pt_find(arch_pt_root(), arch_pt_levels(), va, &level);

	return (level == PT_LEVEL_PT && (*e & PTE_P)) ? e : NULL;
}

static uint8_t *mmu_fail(int *err, int code)
{
	if (err)
		*err = code;
	return NULL;
}

/* What arch/'s exception path hands mm for a not-present #PF at va. */
static int mmu_fault(vaddr_t va, bool write)
{
	struct mm_fault f = { .vector = 14, .page_fault = true, .addr = va,
			      .access = write ? MM_FAULT_WRITE : MM_FAULT_READ,
			      .error = write ? 2 : 0,
			      .irq_on = irq_host_enabled() };
	const char *verdict;

	return mm_fault(&f, &verdict);
}

uint8_t *mmu_host_access(vaddr_t va, bool write, int *err)
{
	uint64_t *e = mmu_pte(va);
	int ret;

	if (!e) {
		ret = mmu_fault(va, write);
		if (ret)
			return mmu_fail(err, ret);
		e = mmu_pte(va);
		if (!e)
			return mmu_fail(err, -EFAULT);
	}
	if (write && !(*e & PTE_RW))
		return mmu_fail(err, -EPERM);
	/* Atomic, as the CPU's own update (tests run several CPUs as
	 * threads; the pages they touch are theirs or pinned). */
	__atomic_fetch_or(e, PTE_A | (write ? PTE_D : 0), __ATOMIC_RELAXED);
	if (mmu_report)
		paging_touch(va);
	if (err)
		*err = 0;
	return (uint8_t *)arch_phys_to_ptr(PADDR(*e & PTE_ADDR_MASK)) +
	       (va & (PAGE_SIZE - 1));
}
