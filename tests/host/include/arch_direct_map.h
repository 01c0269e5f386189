/*
 * tests/host/include/arch_direct_map.h - arch_phys_to_ptr for the host
 * builds (contract: mm/arch_hooks.h; the Makefile puts this folder on
 * the host include path in place of arch/x86_64/include).  Out of line:
 * tests/host/physmem_host.c maps the arena on first use and aborts on an
 * address beyond it.
 */
#ifndef TESTS_HOST_DIRECT_MAP_H
#define TESTS_HOST_DIRECT_MAP_H

#include "../../../lib/types.h"

void *arch_phys_to_ptr(paddr_t phys);

#endif
