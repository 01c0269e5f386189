/*
 * mm/kmem.h - the public memory-mapping API, under Zephyr's
 * names and flag values, completed with k_mem_unmap and full rollback.
 *
 * Every call returns a negative errno (lib/errno.h) on a failure the
 * caller can handle; a failed call leaves no frame, page-table page or
 * virtual range behind.  The calls take mm_lock (mm/mm_lock.h) with
 * interrupts off for their whole body; k_mem_free_get reads one count.
 */
#ifndef MM_KMEM_H
#define MM_KMEM_H

#include "../lib/types.h"

/* K_MEM_CACHE_*, K_MEM_PERM_* and K_MEM_MAP_UNINIT/LOCK: the payload
 * ABI's values, defined once there. */
#include "../payload/sdk/efimm_abi.h"
/* efimm-internal: may use 2 MiB / 1 GiB pages (kernel address space). */
#define K_MEM_MAP_LARGE         (1u << 24)

/* True if flags has no bit outside allowed, a defined cache mode, and
 * not both RW and EXEC. */
static inline bool k_mem_flags_valid(uint32_t flags, uint32_t allowed)
{
	uint32_t wx = K_MEM_PERM_RW | K_MEM_PERM_EXEC;

	return (flags & ~allowed) == 0 && (flags & wx) != wx &&
	       (flags & K_MEM_CACHE_MASK) <= K_MEM_CACHE_LAST;
}

/*
 * Maps size bytes (a multiple of PAGE_SIZE, > 0) of anonymous memory with
 * an unmapped guard page before and after.  Once demand paging is set up
 * (mm/paging.h) the mapping is lazy: no frame until the first touch,
 * which zero-fills (or, with K_MEM_MAP_UNINIT, leaves the frame as found);
 * K_MEM_MAP_LOCK takes pinned frames at once.  Returns the address, or NULL
 * (no frames, no virtual space, bad flags); nothing leaks on failure.
 */
void *k_mem_map(size_t size, uint32_t flags);

/*
 * Unmaps a range returned by k_mem_map (addr, size as passed there);
 * frees its frames, emptied table pages, the guard pages and the range.
 * Returns 0, or -EINVAL if [addr, addr+size) is not exactly such a range.
 */
int k_mem_unmap(void *addr, size_t size);

/*
 * Maps physical [phys, phys+size) (any alignment; the offset is kept)
 * into fresh virtual space; *virt_ptr gets the address for phys.
 * Returns 0, -EINVAL (size 0, wrap-around), -ENOMEM.
 */
int z_phys_map(uint8_t **virt_ptr, paddr_t phys, size_t size, uint32_t flags);
/* Undoes z_phys_map (virt and size as passed/returned there). */
int z_phys_unmap(uint8_t *virt, size_t size);

/*
 * Unmaps every live region of the k_mem_map area - k_mem_map's (frames,
 * store slots and pins of its pages, whatever their state) and
 * z_phys_map's (PTEs only) - frees the table pages left empty, and
 * resets the area (mm/vm.h vm_reset: node frames go back).  O(regions +
 * pages mapped).  Caller holds mm_lock (mm_payload_teardown).
 */
void kmem_release_all(void);

/* Bytes of free RAM (free frames times PAGE_SIZE). */
size_t k_mem_free_get(void);

/*
 * What is mapped at va, for the payload's k_mem_translate and efimm's
 * checks of payload pointers: 0 with the exact byte address in *phys and
 * the K_MEM_PERM_* / K_MEM_CACHE_* flags in *flags for a resident page;
 * -ENOENT for a page mapped lazily and not yet populated; -EAGAIN for a
 * paged-out page; -EFAULT when nothing is mapped; -EINVAL for a
 * non-canonical va.  Outputs may be NULL.  Changes nothing.
 */
int k_mem_query(vaddr_t va, paddr_t *phys, uint32_t *flags);

#endif
