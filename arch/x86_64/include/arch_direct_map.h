/*
 * arch/x86_64/include/arch_direct_map.h - arch_phys_to_ptr for the
 * target (contract: mm/arch_hooks.h).  Inline because every page-table
 * level of a walk and every fault's copy goes through it.  The host
 * builds put tests/host/include first on the include path instead
 * (Makefile), whose variant returns a pointer into the host's arena.
 */
#ifndef ARCH_X86_64_DIRECT_MAP_H
#define ARCH_X86_64_DIRECT_MAP_H

#include "../../../lib/types.h"

/* efimm identity-maps RAM (the firmware's tables do, and efimm's kernel
 * address space keeps that map), so a physical address is its pointer. */
static inline void *arch_phys_to_ptr(paddr_t phys)
{
	return (void *)(uintptr_t)paddr_raw(phys);
}

#endif
