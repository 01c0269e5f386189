/*
 * arch/x86_64/pt.c - the 4- and 5-level page-table walker (see pt.h).
 *
 * Every changing operation (map, unmap, protect) is one struct pt_op run
 * in two passes over the same decision function, pt_decide():
 *   1. pt_need_entry: a read-only walk counting the table pages the
 *      change will take (new tables, large pages to split) and finding
 *      -EFAULT;
 *   2. pt_apply_entry: the change itself, taking table pages from a pool
 *      filled beforehand, so it cannot fail half-way.
 * A large page the pass meets is "split" in pass 1 only virtually: its
 * would-be children are computed by pt_split_child() on the fly.  Both
 * passes, and pt_merge, are callbacks of one range recursion,
 * pt_walk_range(); single addresses have their own walk, pt_walk_va().
 */
#include "../../lib/assert.h"
#include "../../lib/errno.h"
#include "cpu.h"
#include "pt.h"

const struct pt_level pt_levels[PT_LEVELS] = {
	{ "PML5", 48, PTE_ADDR_MASK, 0, PT_PS_NEVER, NULL },
	{ "PML4", 39, PTE_ADDR_MASK, 0, PT_PS_NEVER, NULL },
	{ "PDPT", 30, PTE_ADDR_MASK, PTE_ADDR_1G_MASK, PT_PS_IF_1G, "1G" },
	{ "PD", 21, PTE_ADDR_MASK, PTE_ADDR_2M_MASK, PT_PS_ALWAYS, "2M" },
	{ "PT", 12, PTE_ADDR_MASK, PTE_ADDR_MASK, PT_PS_LEAF, "4K" },
};

/* The live paging mode: pt_live_levels(), and its width for pte.h. */
static unsigned int live_levels = 4;
unsigned int pte_live_va_bits = PTE_VA_BITS;

unsigned int pt_live_levels(void)
{
	return live_levels;
}

void pt_set_live_levels(unsigned int levels)
{
	ASSERT(levels == 4 || levels == 5, "pt: %u levels", levels);
	live_levels = levels;
	pte_live_va_bits = pt_va_bits(levels);
}

enum pt_op_kind { PT_OP_MAP, PT_OP_UNMAP, PT_OP_PROTECT };

struct pt_op {
	enum pt_op_kind kind;
	vaddr_t va;      /* start of the whole range */
	uint64_t phys;   /* MAP: physical address mapped at va */
	uint64_t prot;   /* MAP, PROTECT: attributes, 4 KiB layout */
	uint64_t fixed;  /* MAP: if non-zero, the exact 4 KiB entry to write */
	bool large;      /* MAP: 2 MiB / 1 GiB leaves allowed */
};

/* What an operation does with one entry. */
enum pt_act {
	PT_ACT_SKIP,     /* nothing to do */
	PT_ACT_LEAF,     /* the entry's whole range: write a leaf or clear it */
	PT_ACT_DESCEND,  /* part of the range: work in the table below */
	PT_ACT_FAULT,    /* PROTECT on an unmapped page */
};

/* Table pages taken before a change, chained through their first word. */
struct pt_pool {
	paddr_t head;
	size_t count;
};

/* ---- allocator and pool ------------------------------------------------ */

static void pt_put(const struct pt *pt, paddr_t page)
{
	pt->alloc->put(pt->alloc->ctx, page);
}

/* Takes pages from the allocator until the pool holds n.  0 or -ENOMEM. */
static int pt_pool_fill(const struct pt *pt, struct pt_pool *pool, size_t n)
{
	while (pool->count < n) {
		paddr_t page;
		int ret = pt->alloc->get(pt->alloc->ctx, &page);

		if (ret)
			return ret;
		*(uint64_t *)arch_phys_to_ptr(page) = paddr_raw(pool->head);
		pool->head = page;
		pool->count++;
	}
	return 0;
}

/* Returns a zeroed page.  The count of pass 1 guarantees there is one. */
static paddr_t pt_pool_take(struct pt_pool *pool)
{
	paddr_t page = pool->head;
	uint64_t *first;

	if (pool->count == 0)
		panic("pt: table pages counted too low");
	first = arch_phys_to_ptr(page);
	pool->head = PADDR(*first);
	*first = 0;
	pool->count--;
	return page;
}

static void pt_pool_drain(const struct pt *pt, struct pt_pool *pool)
{
	while (pool->count)
		pt_put(pt, pt_pool_take(pool));
}

/* ---- entry helpers ----------------------------------------------------- */

/* True if this pt may create a leaf at level (level < PT). */
static bool pt_large_ok(const struct pt *pt, int level)
{
	switch (pt_levels[level].ps) {
	case PT_PS_IF_1G:
		return pt->has_1g;
	case PT_PS_ALWAYS:
		return true;
	default:
		return false;
	}
}

/* Builds a present leaf at level. */
static uint64_t pt_make_leaf(int level, uint64_t phys, uint64_t prot)
{
	if (level == PT_LEVEL_PT)
		return PTE_P | phys | prot;
	return PTE_P | PTE_PS | phys | pte_prot_to_large(prot);
}

/*
 * Entry i of the table that splitting the large leaf parent (one level
 * above level) yields: same attributes and A/D, its slice of the page.
 */
static uint64_t pt_split_child(uint64_t parent, int level, unsigned int i)
{
	uint64_t addr = pt_leaf_addr(level - 1, parent) + i * pt_span(level);
	uint64_t state = parent & (PTE_A | PTE_D);

	return state | pt_make_leaf(level, addr, pt_leaf_prot(level - 1, parent));
}

/* A leaf or paged-out entry with its attributes replaced by prot. */
static uint64_t pt_reprotect(int level, uint64_t e, uint64_t prot)
{
	uint64_t mask;

	if (!(e & PTE_P))
		return (e & ~PTE_SAVED_MASK) | (prot & PTE_SAVED_MASK);
	if (level == PT_LEVEL_PT)
		return (e & ~PTE_PROT_MASK) | prot;
	mask = pte_prot_to_large(PTE_PROT_MASK);
	return (e & ~mask) | pte_prot_to_large(prot);
}

/* Entry i of a table at level: the real one, or a virtual split/empty. */
static uint64_t pt_entry_or_virtual(const uint64_t *table, uint64_t parent,
				    int level, unsigned int i)
{
	if (table)
		return table[i];
	if (pt_is_leaf(level - 1, parent))
		return pt_split_child(parent, level, i);
	return 0;
}

/* Last address of the entry at level holding va, clipped to last. */
static vaddr_t pt_entry_last(int level, vaddr_t va, vaddr_t last)
{
	vaddr_t end = va | (pt_span(level) - 1);

	return MIN(end, last);
}

/* ---- the decision both passes share ------------------------------------ */

/* [lo, last] is the part of entry e's range (at level) the op covers. */
static enum pt_act pt_decide(const struct pt *pt, const struct pt_op *op,
			     int level, uint64_t e, vaddr_t lo, vaddr_t last)
{
	bool full = last - lo == pt_span(level) - 1;
	bool used = pt_is_used_leaf(level, e);

	switch (op->kind) {
	case PT_OP_MAP:
		if (level == PT_LEVEL_PT)
			return PT_ACT_LEAF;
		if (full && op->large && pt_large_ok(pt, level) &&
		    IS_ALIGNED(op->phys + (lo - op->va), pt_span(level)))
			return PT_ACT_LEAF;
		return PT_ACT_DESCEND;
	case PT_OP_UNMAP:
		if (!used && !pt_is_table(level, e))
			return PT_ACT_SKIP;
		return full ? PT_ACT_LEAF : PT_ACT_DESCEND;
	case PT_OP_PROTECT:
		if (used)
			return full ? PT_ACT_LEAF : PT_ACT_DESCEND;
		return pt_is_table(level, e) ? PT_ACT_DESCEND : PT_ACT_FAULT;
	}
	panic("pt: bad op %d", op->kind);
}

/* ---- the range walker all passes share ------------------------------ */

/*
 * One range recursion for count, apply and merge.  pt_walk_range() calls
 * w->entry once for each entry of a table at level that [lo, last]
 * touches, with the part of the range that entry covers; the callback
 * recurses by calling pt_walk_range() on the table below.  table is the
 * real table, or NULL for one that does not exist yet (only the count
 * pass sees those): empty, or the split of the large leaf parent; slot is
 * then NULL and e the would-be entry.  Returns the sum of the callbacks'
 * results, or the first negative one.
 */
struct pt_walker {
	long (*entry)(const struct pt_walker *w, int level, uint64_t *slot,
		      uint64_t e, vaddr_t lo, vaddr_t last);
	const struct pt *pt;
	const struct pt_op *op;  /* count, apply */
	struct pt_pool *pool;    /* apply */
};

static long pt_walk_range(const struct pt_walker *w, int level,
			  uint64_t *table, uint64_t parent, vaddr_t lo,
			  vaddr_t last)
{
	long total = 0;

	for (vaddr_t va = lo;; ) {
		vaddr_t e_last = pt_entry_last(level, va, last);
		unsigned int i = pt_index(level, va);
		uint64_t e = pt_entry_or_virtual(table, parent, level, i);
		long n = w->entry(w, level, table ? &table[i] : NULL, e, va,
				  e_last);

		if (n < 0)
			return n;
		total += n;
		if (e_last == last)
			return total;
		va = e_last + 1;
	}
}

/* ---- pass 1: count ------------------------------------------------------ */

/* Table pages op needs under entry e (level) for [lo, last], or -EFAULT. */
static long pt_need_entry(const struct pt_walker *w, int level, uint64_t *slot,
			  uint64_t e, vaddr_t lo, vaddr_t last)
{
	long n;

	UNUSED(slot);
	switch (pt_decide(w->pt, w->op, level, e, lo, last)) {
	case PT_ACT_FAULT:
		return -EFAULT;
	case PT_ACT_DESCEND:
		break;
	default:
		return 0;
	}
	if (pt_is_table(level, e))
		return pt_walk_range(w, level + 1, pt_table_ptr(level, e), 0,
				     lo, last);
	n = pt_walk_range(w, level + 1, NULL, e, lo, last);
	return n < 0 ? n : n + 1;
}

/* ---- pass 2: apply ----------------------------------------------------- */

/*
 * Gives back the table at level (mapping from base) and every table below
 * it.  With flush, invalidates each present leaf first: the caller has
 * already unhooked the table from its parent and flushed that entry.
 */
static void pt_free_tree(const struct pt *pt, int level, paddr_t table,
			 vaddr_t base, bool flush)
{
	const uint64_t *t = arch_phys_to_ptr(table);

	for (unsigned int i = 0; i < PT_ENTRIES; i++) {
		vaddr_t va = base + i * pt_span(level);

		if (pt_is_table(level, t[i]))
			pt_free_tree(pt, level + 1,
				     PADDR(t[i] & pt_levels[level].table_mask),
				     va, flush);
		else if (flush && (t[i] & PTE_P))
			cpu_invlpg(va);
	}
	pt_put(pt, table);
}

/* The new value op gives a whole entry (old, at level, mapping va). */
static uint64_t pt_new_leaf(const struct pt_op *op, int level, uint64_t old,
			    vaddr_t va)
{
	switch (op->kind) {
	case PT_OP_MAP:
		if (op->fixed)
			return op->fixed;
		return pt_make_leaf(level, op->phys + (va - op->va), op->prot);
	case PT_OP_UNMAP:
		return 0;
	case PT_OP_PROTECT:
		return pt_reprotect(level, old, op->prot);
	}
	panic("pt: bad op %d", op->kind);
}

/* Writes the whole entry at slot (level, range starting at va). */
static void pt_set_leaf(const struct pt *pt, const struct pt_op *op,
			int level, uint64_t *slot, vaddr_t va)
{
	uint64_t old = *slot;
	uint64_t e = pt_new_leaf(op, level, old, va);

	if (e == old)
		return;
	*slot = e;
	if (old & PTE_P)
		cpu_invlpg(va);
	if (pt_is_table(level, old))
		pt_free_tree(pt, level + 1,
			     PADDR(old & pt_levels[level].table_mask), va, true);
}

/*
 * Returns the table under slot (level), creating it from the pool if
 * needed: empty, or filled with the split of a large leaf (which keeps
 * every page's translation, attributes and A/D).
 */
static uint64_t *pt_descend(struct pt_pool *pool, int level, uint64_t *slot,
			    vaddr_t va)
{
	uint64_t old = *slot;
	paddr_t page;
	uint64_t *child;

	if (pt_is_table(level, old))
		return pt_table_ptr(level, old);
	page = pt_pool_take(pool);
	child = arch_phys_to_ptr(page);
	if (pt_is_leaf(level, old))
		for (unsigned int i = 0; i < PT_ENTRIES; i++)
			child[i] = pt_split_child(old, level + 1, i);
	*slot = paddr_raw(page) | PTE_TABLE_FLAGS | (old & PTE_US);
	if (old & PTE_P)
		cpu_invlpg(va);
	return child;
}

/*
 * Scans table t.  Returns true if every entry is zero; *user: some entry
 * has US (a user leaf, a paged-out user page, or a table with user
 * leaves below).  Stops as soon as the answers are known: at the first
 * non-zero entry if !want_user, else at the first user entry.
 */
static bool pt_table_empty(const uint64_t *t, bool want_user, bool *user)
{
	bool empty = true;

	*user = false;
	for (unsigned int i = 0; i < PT_ENTRIES; i++) {
		empty = empty && t[i] == 0;
		*user = *user || (t[i] & PTE_US);
		if (!empty && (*user || !want_user))
			break;
	}
	return empty;
}

/*
 * After op changed the table t below the table entry old: returns false
 * if t is now empty, else sets *user to the OR of t's US bits (what old's
 * US must be).  Map and protect write non-zero entries only, so they
 * never empty a table, and they can drop US only when they write
 * supervisor entries under a user table entry: only then is t scanned.
 * Unmap scans t, stopping early (this is what keeps per-page work small).
 */
static bool pt_settle_us(const struct pt_op *op, uint64_t old,
			 const uint64_t *t, bool *user)
{
	uint64_t written = (op->fixed ? op->fixed : op->prot) & PTE_US;
	bool keeps = op->kind != PT_OP_UNMAP;

	if (keeps && (written || !(old & PTE_US))) {
		*user = ((old | written) & PTE_US) != 0;
		return true;
	}
	return !pt_table_empty(t, (old & PTE_US) != 0, user) || keeps;
}

/* After op changed the table below slot (a table entry at level): frees
 * the table if it is now empty, else makes the entry's US match the
 * entries below. */
static void pt_settle(const struct pt *pt, const struct pt_op *op, int level,
		      uint64_t *slot, vaddr_t va)
{
	uint64_t old = *slot;
	paddr_t table = PADDR(old & pt_levels[level].table_mask);
	bool user;
	uint64_t e;

	if (!pt_settle_us(op, old, arch_phys_to_ptr(table), &user)) {
		*slot = 0;
		cpu_invlpg(va);
		pt_put(pt, table);
		return;
	}
	e = (old & ~PTE_US) | (user ? PTE_US : 0);
	if (e != old) {
		*slot = e;
		cpu_invlpg(va);
	}
}

static long pt_apply_entry(const struct pt_walker *w, int level,
			   uint64_t *slot, uint64_t e, vaddr_t lo, vaddr_t last)
{
	uint64_t *child;

	switch (pt_decide(w->pt, w->op, level, e, lo, last)) {
	case PT_ACT_SKIP:
		return 0;
	case PT_ACT_LEAF:
		pt_set_leaf(w->pt, w->op, level, slot, lo);
		return 0;
	case PT_ACT_FAULT:
		panic("pt: 0x%lx unmapped after the check pass", lo);
	case PT_ACT_DESCEND:
		break;
	}
	child = pt_descend(w->pool, level, slot, lo);
	pt_walk_range(w, level + 1, child, 0, lo, last);
	pt_settle(w->pt, w->op, level, slot, lo);
	return 0;
}

/* Runs op over [lo, last]: count, reserve, apply.  0 or negative errno,
 * in which case nothing changed. */
static int pt_run(const struct pt *pt, const struct pt_op *op, vaddr_t lo,
		  vaddr_t last)
{
	uint64_t *root = arch_phys_to_ptr(pt->root);
	struct pt_pool pool = { .head = PADDR(0), .count = 0 };
	struct pt_walker w = { .entry = pt_need_entry, .pt = pt, .op = op };
	long need;
	int ret;

	ASSERT(pt->alloc, "pt: tables at 0x%llx are read-only",
	       (unsigned long long)paddr_raw(pt->root));
	need = pt_walk_range(&w, pt_top(pt->levels), root, 0, lo, last);
	if (need < 0)
		return (int)need;
	ret = pt_pool_fill(pt, &pool, (size_t)need);
	if (ret) {
		pt_pool_drain(pt, &pool);
		return ret;
	}
	w.entry = pt_apply_entry;
	w.pool = &pool;
	pt_walk_range(&w, pt_top(pt->levels), root, 0, lo, last);
	if (pool.count)
		panic("pt: %zu table pages counted but not used", pool.count);
	return 0;
}

/* Checks [va, va+size) against pt's width: ASSERTs alignment, sets
 * *last; 0 or -EINVAL. */
static int pt_range(const struct pt *pt, vaddr_t va, size_t size,
		    vaddr_t *last)
{
	ASSERT(IS_ALIGNED(va, PAGE_SIZE) && IS_ALIGNED(size, PAGE_SIZE) &&
	       size > 0, "pt: bad range 0x%lx + 0x%zx", va, size);
	*last = va + (size - 1);
	return pte_range_canonical_w(va, *last, pt_va_bits(pt->levels)) ?
	       0 : -EINVAL;
}

/* Attributes a pt can hold: known bits only, XD only with NX. */
static uint64_t pt_prot(const struct pt *pt, uint64_t prot)
{
	ASSERT(!(prot & ~PTE_PROT_MASK), "pt: bad attributes 0x%llx",
	       (unsigned long long)prot);
	return pt->has_nx ? prot : prot & ~PTE_XD;
}

/* ---- public ------------------------------------------------------------ */

int pt_init(struct pt *pt, const struct arch_pt_alloc *alloc,
	    unsigned int levels, bool has_1g, bool has_nx)
{
	int ret;

	ASSERT(levels == 4 || levels == 5, "pt: %u levels", levels);
	ret = alloc->get(alloc->ctx, &pt->root);
	if (ret)
		return ret;
	pt->levels = levels;
	pt->alloc = alloc;
	pt->has_1g = has_1g;
	pt->has_nx = has_nx;
	return 0;
}

void pt_attach(struct pt *pt, paddr_t root, unsigned int levels)
{
	ASSERT(levels == 4 || levels == 5, "pt: %u levels", levels);
	pt->root = root;
	pt->levels = levels;
	pt->alloc = NULL;
	pt->has_1g = false;
	pt->has_nx = false;
}

void pt_destroy(struct pt *pt)
{
	ASSERT(pt->alloc, "pt: destroying a read-only view");
	pt_free_tree(pt, pt_top(pt->levels), pt->root, 0, false);
	pt->root = PADDR_INVALID;
}

int pt_map(struct pt *pt, vaddr_t va, paddr_t phys, size_t size,
	   uint64_t prot, bool large)
{
	struct pt_op op = {
		.kind = PT_OP_MAP, .va = va, .phys = paddr_raw(phys),
		.prot = pt_prot(pt, prot), .large = large,
	};
	vaddr_t last;
	int ret = pt_range(pt, va, size, &last);

	ASSERT(IS_ALIGNED(op.phys, PAGE_SIZE), "pt: unaligned phys 0x%llx",
	       (unsigned long long)op.phys);
	if (ret)
		return ret;
	if (op.phys >= PTE_PHYS_LIMIT || size > PTE_PHYS_LIMIT - op.phys)
		return -EINVAL;
	return pt_run(pt, &op, va, last);
}

int pt_map_nonresident(struct pt *pt, vaddr_t va, size_t size, uint64_t pte)
{
	struct pt_op op = { .kind = PT_OP_MAP, .va = va, .fixed = pte };
	vaddr_t last;
	int ret = pt_range(pt, va, size, &last);

	ASSERT(pte_is_paged_out(pte), "pt: 0x%llx is not a paged-out PTE",
	       (unsigned long long)pte);
	if (!pt->has_nx)
		op.fixed &= ~PTE_XD;
	return ret ? ret : pt_run(pt, &op, va, last);
}

int pt_unmap(struct pt *pt, vaddr_t va, size_t size)
{
	struct pt_op op = { .kind = PT_OP_UNMAP, .va = va };
	vaddr_t last;
	int ret = pt_range(pt, va, size, &last);

	return ret ? ret : pt_run(pt, &op, va, last);
}

int pt_protect(struct pt *pt, vaddr_t va, size_t size, uint64_t prot)
{
	struct pt_op op = {
		.kind = PT_OP_PROTECT, .va = va, .prot = pt_prot(pt, prot),
	};
	vaddr_t last;
	int ret = pt_range(pt, va, size, &last);

	return ret ? ret : pt_run(pt, &op, va, last);
}

/*
 * If the table under e (level) maps one contiguous range, aligned for a
 * leaf at level, with one set of attributes: sets *merged to that leaf.
 */
static bool pt_uniform(int level, uint64_t e, uint64_t *merged)
{
	const uint64_t *t = pt_table_ptr(level, e);
	int cl = level + 1;
	uint64_t addr = pt_leaf_addr(cl, t[0]);
	uint64_t prot = pt_leaf_prot(cl, t[0]);
	uint64_t ad = 0;

	if (!IS_ALIGNED(addr, pt_span(level)))
		return false;
	for (unsigned int i = 0; i < PT_ENTRIES; i++) {
		if (!pt_is_leaf(cl, t[i]) ||
		    pt_leaf_addr(cl, t[i]) != addr + i * pt_span(cl) ||
		    pt_leaf_prot(cl, t[i]) != prot)
			return false;
		ad |= t[i] & (PTE_A | PTE_D);
	}
	*merged = pt_make_leaf(level, addr, prot) | ad;
	return true;
}

/* Merges below slot (level) first, then slot itself if [lo, last] is its
 * whole range.  Returns the number of tables merged. */
static long pt_merge_entry(const struct pt_walker *w, int level,
			   uint64_t *slot, uint64_t old, vaddr_t lo,
			   vaddr_t last)
{
	uint64_t merged;
	long n;

	if (!pt_is_table(level, old))
		return 0;
	n = pt_walk_range(w, level + 1, pt_table_ptr(level, old), 0, lo, last);
	if (last - lo != pt_span(level) - 1 || !pt_large_ok(w->pt, level) ||
	    !pt_uniform(level, old, &merged))
		return n;
	*slot = merged;
	cpu_invlpg(lo);
	pt_put(w->pt, PADDR(old & pt_levels[level].table_mask));
	return n + 1;
}

size_t pt_merge(struct pt *pt, vaddr_t va, size_t size)
{
	struct pt_walker w = { .entry = pt_merge_entry, .pt = pt };
	vaddr_t last;

	ASSERT(pt->alloc, "pt: merging a read-only view");
	if (pt_range(pt, va, size, &last))
		return 0;
	return (size_t)pt_walk_range(&w, pt_top(pt->levels),
				     arch_phys_to_ptr(pt->root), 0, va, last);
}

/* The single-address walk; records each entry it passes in path unless
 * path is NULL (pt_find, on the fault path, skips the bookkeeping). */
static inline uint64_t *pt_walk_va(paddr_t root, unsigned int levels,
				   vaddr_t va, int *level, struct pt_path *path)
{
	uint64_t *table = arch_phys_to_ptr(root);

	for (int l = pt_top(levels);; l++) {
		uint64_t *slot = &table[pt_index(l, va)];
		uint64_t e = *slot;

		if (path)
			path->step[path->n++] = (struct pt_step){
				.level = l, .e = e, .slot = slot,
				.base = ALIGN_DOWN(va, pt_span(l)),
			};
		if (!pt_is_table(l, e)) {
			*level = l;
			return slot;
		}
		table = pt_table_ptr(l, e);
	}
}

void pt_walk(paddr_t root, unsigned int levels, vaddr_t va,
	     struct pt_path *path)
{
	int level;

	path->n = 0;
	pt_walk_va(root, levels, va, &level, path);
}

uint64_t *pt_find(paddr_t root, unsigned int levels, vaddr_t va, int *level)
{
	return pt_walk_va(root, levels, va, level, NULL);
}

int pt_translate(const struct pt *pt, vaddr_t va, paddr_t *phys,
		 uint64_t *prot, int *level)
{
	uint64_t e;
	int l;

	if (!pte_va_canonical_w(va, pt_va_bits(pt->levels)))
		return -EINVAL;
	e = *pt_find(pt->root, pt->levels, va, &l);
	if (!pt_is_leaf(l, e))
		return -EFAULT;
	if (phys)
		*phys = PADDR(pt_leaf_addr(l, e) + (va & (pt_span(l) - 1)));
	if (prot)
		*prot = pt_leaf_prot(l, e);
	if (level)
		*level = l;
	return 0;
}

void pt_pte_set(uint64_t *slot, vaddr_t va, uint64_t e)
{
	uint64_t old = *slot;

	*slot = e;
	if (old & PTE_P)
		cpu_invlpg(va);
}

/* Path restrictions: RW/US survive only if every parent has them, XD
 * applies if any parent has it (SDM 4.6). */
static uint64_t pt_effective(uint64_t path, uint64_t e)
{
	if (!(e & PTE_P))
		return e;
	return (e & ~(PTE_RW | PTE_US)) | (e & path & (PTE_RW | PTE_US)) |
	       (path & PTE_XD);
}

/* Visits the table at level mapping from base; bits: the width of the
 * walk's addresses (48 or 57). */
static void pt_visit_table(const struct pt_visitor *v, unsigned int bits,
			   int level, paddr_t table, vaddr_t base,
			   uint64_t path)
{
	const uint64_t *t = arch_phys_to_ptr(table);

	if (v->table)
		v->table(v->ctx, level, table, base);
	for (unsigned int i = 0; i < PT_ENTRIES; i++) {
		vaddr_t va = pte_va_canonicalize_w(base + i * pt_span(level),
						   bits);

		if (pt_is_table(level, t[i]))
			pt_visit_table(v, bits, level + 1,
				       PADDR(t[i] & pt_levels[level].table_mask),
				       va, pt_effective(path, t[i]));
		else if (v->entry)
			v->entry(v->ctx, level, va, t[i],
				 pt_effective(path, t[i]));
	}
}

void pt_visit(paddr_t root, unsigned int levels, const struct pt_visitor *v)
{
	pt_visit_table(v, pt_va_bits(levels), pt_top(levels), root, 0,
		       PTE_RW | PTE_US);
}
