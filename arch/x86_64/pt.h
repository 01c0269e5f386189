/*
 * arch/x86_64/pt.h - x86_64 page tables, four or five levels: one
 * table-driven walker for map, unmap, protect, translate, merge and
 * read-only visits.
 *
 * The levels are data (pt_levels[]: PML5, PML4, PDPT, PD, PT).  A
 * 4-level address space starts its walks at PML4, a 5-level one (LA57)
 * at PML5; nothing else differs, so no code is written per level.
 *
 * A struct pt names a root table, its number of levels, the allocator
 * its table pages come from, and what the CPU allows (1 GiB pages, XD).  The same code walks
 * any root: efimm's kernel address space (arch/x86_64/hooks.c keeps the
 * one instance the arch hooks act on) or, read-only, the firmware's.
 *
 * Table pages are reached through arch_phys_to_ptr(): efimm identity-maps
 * RAM, so on the target a table's physical address is its pointer.
 *
 * TLB: every function that changes an entry that was present flushes it
 * with cpu_invlpg(base of the entry's range) after the write; an entry
 * that was not present is never cached by the CPU (SDM 4.10.2.3) and is
 * not flushed.  A table page is given back only after its parent entry
 * was changed and flushed (invlpg also drops every paging-structure-cache
 * entry, SDM 4.10.4.1), so no walk can still reach it.
 *
 * -ENOMEM never leaves a half-done change: each operation first counts
 * the table pages it will need (new tables and large-page splits), takes
 * them all from the allocator, and only then changes entries.
 */
#ifndef ARCH_X86_64_PT_H
#define ARCH_X86_64_PT_H

#include "../../lib/types.h"
#include "../../mm/arch_hooks.h"
#include "pte.h"

#define PT_LEVELS      5   /* levels of the deepest walk (LA57) */
#define PT_LEVEL_PML5  0
#define PT_LEVEL_PML4  1
#define PT_LEVEL_PDPT  2
#define PT_LEVEL_PD    3
#define PT_LEVEL_PT    4   /* the 4 KiB leaf level */
#define PT_ENTRIES     512

/* Where a level may hold a leaf. */
enum pt_ps {
	PT_PS_NEVER,    /* PML5, PML4: only tables */
	PT_PS_IF_1G,    /* PDPT: 1 GiB leaves when CPUID reports them */
	PT_PS_ALWAYS,   /* PD: 2 MiB leaves */
	PT_PS_LEAF,     /* PT: every present entry is a 4 KiB leaf */
};

/* One paging level, described by data (SDM figures 4-8 to 4-10). */
struct pt_level {
	const char *name;       /* table name; its entries are name + "E" */
	unsigned int shift;     /* log2 of the range one entry covers */
	uint64_t table_mask;    /* address of the next-level table */
	uint64_t leaf_mask;     /* address of a page mapped at this level */
	enum pt_ps ps;
	const char *page_size;  /* "4K", "2M", "1G" or NULL */
};

extern const struct pt_level pt_levels[PT_LEVELS];

struct pt {
	paddr_t root;                      /* top-level (PML4 or PML5) table */
	unsigned int levels;               /* 4 or 5 (LA57) */
	const struct arch_pt_alloc *alloc; /* NULL: read-only view */
	bool has_1g;                       /* may create 1 GiB leaves */
	bool has_nx;                       /* may set PTE_XD */
};

/* The level a walk of a levels-deep address space (4 or 5) starts at. */
static inline int pt_top(unsigned int levels)
{
	return PT_LEVELS - (int)levels;
}

/* Bits of a canonical address under levels (48 or 57). */
static inline unsigned int pt_va_bits(unsigned int levels)
{
	return 12 + 9 * levels;
}

/* Bytes one entry at level covers. */
static inline uint64_t pt_span(int level)
{
	return 1ULL << pt_levels[level].shift;
}

/* Index of va's entry in a table at level. */
static inline unsigned int pt_index(int level, vaddr_t va)
{
	return (unsigned int)((va >> pt_levels[level].shift) & (PT_ENTRIES - 1));
}

/* True if e (at level) points to a next-level table. */
static inline bool pt_is_table(int level, uint64_t e)
{
	return (e & PTE_P) && level != PT_LEVEL_PT && !(e & PTE_PS);
}

/* True if e (at level) maps a page. */
static inline bool pt_is_leaf(int level, uint64_t e)
{
	return (e & PTE_P) && (level == PT_LEVEL_PT || (e & PTE_PS));
}

/* True if e holds a mapping or a paged-out page (not a table, not empty). */
static inline bool pt_is_used_leaf(int level, uint64_t e)
{
	return pt_is_leaf(level, e) ||
	       (level == PT_LEVEL_PT && pte_is_paged_out(e));
}

/* Physical address of the page a leaf e at level maps. */
static inline uint64_t pt_leaf_addr(int level, uint64_t e)
{
	return e & pt_levels[level].leaf_mask;
}

/* A leaf's attributes in the 4 KiB layout (PTE_PROT_MASK). */
static inline uint64_t pt_leaf_prot(int level, uint64_t e)
{
	return level == PT_LEVEL_PT ? e & PTE_PROT_MASK : pte_prot_from_large(e);
}

/* The table a table entry e at level points to. */
static inline uint64_t *pt_table_ptr(int level, uint64_t e)
{
	return arch_phys_to_ptr(PADDR(e & pt_levels[level].table_mask));
}

/*
 * Allocates an empty root table for a levels-deep address space (4 or
 * 5, ASSERT).  has_1g/has_nx say what the CPU allows.  Returns 0 or
 * -ENOMEM.
 */
int pt_init(struct pt *pt, const struct arch_pt_alloc *alloc,
	    unsigned int levels, bool has_1g, bool has_nx);

/* A read-only view of an existing root of levels (4 or 5) levels (e.g.
 * the firmware's CR3). */
void pt_attach(struct pt *pt, paddr_t root, unsigned int levels);

/*
 * Gives back every table page, the root included.  No TLB flush: the
 * caller guarantees pt is not the active address space.
 */
void pt_destroy(struct pt *pt);

/*
 * Maps [va, va+size) to phys with leaf attributes prot (PTE_PROT_MASK,
 * 4 KiB layout).  With large, uses 2 MiB/1 GiB leaves wherever the range
 * covers an entry's whole range and phys is aligned to it; such a leaf
 * replaces (and frees) a table below it, which is how a range merges back
 * on map.  Existing mappings are replaced; large pages at the edges are
 * split.  va, phys, size page-aligned, size > 0 (ASSERT).  Returns 0,
 * -EINVAL (non-canonical for pt's levels, or wrapping range) or -ENOMEM
 * (nothing changed).
 */
int pt_map(struct pt *pt, vaddr_t va, paddr_t phys, size_t size,
	   uint64_t prot, bool large);

/*
 * Writes the non-present 4 KiB entry pte (a paged-out PTE) for every page
 * of [va, va+size), in one walk, making the tables it needs; whatever
 * was mapped there is replaced.  Returns 0, -EINVAL or -ENOMEM (nothing
 * changed).
 */
int pt_map_nonresident(struct pt *pt, vaddr_t va, size_t size, uint64_t pte);

/*
 * Removes every mapping (and paged-out entry) in [va, va+size); splits
 * large pages at the edges; frees emptied tables.  Holes are fine.
 * Returns 0, -EINVAL or -ENOMEM (nothing changed).
 */
int pt_unmap(struct pt *pt, vaddr_t va, size_t size);

/*
 * Sets the attributes of every page in [va, va+size) to prot, keeping
 * A/D; paged-out entries get new saved permissions.  Returns 0, -EINVAL,
 * -EFAULT (a page in the range is unmapped; nothing changed) or -ENOMEM.
 */
int pt_protect(struct pt *pt, vaddr_t va, size_t size, uint64_t prot);

/*
 * Replaces each table lying wholly inside [va, va+size) whose entries map
 * one contiguous, suitably aligned physical range with identical
 * attributes by one large leaf (2 MiB; 1 GiB if has_1g), bottom-up, and
 * frees it.  A/D of the new leaf are the OR of the old ones.  Never
 * allocates; returns the number of tables merged.
 */
size_t pt_merge(struct pt *pt, vaddr_t va, size_t size);

/*
 * Translates va.  Returns 0 and the exact physical byte address, the
 * leaf's attributes (4 KiB layout) and level; -EFAULT if not present
 * (paged-out included); -EINVAL if non-canonical for pt's levels.
 * Outputs may be NULL.
 */
int pt_translate(const struct pt *pt, vaddr_t va, paddr_t *phys,
		 uint64_t *prot, int *level);

/* One entry a single-address walk passed. */
struct pt_step {
	int level;
	uint64_t e;       /* the entry's value when the walk read it */
	uint64_t *slot;   /* where it is */
	vaddr_t base;     /* first address of the range it covers */
};

/* The entries from the root down to va's last one, in walk order. */
struct pt_path {
	unsigned int n;   /* 1..levels of the walk */
	struct pt_step step[PT_LEVELS];
};

/*
 * Walks from root (a table of a levels-deep address space, 4 or 5) to
 * va's last entry: the leaf, or the first entry that is not a table
 * pointer (not present, or paged out).  Fills *path with every entry it
 * passed, that one last.  va must be canonical for levels.
 */
void pt_walk(paddr_t root, unsigned int levels, vaddr_t va,
	     struct pt_path *path);

/* The same walk for callers that need only the last entry: returns a
 * pointer to it and its level. */
uint64_t *pt_find(paddr_t root, unsigned int levels, vaddr_t va, int *level);

/* Writes *slot = e for the entry mapping va; flushes if it was present. */
void pt_pte_set(uint64_t *slot, vaddr_t va, uint64_t e);

/*
 * Read-only visit of every entry under root (of levels levels, 4 or 5)
 * in address order, addresses canonical for levels.  table()
 * is called on entering each table (root first); entry() for each entry
 * that is not a table pointer, with eff = the entry as the CPU applies
 * it (RW/US cleared if a parent lacks them, XD set if a parent has it).
 * Either callback may be NULL.
 */
struct pt_visitor {
	void (*table)(void *ctx, int level, paddr_t table, vaddr_t base);
	void (*entry)(void *ctx, int level, vaddr_t va, uint64_t e,
		      uint64_t eff);
	void *ctx;
};
void pt_visit(paddr_t root, unsigned int levels, const struct pt_visitor *v);

#endif
