/*
 * arch/x86_64/machine_hw.c - the live (CR3) tables for the layers above
 * mm/ (machine.h): their root and depth, unmapping one page from them,
 * and the switch to five levels (la57.h).
 */
#include "../../lib/errno.h"
#include "../../lib/kstring.h"
#include "cpu.h"
#include "cpu_setup.h"
#include "la57.h"
#include "machine.h"
#include "pt.h"

/* Table pages for splitting a large page around one 4 KiB page: part of
 * efimm's image, so identity-mapped and free for the taking. */
static uint8_t live_pages[PT_LEVELS][PAGE_SIZE] __attribute__((aligned(4096)));
static unsigned int live_used;

static int live_get(void *ctx, paddr_t *frame)
{
	UNUSED(ctx);
	if (live_used == PT_LEVELS)
		return -ENOMEM;
	memset(live_pages[live_used], 0, PAGE_SIZE);
	*frame = PADDR((uintptr_t)live_pages[live_used++]);
	return 0;
}

/* Emptied firmware tables are simply abandoned. */
static void live_put(void *ctx, paddr_t frame)
{
	UNUSED(ctx);
	UNUSED(frame);
}

unsigned int arch_live_pt_levels(void)
{
	unsigned int levels = (cpu_read_cr4() & CR4_LA57) ? 5 : 4;

	pt_set_live_levels(levels);
	return levels;
}

bool arch_la57_supported(void)
{
	return la57_cpu_has();
}

void arch_la57_prepare(paddr_t base)
{
	la57_prepare(base, paddr_add(base, PAGE_SIZE));
}

bool arch_pt_switch_levels(void)
{
	if (arch_pt_levels() != 5 || (cpu_read_cr4() & CR4_LA57))
		return false;
	la57_switch(arch_pt_root());
	return true;
}

paddr_t arch_live_pt_root(void)
{
	return PADDR(cpu_read_cr3() & PTE_ADDR_MASK);
}

int arch_live_unmap_page(vaddr_t va)
{
	static const struct arch_pt_alloc alloc = {
		.get = live_get, .put = live_put,
	};
	struct pt live = {
		.root = arch_live_pt_root(), .levels = arch_live_pt_levels(),
		.alloc = &alloc,
		.has_1g = false, .has_nx = cpu_has_nx(),
	};
	bool wp = cpu_set_write_protect(false);
	int ret = pt_unmap(&live, va, PAGE_SIZE);

	cpu_set_write_protect(wp);
	return ret;
}
