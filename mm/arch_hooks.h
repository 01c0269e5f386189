/*
 * mm/arch_hooks.h - everything mm/ needs from the CPU architecture.
 *
 * mm/ reaches the hardware only through these calls, and calls every
 * one of them; arch/x86_64/ implements them and never reads the frame
 * database.  What only the layers above mm/ use (loading the address
 * space, its root, protect, the canonical check, the live tables) is in
 * arch/x86_64/machine.h.  Each hook states its contract.  Unless a hook
 * says otherwise it acts on the kernel address space (the one set of
 * page tables efimm builds), it is called with interrupts off (under
 * mm_lock, or from the fault entry), and it flushes the TLB entry of
 * every PTE it changes itself (invlpg), so callers never flush.
 *
 * Flags are the arch-neutral K_MEM_* flags of mm/kmem.h.
 */
#ifndef MM_ARCH_HOOKS_H
#define MM_ARCH_HOOKS_H

#include "../lib/types.h"

/*
 * Page-table pages come from mm (pinned frames of the frame database)
 * through this allocator.  get() returns 0 and a zeroed, 4 KiB-aligned
 * frame, or -ENOMEM.  put() gives back a frame get() returned.
 */
struct arch_pt_alloc {
	int (*get)(void *ctx, paddr_t *frame);
	void (*put)(void *ctx, paddr_t frame);
	void *ctx;
};

/*
 * Direct map: the CPU-visible pointer to physical memory at phys.
 * efimm identity-maps RAM, so on the target this is (void *)phys; the
 * host tests return a pointer into an arena that stands in for RAM.
 * arch_direct_map.h is found on the include path the Makefile gives each
 * build: arch/x86_64/include (an inline) or tests/host/include.
 */
#include <arch_direct_map.h>

/*
 * Creates the (empty) kernel address space; table pages come from alloc,
 * which must stay valid while the address space lives.  Replaces any
 * previous one without freeing it.  Returns 0 or -ENOMEM.
 */
int arch_pt_init(const struct arch_pt_alloc *alloc);

/*
 * A payload's address space.  arch_as_create makes a new top-level table
 * that shares every top-level entry of the kernel address space outside
 * [user_lo, user_hi) (efimm's mappings, supervisor-only as they are) and
 * has none inside, and loads it; from then on the hooks act on it for
 * addresses inside [user_lo, user_hi) and on the kernel's tables for the
 * rest.  user_lo and user_hi are aligned to a top-level entry's range
 * and the kernel's tables map nothing between them.  One at a time.
 * Returns 0 or -ENOMEM (nothing changed).
 */
int arch_as_create(vaddr_t user_lo, vaddr_t user_hi);
/*
 * Loads the kernel address space again and frees the payload's top-level
 * table.  Precondition: everything in the user range was unmapped first
 * (the tables under it are freed by the unmaps).
 */
void arch_as_destroy(void);
/* True between arch_as_create and arch_as_destroy (arch_pt_init ends
 * it too, without freeing anything). */
bool arch_as_live(void);

/*
 * Maps [virt, virt+size) to [phys, phys+size).  virt, phys and size are
 * page-aligned and size > 0.  With K_MEM_MAP_LARGE in flags it uses 2 MiB
 * and (when CPUID reports them) 1 GiB pages wherever alignment allows.
 * Existing mappings in the range are replaced (large pages split as
 * needed).  Returns 0; -EINVAL for a non-canonical or wrapping range or
 * RW|EXEC; -ENOMEM when a table page cannot be had, in which case the
 * range is left exactly as it was before the call.
 */
int arch_mem_map(vaddr_t virt, paddr_t phys, size_t size, uint32_t flags);

/*
 * Removes every mapping in [virt, virt+size) (page-aligned).  A large page
 * partly inside is split first; table pages left empty are freed.
 * Returns 0, -EINVAL (non-canonical) or -ENOMEM (a split needed a table
 * page; nothing changed).  Unmapping holes is not an error.
 */
int arch_mem_unmap(vaddr_t virt, size_t size);

/*
 * Translates virt.  Returns 0 and sets *phys (exact byte address) and
 * *flags (K_MEM_PERM_* and K_MEM_CACHE_* of the leaf) if mapped;
 * -EFAULT if not present; -EINVAL if non-canonical.  Outputs may be NULL.
 */
int arch_mem_translate(vaddr_t virt, paddr_t *phys, uint32_t *flags);

/*
 * Demand paging.  A data page is LOADED when its PTE is present;
 * a non-present PTE may instead record a backing-store location (an
 * opaque number < 2^40) - never confused with an unmapped entry.
 */
#define ARCH_DATA_PAGE_ACCESSED   (1u << 0)
#define ARCH_DATA_PAGE_DIRTY      (1u << 1)
#define ARCH_DATA_PAGE_LOADED     (1u << 2)
#define ARCH_DATA_PAGE_NOT_MAPPED (1u << 3)

/*
 * Returns ARCH_DATA_PAGE_* for virt and, if loaded, its frame in *phys.
 * With clear_accessed, clears the PTE's accessed bit (and flushes it).
 */
uint32_t arch_page_info_get(vaddr_t virt, paddr_t *phys, bool clear_accessed);

enum arch_page_location {
	ARCH_PAGE_LOCATION_PAGED_OUT,  /* *location = backing-store slot */
	ARCH_PAGE_LOCATION_PAGED_IN,   /* *location = frame phys address */
	ARCH_PAGE_LOCATION_BAD,        /* not mapped at all */
};
enum arch_page_location arch_page_location_get(vaddr_t virt, uint64_t *location);

/*
 * Creates a non-present 4 KiB PTE for every page of [virt, virt+size)
 * (page-aligned, size > 0) that holds location and the permissions in
 * flags, as if the pages had been paged out: lazy memory whose first
 * touch faults.  One walk for the whole range, so a lazy mapping costs
 * little per page.  Returns 0, -EINVAL or -ENOMEM (nothing changed).
 */
int arch_mem_map_nonresident(vaddr_t virt, size_t size, uint64_t location,
			     uint32_t flags);

/* Makes virt's 4 KiB PTE non-present holding location, keeping its
 * permissions for the later page-in, in one atomic exchange, and
 * invalidates it on every CPU before returning.  Returns
 * ARCH_DATA_PAGE_DIRTY if the PTE was dirty when it went (a CPU may
 * have written the page after the caller last looked; after the return
 * none can), else 0.  Precondition: virt is mapped with a 4 KiB page. */
uint32_t arch_mem_page_out(vaddr_t virt, uint64_t location);

/*
 * The fault path's handle on one 4 KiB-level PTE: found by one walk and
 * used again without walking.  Valid until the tables change (a map,
 * unmap or protect); paging out or in another page keeps it valid.
 */
struct arch_pte_ref {
	void *pte;
	vaddr_t virt;
};

/* arch_page_location_get that also keeps the PTE it read in *ref. */
enum arch_page_location arch_page_locate(vaddr_t virt, uint64_t *location,
					 struct arch_pte_ref *ref);
/* arch_page_info_get of a page mapped with a 4 KiB PTE (pageable
 * memory), keeping the PTE in *ref. */
uint32_t arch_page_info_ref(vaddr_t virt, bool clear_accessed,
			    struct arch_pte_ref *ref);
/* arch_mem_page_out through a ref, no walk. */
uint32_t arch_pte_page_out(const struct arch_pte_ref *ref, uint64_t location);
/* Makes ref's paged-out PTE present again, pointing at phys, with the
 * permissions saved at page-out and A/D clear; no walk. */
void arch_pte_page_in(const struct arch_pte_ref *ref, paddr_t phys);

/*
 * TLB batches.  Every hook above that removes or narrows a mapping
 * invalidates it on every CPU before returning: one round of IPIs per
 * call.  Between arch_tlb_batch_begin() and arch_tlb_batch_end() they
 * invalidate on this CPU only and leave the other CPUs' entries to the
 * end, which returns once every CPU dropped all of them (one round for
 * the batch; the caller batches to pay that once for many pages).  So
 * until the end, mm must not reuse a frame or store slot whose mapping
 * went inside the batch, nor read a frame another CPU might still write
 * through an old entry.  Not nested; mm_lock held.
 */
void arch_tlb_batch_begin(void);
void arch_tlb_batch_end(void);

/* The shootdown counters since boot, into the paging statistics. */
struct k_mem_paging_stats;
void arch_tlb_stats_get(struct k_mem_paging_stats *stats);

/*
 * Faults: the one way up from arch/ to mm/.  Layers run efi > machine >
 * mm > arch > lib and arch/ never calls a layer above it, so mm/ hands
 * arch/ ONE entry point, once, when demand paging starts; arch/'s
 * exception path decodes every exception into a struct mm_fault
 * (mm/fault.h) and calls through that single pointer (mm_fault), with no
 * other callback for faults.  NULL (the default): every exception is
 * fatal with no verdict.
 */
struct mm_fault;
typedef int (*arch_fault_entry_fn)(const struct mm_fault *f,
				   const char **verdict);
void arch_fault_set_entry(arch_fault_entry_fn fn);

/*
 * Interrupts, for mm_lock (mm/mm_lock.h): arch_irq_save() disables
 * maskable interrupts on this CPU and returns the previous state as an
 * opaque word; arch_irq_restore(flags) re-enables them only if they were
 * enabled when that word was saved (nested save/restore pairs restore
 * in reverse order).  Both are full compiler barriers: no memory access
 * moves across them.  Callable with interrupts in either state, from
 * any context (a fault or interrupt handler included); neither faults.
 */
unsigned long arch_irq_save(void);
void arch_irq_restore(unsigned long flags);

/*
 * CPUs, for mm_lock.  arch_cpu_id(): the calling CPU's number, 0 for the
 * boot CPU (and before the CPUs are set up).  arch_spin_relax(): one
 * step of a spin-wait with interrupts off - a pause, and whatever other
 * CPUs asked of this one meanwhile (a TLB shootdown), so a CPU waiting
 * for a lock never holds up the CPU that holds it.  Neither faults.
 */
unsigned int arch_cpu_id(void);
void arch_spin_relax(void);

/*
 * Runs fn(arg) on efimm's own stack and returns what it returns.  The
 * paging calls a payload makes run there, so evicting the payload's
 * stack pages (its current page included) never pulls a page from under
 * the code doing it.  Nested calls run fn on the stack they are on.
 */
int arch_call_on_kernel_stack(int (*fn)(void *arg), void *arg);

#endif
