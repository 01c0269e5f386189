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
 * With five levels (LA57, 57-bit addresses) the k_mem_map area moves
 * above 2^47, where only five-level paging reaches, still under the
 * first PML5 entry so that the payload's part of an address space
 * (window to area end) stays one run of PML4 slots:
 *
 *   0x0000_5000_0000_0000  payload image window (ELF payloads)
 *   0x0000_6000_0000_0000  unused
 *   0x0000_8000_0000_0000  k_mem_map / z_phys_map area
 *   0x0000_9000_0000_0000  unused up to the canonical hole at 2^56
 *
 * VM_KMEM_BASE and VM_KMEM_END are the area of the current layout
 * (vm_kmem_place).
 *
 * The allocator keeps two address-sorted lists of extents: free space and
 * live regions.  Their nodes come from a pool: VM_INLINE_NODES inside
 * struct vm_space (enough for VM_INLINE_NODES / 2 - 1 live regions
 * without taking a frame), then whole frames of the frame database, taken
 * one at a time as the pool runs dry and kept (pinned, reused) until
 * vm_reset gives them back.  So the number of live regions is bounded by
 * memory only (127 regions per 4 KiB frame of nodes: the frame's first
 * node links the frames, so vm_reset can find them).  vm_free never
 * needs a node: the region's own node becomes the free extent's when it
 * cannot merge.  Allocation is first fit, O(free extents); freeing is
 * O(regions), coalescing neighbours.
 */
#ifndef MM_VM_H
#define MM_VM_H

#include "../lib/types.h"

#define VM_DIRECT_MAP_END     0x0000400000000000ULL
#define VM_PAYLOAD_BASE       0x0000500000000000ULL
#define VM_PAYLOAD_END        0x0000600000000000ULL
#define VM_KMEM_BASE_4LEVEL   0x0000600000000000ULL
#define VM_KMEM_END_4LEVEL    0x0000700000000000ULL
#define VM_KMEM_BASE_LA57     0x0000800000000000ULL
#define VM_KMEM_END_LA57      0x0000900000000000ULL

/* The k_mem_map area of the current layout. */
extern vaddr_t vm_kmem_base, vm_kmem_end;
#define VM_KMEM_BASE          vm_kmem_base
#define VM_KMEM_END           vm_kmem_end

/* Picks the layout: the area above 2^47 for five levels (la57), else
 * the 4-level one (the default).  Call before mm_init. */
void vm_kmem_place(bool la57);

/* Nodes kept inside struct vm_space before frames are taken. */
#define VM_INLINE_NODES       256

/* What a live region holds; vm_free checks it matches. */
enum vm_kind {
	VM_ANON = 1,    /* k_mem_map: frames owned by the mapping */
	VM_PHYS,        /* z_phys_map: someone else's physical memory */
};

struct vm_extent {
	vaddr_t start;
	uint64_t size;
	uint32_t kind;          /* enum vm_kind for live regions */
	struct vm_extent *next; /* next extent by address, or the next spare */
};

struct vm_space {
	vaddr_t base, end;
	struct vm_extent *free, *used;  /* sorted by start */
	struct vm_extent *spare;        /* unused nodes */
	size_t nfree, nused;
	size_t node_frames;             /* frames taken for nodes */
	struct vm_extent *frames;       /* their first nodes: start = phys */
	struct vm_extent inline_nodes[VM_INLINE_NODES];
};

/* Makes vs manage [base, end) (page-aligned, base < end), all free. */
void vm_init(struct vm_space *vs, vaddr_t base, vaddr_t end);

/*
 * Allocates size bytes (page multiple, > 0) of virtual space of kind.
 * Returns 0 and *va, or -ENOMEM (no hole big enough, or a node was needed
 * and no frame is free).
 */
int vm_alloc(struct vm_space *vs, uint64_t size, enum vm_kind kind, vaddr_t *va);

/*
 * Frees the live region that is exactly [va, va+size) of kind, merging
 * it with neighbouring free space.  Returns 0 or -EINVAL (no such region).
 */
int vm_free(struct vm_space *vs, vaddr_t va, uint64_t size, enum vm_kind kind);

/*
 * Finds the live region holding all of [va, va+size) (size > 0; a range
 * that wraps holds nothing).  Returns true and *kind if there is one.
 */
bool vm_lookup(const struct vm_space *vs, vaddr_t va, uint64_t size,
	       enum vm_kind *kind);

/* Bytes of free virtual space, and live regions (for tests and stats). */
uint64_t vm_free_bytes(const struct vm_space *vs);
size_t vm_live_regions(const struct vm_space *vs);
/* Frames taken for nodes (given back only by vm_reset). */
size_t vm_node_frames(const struct vm_space *vs);

/* The live regions, by address: follow ->next; start, size and kind are
 * the region's.  The list must not change while it is walked. */
const struct vm_extent *vm_regions(const struct vm_space *vs);

/*
 * Forgets every region (all of vs free again, as vm_init left it) and
 * gives the node frames back to the frame database: O(node frames).  The
 * caller has unmapped what the regions held.
 */
void vm_reset(struct vm_space *vs);

#endif
