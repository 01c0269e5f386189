/*
 * tests/host/physmem_host.h - the host's physical-memory arena
 * (arch_phys_to_ptr is declared in mm/arch_hooks.h).
 */
#ifndef TESTS_HOST_PHYSMEM_H
#define TESTS_HOST_PHYSMEM_H

#include <stdint.h>

/* Zeroes the whole arena (drops every touched page). */
void host_physmem_reset(void);
/* Size of the "physical" address space the arena covers (4 TiB). */
uint64_t host_physmem_span(void);

#endif
