/*
 * mm/mm.h - bring-up of the memory core: frame database, virtual-region
 * allocator and the (empty) kernel address space, in that order.
 *
 * Boot order: memmap_sanitize() -> mm_init() -> kas_build() (all three
 * in machine/mmboot.c's mmboot_bring_up) -> arch_pt_activate().  After
 * mm_init the k_mem_* API of mm/kmem.h works.
 */
#ifndef MM_MM_H
#define MM_MM_H

#include "../lib/types.h"
#include "arch_hooks.h"
#include "memmap.h"
#include "vm.h"

/*
 * Builds the frame database from the sanitised map r[0..n), resets the
 * k_mem_map area and creates an empty kernel address space whose table
 * pages come from mm_pt_alloc().  Returns 0 or the -errno of pfdb_init or
 * arch_pt_init.  It also resets demand paging, which stays off until
 * paging_setup() (mm/paging.h).  Calling it again starts over (tests);
 * nothing of the previous state is freed.
 */
int mm_init(const struct mem_range *r, size_t n);

/* The page-table page allocator: pinned, zeroed frames of the database. */
const struct arch_pt_alloc *mm_pt_alloc(void);

/* Page-table pages currently handed out by mm_pt_alloc(). */
size_t mm_pt_pages(void);

/* The k_mem_map / z_phys_map virtual area. */
struct vm_space *mm_vm(void);

/*
 * Makes the payload's own address space and loads it (arch_as_create):
 * a new top-level table sharing efimm's mappings, the payload window and
 * the k_mem_map area its own.  Call before mapping the payload; the
 * teardown below destroys it.  Returns 0 or -ENOMEM.  Takes mm_lock.
 */
int mm_payload_space_create(void);

/*
 * Ends a payload's memory, however the payload ended (exit, fault,
 * timeout): unmaps everything in the payload window (segments and stack,
 * resident, pinned or paged out: mm/payload.h payload_release_all) and
 * every live region of the k_mem_map area (k_mem_map's and z_phys_map's:
 * kmem_release_all), so frames, pins and store slots return and the
 * page-table pages left empty under both areas are freed; resets the
 * k_mem_map area, giving its node frames back; then paging_teardown()
 * (mm/paging.h): store, records, mem= cap and statistics go, paging off;
 * last, efimm's own tables are loaded again and the payload's top-level
 * table is freed (if mm_payload_space_create made one).
 * Afterwards mm_counts_get (mm/mm_counts.h) equals what it was before
 * the payload's paging_setup, unless something leaked - which
 * mm_counts_diff then names.  Cost O(pages mapped + regions + record
 * frames + slots); never a pass over every frame of RAM.  Takes mm_lock
 * (interrupts off); callable from an interrupt or fault handler that
 * interrupted the payload, never from inside mm.
 */
void mm_payload_teardown(void);

#endif
