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

#endif
