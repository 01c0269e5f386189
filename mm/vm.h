/*
 * mm/vm.h - efimm's virtual address layout and the allocator of virtual
 * regions in the k_mem_map area.
 *
 * Virtual layout (x86_64 4-level paging, lower half only):
 *
 *   0x0000_0000_0000_0000  page 0: never mapped (NULL dereferences fault)
 *   0x0000_0000_0000_1000  identity/direct map of all RAM and MMIO
 *                          (virt == phys; kas.c), holes unmapped
 *   0x0000_4000_0000_0000  unused
 *   0x0000_5000_0000_0000  payload image window (ELF payloads)
 *   0x0000_6000_0000_0000  k_mem_map / z_phys_map area (this allocator)
 *   0x0000_7000_0000_0000  unused up to the canonical hole at 2^47
 *
 * The allocator keeps two sorted arrays in its own fixed-size storage
 * (no heap): free extents and live regions.  A live-region limit of
 * VM_MAX_REGIONS - 1 guarantees that freeing never needs a free-extent
 * slot that is not there (n live regions leave at most n + 1 holes), so
 * vm_free cannot fail for a valid region.  Allocation is first fit,
 * O(regions); freeing is O(regions) with coalescing of neighbours.
 */
#ifndef MM_VM_H
#define MM_VM_H

#include "../lib/types.h"

#define VM_DIRECT_MAP_END     0x0000400000000000ULL
#define VM_PAYLOAD_BASE       0x0000500000000000ULL
#define VM_PAYLOAD_END        0x0000600000000000ULL
#define VM_KMEM_BASE          0x0000600000000000ULL
#define VM_KMEM_END           0x0000700000000000ULL

#define VM_MAX_REGIONS        256

/* What a live region holds; vm_free checks it matches. */
enum vm_kind {
	VM_ANON = 1,    /* k_mem_map: frames owned by the mapping */
	VM_PHYS,        /* z_phys_map: someone else's physical memory */
};

struct vm_extent {
	vaddr_t start;
	uint64_t size;
	uint32_t kind;          /* enum vm_kind for live regions */
};

struct vm_space {
	vaddr_t base, end;
	struct vm_extent free[VM_MAX_REGIONS];
	struct vm_extent used[VM_MAX_REGIONS];
	size_t nfree, nused;
};

/* Makes vs manage [base, end) (page-aligned, base < end), all free. */
void vm_init(struct vm_space *vs, vaddr_t base, vaddr_t end);

/*
 * Allocates size bytes (page multiple, > 0) of virtual space of kind.
 * Returns 0 and *va, or -ENOMEM (no hole big enough, or the region limit
 * is reached).
 */
int vm_alloc(struct vm_space *vs, uint64_t size, enum vm_kind kind, vaddr_t *va);

/*
 * Frees the live region that is exactly [va, va+size) of kind, merging
 * it with neighbouring free space.  Returns 0 or -EINVAL (no such region).
 */
int vm_free(struct vm_space *vs, vaddr_t va, uint64_t size, enum vm_kind kind);

/* Bytes of free virtual space, and live regions (for tests and stats). */
uint64_t vm_free_bytes(const struct vm_space *vs);
size_t vm_live_regions(const struct vm_space *vs);

#endif
