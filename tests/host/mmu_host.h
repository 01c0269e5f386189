/*
 * tests/host/mmu_host.h - the part of the MMU the host lacks for demand
 * paging: an access walks efimm's real page tables, "raises #PF" by
 * calling mm_fault() when the PTE is not present (as the target's #PF
 * route does, mm_lock included), then sets the accessed (and dirty) bits the CPU would
 * set and returns where the byte lives in the host arena.
 */
#ifndef TESTS_HOST_MMU_H
#define TESTS_HOST_MMU_H

#include "../../lib/types.h"

/*
 * Accesses the byte at va (read, or write).  Returns a pointer to it, or
 * NULL when the access would be fatal on the target: not mapped, a write
 * to a read-only page, or a fault mm_fault could not serve (*err
 * gets its -errno, or -EPERM for a permission fault; err may be NULL).
 */
uint8_t *mmu_host_access(vaddr_t va, bool write, int *err);

/* With report on, every access is also passed to paging_touch() (the
 * exact-LRU reference needs every access). */
void mmu_host_report_accesses(bool report);

#endif
