/*
 * mm/kmem.h - the public memory-mapping API, under Zephyr's
 * names and flag values, completed with k_mem_unmap and full rollback.
 *
 * Every call returns a negative errno (lib/errno.h) on a failure the
 * caller can handle; a failed call leaves no frame, page-table page or
 * virtual range behind.
 */
#ifndef MM_KMEM_H
#define MM_KMEM_H

#include "../lib/types.h"

/* Cache mode: the low three bits. */
#define K_MEM_CACHE_WB          0u
#define K_MEM_CACHE_WT          1u
#define K_MEM_CACHE_NONE        2u
#define K_MEM_CACHE_MASK        7u
/* Permissions.  Without K_MEM_PERM_RW a mapping is read-only; without
 * K_MEM_PERM_EXEC it is no-execute.  RW and EXEC together are refused
 * (-EINVAL): efimm keeps W^X everywhere. */
#define K_MEM_PERM_RW           (1u << 3)
#define K_MEM_PERM_EXEC         (1u << 4)
#define K_MEM_PERM_USER         (1u << 5)
/* Mapping options. */
#define K_MEM_MAP_UNINIT        (1u << 16)  /* don't zero anonymous memory */
#define K_MEM_MAP_LOCK          (1u << 17)  /* pin the frames */
/* efimm-internal: may use 2 MiB / 1 GiB pages (kernel address space). */
#define K_MEM_MAP_LARGE         (1u << 24)

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

/* Bytes of free RAM (free frames times PAGE_SIZE). */
size_t k_mem_free_get(void);

#endif
