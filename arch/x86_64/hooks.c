/*
 * arch/x86_64/hooks.c - mm/arch_hooks.h on x86_64, and the kernel address
 * space part of machine.h: the hooks act on the kernel struct pt, or on
 * the payload's (arch_as_create) for addresses in its user range,
 * translating K_MEM_* flags to PTE bits.
 *
 * PCIDs (when the CPU has them): efimm's own tables run as PCID 0, a
 * payload's as PCID 1.  Entering a new payload's address space flushes
 * PCID 1 (the previous payload's translations) and nothing of efimm's;
 * leaving it keeps PCID 0's entries (no-flush bit) unless a kernel
 * mapping changed meanwhile (invlpg then flushed PCID 1's copy only),
 * and drops PCID 1's with INVPCID where the CPU has it.  Without PCIDs
 * both switches are plain CR3 writes, which flush every non-global entry.
 *
 * TLB shootdown (tlb.h): every hook that removes or narrows a mapping
 * ends with tlb_sync(), so when it returns no other CPU holds the old
 * translation.
 *
 * Cache modes use PWT/PCD only (PAT index 0..3), whose memory types are
 * the same in the power-on IA32_PAT and in every PAT efimm or the
 * firmware programs: WB = 0, WT = PWT, K_MEM_CACHE_NONE = PCD|PWT (UC).
 * Without NX (CPUID), XD is never set and every page reads back EXEC.
 */
#include "../../lib/assert.h"
#include "../../lib/errno.h"
#include "../../lib/kstring.h"
#include "../../mm/arch_hooks.h"
#include "../../mm/kmem.h"
#include "../../payload/sdk/efimm_abi.h"
#include "cpu.h"
#include "machine.h"
#include "pt.h"
#include "tlb.h"

#define PCID_KERNEL   0
#define PCID_PAYLOAD  1
#define CR3_NOFLUSH   (1ULL << 63)

static struct pt kernel_pt;
static bool kernel_pt_live;
static unsigned int kernel_levels = 4;   /* for the next arch_pt_init */

/* The payload's address space: its own root, the kernel's top-level
 * entries outside [lo, hi).  With five levels the root is a PML5 copy
 * whose entry for [lo, hi) points to a PML4 copy (chain[1]): the tables
 * from the top down to the PML4, one per level, are the payload's. */
static struct {
	struct pt pt;
	paddr_t chain[PT_LEVELS];
	unsigned int nchain;
	vaddr_t lo, hi;
	bool live;
	bool kernel_changed;    /* a kernel mapping changed while it was live */
} uas;
static bool pcid_on, invpcid_on;

static struct pt *kpt(void)
{
	ASSERT(kernel_pt_live, "arch: arch_pt_init() not called");
	return &kernel_pt;
}

/* The tables that hold va: the payload's for its user range. */
static struct pt *pt_of(vaddr_t va)
{
	if (uas.live && va >= uas.lo && va < uas.hi)
		return &uas.pt;
	return kpt();
}

/* pt_of for a change of the range at va (which never straddles the
 * user range's edge): notes kernel changes made under PCID_PAYLOAD. */
static struct pt *pt_for_change(vaddr_t va)
{
	struct pt *pt = pt_of(va);

	if (uas.live && pt == &kernel_pt)
		uas.kernel_changed = true;
	return pt;
}

/* K_MEM_* -> leaf attributes (4 KiB layout).  0 or -EINVAL. */
static int hooks_prot(uint32_t flags, uint64_t *prot)
{
	static const uint64_t cache[] = {
		[K_MEM_CACHE_WB] = 0,
		[K_MEM_CACHE_WT] = PTE_PWT,
		[K_MEM_CACHE_NONE] = PTE_PCD | PTE_PWT,
	};
	uint32_t mode = flags & K_MEM_CACHE_MASK;

	if ((flags & K_MEM_PERM_RW) && (flags & K_MEM_PERM_EXEC))
		return -EINVAL;
	if (mode >= ARRAY_SIZE(cache))
		return -EINVAL;
	*prot = cache[mode] | ((flags & K_MEM_PERM_RW) ? PTE_RW : 0) |
		((flags & K_MEM_PERM_USER) ? PTE_US : 0) |
		((flags & K_MEM_PERM_EXEC) ? 0 : PTE_XD);
	return 0;
}

/* Leaf attributes -> K_MEM_*.  UC- (PCD alone) reads back as NONE. */
static uint32_t hooks_flags(uint64_t prot)
{
	static const uint32_t cache[] = {
		K_MEM_CACHE_WB, K_MEM_CACHE_WT, K_MEM_CACHE_NONE,
		K_MEM_CACHE_NONE,
	};

	return cache[pte_pat_index(prot) & 3] |
	       ((prot & PTE_RW) ? K_MEM_PERM_RW : 0) |
	       ((prot & PTE_US) ? K_MEM_PERM_USER : 0) |
	       ((prot & PTE_XD) ? 0 : K_MEM_PERM_EXEC);
}

bool arch_is_canonical(vaddr_t virt)
{
	return pte_va_canonical(virt);
}

bool arch_is_canonical_la57(vaddr_t virt)
{
	return pte_va_canonical_w(virt, PTE_VA_BITS_LA57);
}

void arch_pt_set_levels(unsigned int levels)
{
	ASSERT(levels == 4 || levels == 5, "arch: %u levels", levels);
	kernel_levels = levels;
}

unsigned int arch_pt_levels(void)
{
	return kernel_levels;
}

int arch_pt_init(const struct arch_pt_alloc *alloc)
{
	int ret = pt_init(&kernel_pt, alloc, kernel_levels, cpu_has_1g_pages(),
			  cpu_enable_nx());

	kernel_pt_live = ret == 0;
	uas.live = false;
	return ret;
}

paddr_t arch_pt_root(void)
{
	return uas.live ? uas.pt.root : kpt()->root;
}

/* PML4 index of va: the user range is a run of PML4 entries. */
static unsigned int top_index(vaddr_t va)
{
	return pt_index(PT_LEVEL_PML4, va);
}

/* Takes the n table pages of the payload's chain.  0 or -ENOMEM (none
 * kept). */
static int as_chain_get(unsigned int n)
{
	const struct arch_pt_alloc *a = kpt()->alloc;

	for (unsigned int i = 0; i < n; i++) {
		if (a->get(a->ctx, &uas.chain[i]) == 0)
			continue;
		while (i--)
			a->put(a->ctx, uas.chain[i]);
		return -ENOMEM;
	}
	uas.nchain = n;
	return 0;
}

/*
 * Fills the chain: each table a copy of the kernel's at its level on
 * lo's path, except that the entry for lo points to the next copy and,
 * in the PML4, the user slots [first, last] are empty.
 */
static void as_chain_fill(vaddr_t lo, unsigned int first, unsigned int last)
{
	const uint64_t *src = arch_phys_to_ptr(kpt()->root);
	int l = pt_top(kpt()->levels);

	for (unsigned int c = 0; c < uas.nchain; c++, l++) {
		uint64_t *dst = arch_phys_to_ptr(uas.chain[c]);
		unsigned int at = pt_index(l, lo);

		memcpy(dst, src, PAGE_SIZE);
		if (l != PT_LEVEL_PML4) {
			ASSERT(pt_is_table(l, src[at]), "arch: no %s for the user range",
			       pt_levels[l + 1].name);
			dst[at] = (src[at] & ~PTE_ADDR_MASK) | paddr_raw(uas.chain[c + 1]);
			src = pt_table_ptr(l, src[at]);
			continue;
		}
		for (unsigned int i = first; i <= last; i++) {
			ASSERT(src[i] == 0, "arch: kernel tables map user slot %u", i);
			dst[i] = 0;
		}
	}
}

int arch_as_create(vaddr_t user_lo, vaddr_t user_hi)
{
	unsigned int first = top_index(user_lo), last = top_index(user_hi - 1);
	unsigned int n = kpt()->levels - 3;   /* tables from the top to PML4 */

	ASSERT(!uas.live, "arch: a payload address space is live already");
	ASSERT(IS_ALIGNED(user_lo, pt_span(PT_LEVEL_PML4)) &&
	       IS_ALIGNED(user_hi, pt_span(PT_LEVEL_PML4)) && user_lo < user_hi &&
	       (user_lo >> pt_levels[PT_LEVEL_PML5].shift) ==
	       ((user_hi - 1) >> pt_levels[PT_LEVEL_PML5].shift),
	       "arch: user range %lx-%lx not in one PML4's aligned slots",
	       user_lo, user_hi);
	if (as_chain_get(n))
		return -ENOMEM;
	as_chain_fill(user_lo, first, last);
	uas.pt = *kpt();
	uas.pt.root = uas.chain[0];
	uas.lo = user_lo;
	uas.hi = user_hi;
	uas.kernel_changed = false;
	uas.live = true;
	cpu_write_cr3(paddr_raw(uas.pt.root) | (pcid_on ? PCID_PAYLOAD : 0));
	return 0;
}

void arch_as_destroy(void)
{
	const struct arch_pt_alloc *a = kpt()->alloc;
	const uint64_t *t;
	uint64_t cr3 = paddr_raw(kpt()->root);

	ASSERT(uas.live, "arch: no payload address space");
	t = arch_phys_to_ptr(uas.chain[uas.nchain - 1]);
	for (unsigned int i = top_index(uas.lo); i <= top_index(uas.hi - 1); i++)
		ASSERT(t[i] == 0, "arch: payload slot %u still mapped", i);
	if (pcid_on && !uas.kernel_changed)
		cr3 |= CR3_NOFLUSH | PCID_KERNEL;
	cpu_write_cr3(cr3);
	if (invpcid_on)
		cpu_invpcid_context(PCID_PAYLOAD);
	uas.live = false;
	for (unsigned int c = 0; c < uas.nchain; c++)
		a->put(a->ctx, uas.chain[c]);
}

bool arch_as_live(void)
{
	return uas.live;
}

void arch_as_enter_here(void)
{
	ASSERT(uas.live, "arch: no payload address space to enter");
	cpu_write_cr3(paddr_raw(uas.pt.root) | (pcid_on ? PCID_PAYLOAD : 0));
}

void arch_as_leave_here(void)
{
	cpu_write_cr3(paddr_raw(kpt()->root));
}

void arch_as_pcid_off(void)
{
	pcid_on = false;
	invpcid_on = false;
}

unsigned int arch_as_features(void)
{
	return (pcid_on ? ARCH_AS_PCID : 0) | (invpcid_on ? ARCH_AS_INVPCID : 0);
}

int arch_mem_map(vaddr_t virt, paddr_t phys, size_t size, uint32_t flags)
{
	uint64_t prot;
	int ret = hooks_prot(flags, &prot);

	if (ret)
		return ret;
	ret = pt_map(pt_for_change(virt), virt, phys, size, prot,
		     (flags & K_MEM_MAP_LARGE) != 0);
	tlb_sync();
	return ret;
}

int arch_mem_unmap(vaddr_t virt, size_t size)
{
	int ret = pt_unmap(pt_for_change(virt), virt, size);

	tlb_sync();
	return ret;
}

int arch_mem_protect(vaddr_t virt, size_t size, uint32_t flags)
{
	uint64_t prot;
	int ret = hooks_prot(flags, &prot);

	if (ret)
		return ret;
	ret = pt_protect(pt_for_change(virt), virt, size, prot);
	tlb_sync();
	return ret;
}

int arch_mem_translate(vaddr_t virt, paddr_t *phys, uint32_t *flags)
{
	uint64_t prot;
	int ret = pt_translate(pt_of(virt), virt, phys, &prot, NULL);

	if (ret == 0 && flags)
		*flags = hooks_flags(prot);
	return ret;
}

/* Loads the kernel tables (the CR3 write flushes all non-global
 * entries) as PCID 0, then turns PCIDs on where the CPU has them. */
void arch_pt_activate(void)
{
	cpu_write_cr3(paddr_raw(kpt()->root));
	pcid_on = cpu_enable_pcid();
	invpcid_on = pcid_on && cpu_has_invpcid();
}

/* virt's last entry in the kernel tables and its level. */
static uint64_t *hooks_pte(vaddr_t virt, int *level)
{
	ASSERT(pte_va_canonical(virt), "arch: 0x%lx is not canonical", virt);
	const struct pt *pt = pt_of(virt);

	return pt_find(pt->root, pt->levels, virt, level);
}

/* The 4 KiB frame holding virt, mapped by the leaf e at level. */
static uint64_t hooks_frame(int level, uint64_t e, vaddr_t virt)
{
	return pt_leaf_addr(level, e) +
	       ALIGN_DOWN(virt & (pt_span(level) - 1), PAGE_SIZE);
}

/* ARCH_DATA_PAGE_LOADED with the present leaf *slot's A/D; with
 * clear_accessed, clears A (pt_pte_set flushes it). */
static uint32_t hooks_loaded_state(uint64_t *slot, vaddr_t virt,
				   bool clear_accessed)
{
	uint64_t e = *slot;

	if (clear_accessed && (e & PTE_A))
		pt_pte_set(slot, virt, e & ~PTE_A);
	return ARCH_DATA_PAGE_LOADED |
	       ((e & PTE_A) ? ARCH_DATA_PAGE_ACCESSED : 0) |
	       ((e & PTE_D) ? ARCH_DATA_PAGE_DIRTY : 0);
}

uint32_t arch_page_info_get(vaddr_t virt, paddr_t *phys, bool clear_accessed)
{
	uint64_t *slot, e;
	int level;

	if (!pte_va_canonical(virt))
		return ARCH_DATA_PAGE_NOT_MAPPED;
	slot = hooks_pte(virt, &level);
	e = *slot;
	if (!pt_is_used_leaf(level, e))
		return ARCH_DATA_PAGE_NOT_MAPPED;
	if (!(e & PTE_P))
		return 0;
	if (phys)
		*phys = PADDR(hooks_frame(level, e, virt));
	return hooks_loaded_state(slot, virt, clear_accessed);
}

enum arch_page_location arch_page_locate(vaddr_t virt, uint64_t *location,
					 struct arch_pte_ref *ref)
{
	uint64_t *slot, e;
	int level;

	ref->pte = NULL;
	ref->virt = virt;
	if (!pte_va_canonical(virt))
		return ARCH_PAGE_LOCATION_BAD;
	slot = hooks_pte(virt, &level);
	e = *slot;
	if (pt_is_leaf(level, e)) {
		*location = hooks_frame(level, e, virt);
		if (level == PT_LEVEL_PT)
			ref->pte = slot;
		return ARCH_PAGE_LOCATION_PAGED_IN;
	}
	if (level == PT_LEVEL_PT && pte_is_paged_out(e)) {
		*location = pte_paged_out_location(e);
		ref->pte = slot;
		return ARCH_PAGE_LOCATION_PAGED_OUT;
	}
	return ARCH_PAGE_LOCATION_BAD;
}

enum arch_page_location arch_page_location_get(vaddr_t virt, uint64_t *location)
{
	struct arch_pte_ref ref;

	return arch_page_locate(virt, location, &ref);
}

uint32_t arch_page_info_ref(vaddr_t virt, bool clear_accessed,
			    struct arch_pte_ref *ref)
{
	uint64_t *slot, e;
	int level;

	slot = hooks_pte(virt, &level);
	e = *slot;
	ASSERT(level == PT_LEVEL_PT && (e & PTE_P),
	       "arch: 0x%lx is not mapped with a 4 KiB page", virt);
	ref->pte = slot;
	ref->virt = virt;
	return hooks_loaded_state(slot, virt, clear_accessed);
}

int arch_mem_map_nonresident(vaddr_t virt, size_t size, uint64_t location,
			     uint32_t flags)
{
	uint64_t prot;
	int ret = hooks_prot(flags, &prot);

	if (ret)
		return ret;
	if (location > PTE_LOC_MAX)
		return -EINVAL;
	ret = pt_map_nonresident(pt_for_change(virt), virt, size,
				 pte_paged_out(location, prot));
	tlb_sync();
	return ret;
}

/* The exchange is atomic: another CPU's page walk may be setting A or
 * D in this PTE at the same moment, and a D it sets must not be lost. */
uint32_t arch_pte_page_out(const struct arch_pte_ref *ref, uint64_t location)
{
	uint64_t *slot = ref->pte, e = __atomic_load_n(slot, __ATOMIC_RELAXED), old;

	ASSERT(location <= PTE_LOC_MAX, "arch: location 0x%llx too large",
	       (unsigned long long)location);
	ASSERT(e & PTE_P, "arch: 0x%lx is not mapped", ref->virt);
	old = __atomic_exchange_n(slot, pte_paged_out(location, e & PTE_PROT_MASK),
				  __ATOMIC_SEQ_CST);
	cpu_invlpg(ref->virt);
	tlb_sync();
	return (old & PTE_D) ? ARCH_DATA_PAGE_DIRTY : 0;
}

uint32_t arch_mem_page_out(vaddr_t virt, uint64_t location)
{
	struct arch_pte_ref ref;
	int level;

	ref.pte = hooks_pte(virt, &level);
	ref.virt = virt;
	ASSERT(level == PT_LEVEL_PT,
	       "arch: 0x%lx is not mapped with a 4 KiB page", virt);
	return arch_pte_page_out(&ref, location);
}

void arch_pte_page_in(const struct arch_pte_ref *ref, paddr_t phys)
{
	uint64_t *slot = ref->pte, e = *slot;

	ASSERT(IS_ALIGNED(paddr_raw(phys), PAGE_SIZE) &&
	       paddr_raw(phys) < PTE_PHYS_LIMIT,
	       "arch: bad frame 0x%llx", (unsigned long long)paddr_raw(phys));
	ASSERT(pte_is_paged_out(e), "arch: 0x%lx is not paged out", ref->virt);
	pt_pte_set(slot, ref->virt, PTE_P | paddr_raw(phys) | (e & PTE_SAVED_MASK));
}

/* The host builds compile this file too; their arch_irq_* are in
 * tests/host/cpu_host.c (no cli in user mode). */
#ifndef EFIMM_HOST
#define HOOKS_RFLAGS_IF (1ul << 9)

/* pushfq; pop; cli.  The "memory" clobber makes it a compiler barrier. */
unsigned long arch_irq_save(void)
{
	unsigned long flags;

	__asm__ volatile("pushfq; popq %0; cli" : "=r"(flags) : : "memory");
	return flags;
}

/* sti only if IF was set when flags was saved: an inner pair never
 * enables interrupts an outer one disabled.  Being a call, it is a
 * compiler barrier for its caller either way. */
void arch_irq_restore(unsigned long flags)
{
	if (flags & HOOKS_RFLAGS_IF)
		__asm__ volatile("sti" : : : "memory");
}
#endif

void arch_tlb_batch_begin(void)
{
	tlb_batch_begin();
}

void arch_tlb_batch_end(void)
{
	tlb_batch_end();
}

void arch_tlb_stats_get(struct k_mem_paging_stats *stats)
{
	struct tlb_stats t;

	tlb_stats_get(&t);
	stats->tlb.shootdowns = t.shootdowns;
	stats->tlb.pages = t.pages;
	stats->tlb.full = t.full;
	stats->tlb.ipis = t.ipis;
	stats->tlb.skipped = t.skipped;
}
