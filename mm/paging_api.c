/*
 * mm/paging_api.c - Zephyr's paging calls (k_mem_page_out & co., API
 * in mm/paging.h), over the core in paging.c.
 *
 * Every range call first checks the whole range and changes nothing
 * when a page is not pageable (-EINVAL) or, for page-out, when the
 * store cannot take the pages (-ENOMEM).  Before paging_setup they all
 * return -ENOTSUP.
 */
#include "../lib/assert.h"
#include "../lib/errno.h"
#include "../lib/kstring.h"
#include "../lib/printf.h"
#include "arch_hooks.h"
#include "mm_lock.h"
#include "paging_int.h"
#include "swap.h"

/* What one page of a range is. */
struct paging_page {
	enum arch_page_location where;
	uint64_t loc;                   /* slot / reserved location, or phys */
	struct page_frame *pf;          /* resident: its frame */
	struct arch_pte_ref ref;        /* its PTE */
};

/* Looks at page va.  False if it is not pageable memory. */
static bool paging_page_get(vaddr_t va, struct paging_page *p)
{
	p->pf = NULL;
	p->where = arch_page_locate(va, &p->loc, &p->ref);
	if (p->where == ARCH_PAGE_LOCATION_PAGED_OUT)
		return true;
	if (p->where != ARCH_PAGE_LOCATION_PAGED_IN)
		return false;
	p->pf = paging_resident_frame(va, p->loc);
	return p->pf != NULL;
}

/* Range checks shared by every call: aligned, non-empty, pageable. */
static int paging_range_check(vaddr_t va, size_t size)
{
	struct paging_page p;

	if (!paging_st.enabled)
		return -ENOTSUP;
	if (size == 0 || !IS_ALIGNED(va | size, PAGE_SIZE) || va + size < va)
		return -EINVAL;
	for (size_t off = 0; off < size; off += PAGE_SIZE)
		if (!paging_page_get(va + off, &p))
			return -EINVAL;
	return 0;
}

/* Slots a page-out of the range needs (*need) and copies in slots it
 * reuses (*own): a page with a copy in a slot needs none, nor does a
 * zero-filled page not written since (it goes back to zero-fill).
 * -EBUSY if a page is pinned. */
static int paging_out_need(vaddr_t va, size_t size, size_t *need, size_t *own)
{
	struct paging_page p;
	uint64_t slot;

	*need = *own = 0;
	for (size_t off = 0; off < size; off += PAGE_SIZE) {
		paging_page_get(va + off, &p);
		if (!p.pf)
			continue;
		if (pfdb_flags(p.pf) & PFDB_PINNED)
			return -EBUSY;
		if (!(pfdb_flags(p.pf) & PFDB_BACKED))
			(*need)++;
		else if (paging_copy_find(paging_index(p.pf), &slot))
			(*own)++;
		else if (arch_page_info_get(va + off, NULL, false) &
			 ARCH_DATA_PAGE_DIRTY)
			(*need)++;
	}
	return 0;
}

/* Pages a range goes out in per TLB round: the arch's own batch size,
 * so a batch is one round of invlpgs, and v[] fits on efimm's stack. */
#define PAGING_OUT_BATCH 64

/*
 * First halves of the evictions of the resident pages of n pages at va,
 * into v[] (*k of them): every PTE out, inside the caller's TLB batch.
 * Returns 0, or -ENOMEM when a page needs a slot the check did not count
 * (another CPU wrote it meanwhile): that page and the rest stay.
 */
static int paging_out_begin(vaddr_t va, size_t n, struct paging_victim *v,
			    size_t *k)
{
	struct paging_page p;
	uint32_t state;

	*k = 0;
	for (size_t i = 0; i < n; i++, va += PAGE_SIZE) {
		paging_page_get(va, &p);
		if (!p.pf)
			continue;
		state = arch_page_info_ref(va, false, &p.ref);
		if (paging_evict_begin(p.pf, (state & ARCH_DATA_PAGE_DIRTY) != 0,
				       &p.ref, &v[*k]) != 0)
			return -ENOMEM;
		(*k)++;
	}
	return 0;
}

/*
 * Pages [va, va + size) out PAGING_OUT_BATCH pages at a time: each
 * batch takes every PTE out, runs one TLB round for all of them, then
 * writes and frees the frames.  Returns 0 or -ENOMEM (a page written by
 * another CPU since the check needed a slot there was none for: it and
 * the pages after it stay resident; the ones before are out).
 */
static int paging_out_pages(vaddr_t va, size_t size)
{
	struct paging_victim v[PAGING_OUT_BATCH];
	size_t pages = size / PAGE_SIZE, n, k;
	int err = 0;

	for (size_t i = 0; !err && i < pages; i += n) {
		n = MIN(pages - i, PAGING_OUT_BATCH);
		arch_tlb_batch_begin();
		err = paging_out_begin(va + i * PAGE_SIZE, n, v, &k);
		arch_tlb_batch_end();
		for (size_t j = 0; j < k; j++)
			if (paging_evict_end(&v[j]) != 0)
				err = -ENOMEM;
	}
	return err;
}

static int paging_out_range(vaddr_t va, size_t size)
{
	size_t need, own;
	int err = paging_range_check(va, size);

	if (!err)
		err = paging_out_need(va, size, &need, &own);
	if (err)
		return err;
	if (need > swap_slots_free() + paging_st.cached - own)
		return -ENOMEM;
	return paging_out_pages(va, size);
}

/* Makes page va resident; 0 or -ENOMEM.  *pf gets its frame. */
static int paging_page_in_one(vaddr_t va, struct page_frame **pf)
{
	struct paging_page p;
	int err = 0;

	paging_page_get(va, &p);
	if (!p.pf) {
		err = paging_page_in(&p.ref, p.loc);
		if (!err)
			paging_page_get(va, &p);
	}
	*pf = p.pf;
	return err;
}

static int paging_in_range(vaddr_t va, size_t size)
{
	struct page_frame *pf;
	int err = paging_range_check(va, size);

	for (size_t off = 0; !err && off < size; off += PAGE_SIZE)
		err = paging_page_in_one(va + off, &pf);
	return err;
}

/*
 * Whether pinning [va, va+size) leaves PAGING_PIN_RESERVE frames for
 * the rest of pageable memory and the store room its page-ins may need
 * for evictions.  -ENOMEM if not; nothing is changed either way.
 */
static int paging_pin_check(vaddr_t va, size_t size)
{
	size_t new_pins = 0, absent = 0, avail, free = pfdb_free_count();
	struct paging_page p;

	for (size_t off = 0; off < size; off += PAGE_SIZE) {
		paging_page_get(va + off, &p);
		if (!p.pf)
			absent++;
		if (!p.pf || !(pfdb_flags(p.pf) & PFDB_PINNED))
			new_pins++;
	}
	avail = free + paging_st.resident;
	if (new_pins + PAGING_PIN_RESERVE > avail)
		return -ENOMEM;
	if (absent > free && absent - free > swap_slots_free() + paging_st.cached)
		return -ENOMEM;
	return 0;
}

/* Unpins the pages of [va, va+size) this pin marked BUSY (all of them
 * when undo, else just the mark goes). */
static void paging_pin_finish(vaddr_t va, size_t size, bool undo)
{
	struct paging_page p;

	for (size_t off = 0; off < size; off += PAGE_SIZE) {
		paging_page_get(va + off, &p);
		if (!p.pf || !(pfdb_flags(p.pf) & PFDB_BUSY))
			continue;
		pfdb_clear_flags(p.pf, PFDB_BUSY);
		if (undo) {
			pfdb_unpin(p.pf);
			paging_ring_add(p.pf);
		}
	}
}

/* Pages in and pins page by page, marking what it pins BUSY so that a
 * failure part-way unpins exactly those. */
static int paging_pin_range(vaddr_t va, size_t size)
{
	struct page_frame *pf;
	size_t off;
	int err = paging_range_check(va, size);

	if (!err)
		err = paging_pin_check(va, size);
	for (off = 0; !err && off < size; off += PAGE_SIZE) {
		err = paging_page_in_one(va + off, &pf);
		if (!err && !(pfdb_flags(pf) & PFDB_PINNED)) {
			paging_ring_remove(pf);
			paging_forget_zero(pf);
			pfdb_pin(pf);
			pfdb_set_flags(pf, PFDB_BUSY);
		}
	}
	if (off)
		paging_pin_finish(va, off, err != 0);
	return err;
}

static int paging_unpin_range(vaddr_t va, size_t size)
{
	struct paging_page p;
	int err = paging_range_check(va, size);

	for (size_t off = 0; !err && off < size; off += PAGE_SIZE) {
		paging_page_get(va + off, &p);
		if (p.pf && (pfdb_flags(p.pf) & PFDB_PINNED)) {
			pfdb_unpin(p.pf);
			paging_ring_add(p.pf);
		}
	}
	return err;
}


static int paging_frame_evict(paddr_t phys)
{
	struct page_frame *pf = pfdb_from_phys(phys);
	uint32_t f;

	if (!paging_st.enabled)
		return -ENOTSUP;
	if (!pf)
		return -EINVAL;
	f = pfdb_flags(pf);
	if (f & PFDB_FREE)
		return 0;
	if ((f & (PFDB_MAPPED | PFDB_PINNED | PFDB_RESERVED | PFDB_BUSY)) !=
	    PFDB_MAPPED)
		return -EBUSY;
	return paging_evict(pf, (arch_page_info_get(pfdb_va(pf), NULL, false) &
				 ARCH_DATA_PAGE_DIRTY) != 0, NULL);
}

/*
 * The calls that may evict run on efimm's own stack
 * (arch_call_on_kernel_stack): the payload's stack page they are called
 * on is then as pageable as any other and comes back by a fault after
 * the switch back.  Arguments are copied off the caller's stack first.
 */
struct paging_call {
	int (*range)(vaddr_t va, size_t size);
	vaddr_t va;
	size_t size;
};

/* On efimm's stack, under mm_lock (mm_lock_call): the arguments are
 * copied first, since the range may hold the caller's stack page. */
static int paging_call_range(void *arg)
{
	struct paging_call c = *(struct paging_call *)arg;

	return c.range(c.va, c.size);
}

static int paging_on_kernel_stack(int (*range)(vaddr_t, size_t), void *addr,
				  size_t size)
{
	struct paging_call c = { range, (vaddr_t)addr, size };

	return mm_lock_call(paging_call_range, &c);
}

int k_mem_page_out(void *addr, size_t size)
{
	return paging_on_kernel_stack(paging_out_range, addr, size);
}

int k_mem_page_in(void *addr, size_t size)
{
	return paging_on_kernel_stack(paging_in_range, addr, size);
}

int k_mem_pin(void *addr, size_t size)
{
	return paging_on_kernel_stack(paging_pin_range, addr, size);
}

int k_mem_unpin(void *addr, size_t size)
{
	return paging_on_kernel_stack(paging_unpin_range, addr, size);
}

static int paging_frame_evict_range(vaddr_t phys, size_t size)
{
	UNUSED(size);
	return paging_frame_evict(PADDR(phys));
}

int k_mem_page_frame_evict(paddr_t phys)
{
	return paging_on_kernel_stack(paging_frame_evict_range,
				      (void *)(uintptr_t)paddr_raw(phys), 0);
}

uint64_t k_mem_num_pagefaults_get(void)
{
	return paging_st.stats.pagefaults.cnt;
}

static int paging_stats_copy(void *arg)
{
	struct k_mem_paging_stats *stats = arg;

	*stats = paging_st.stats;
	stats->store_slots = swap_slots_total();
	stats->store_slots_free = swap_slots_free();
	arch_tlb_stats_get(stats);
	return 0;
}

/* stats is written whole first, so its pages are resident when the
 * copy runs under the lock (mm_lock_call). */
void k_mem_paging_stats_get(struct k_mem_paging_stats *stats)
{
	memset(stats, 0, sizeof(*stats));
	mm_lock_call(paging_stats_copy, stats);
}
