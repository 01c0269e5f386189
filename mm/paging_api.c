/*
 * mm/paging_api.c - the seed's paging calls (k_mem_page_out & co., API
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
#include "paging_int.h"
#include "swap.h"

/* What one page of a range is. */
struct paging_page {
	enum arch_page_location where;
	uint64_t loc;                   /* slot / reserved location, or phys */
	struct page_frame *pf;          /* resident: its frame */
};

/* Looks at page va.  False if it is not pageable memory. */
static bool paging_page_get(vaddr_t va, struct paging_page *p)
{
	p->pf = NULL;
	p->where = arch_page_location_get(va, &p->loc);
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

/* Slots a page-out of the range needs beyond what it frees itself:
 * -EBUSY if a page is pinned. */
static int paging_out_need(vaddr_t va, size_t size, size_t *need, size_t *own)
{
	struct paging_page p;

	*need = *own = 0;
	for (size_t off = 0; off < size; off += PAGE_SIZE) {
		paging_page_get(va + off, &p);
		if (!p.pf)
			continue;
		if (pfdb_flags(p.pf) & PFDB_PINNED)
			return -EBUSY;
		if (paging_frame_of(p.pf)->slot)
			(*own)++;
		else
			(*need)++;
	}
	return 0;
}

int k_mem_page_out(void *addr, size_t size)
{
	vaddr_t va = (vaddr_t)addr;
	size_t need, own;
	int err = paging_range_check(va, size);

	if (!err)
		err = paging_out_need(va, size, &need, &own);
	if (err)
		return err;
	if (need > swap_slots_free() + paging_st.cached - own)
		return -ENOMEM;
	for (size_t off = 0; off < size; off += PAGE_SIZE) {
		struct paging_page p;

		paging_page_get(va + off, &p);
		if (p.pf && paging_evict(p.pf, (arch_page_info_get(va + off,
				NULL, false) & ARCH_DATA_PAGE_DIRTY) != 0) != 0)
			panic("mm: page-out of %llx failed after the check",
			      (unsigned long long)(va + off));
	}
	return 0;
}

/* Makes page va resident; 0 or -ENOMEM.  *pf gets its frame. */
static int paging_page_in_one(vaddr_t va, struct page_frame **pf)
{
	struct paging_page p;
	int err = 0;

	paging_page_get(va, &p);
	if (!p.pf) {
		err = paging_page_in(va, p.loc);
		if (!err)
			paging_page_get(va, &p);
	}
	*pf = p.pf;
	return err;
}

int k_mem_page_in(void *addr, size_t size)
{
	vaddr_t va = (vaddr_t)addr;
	struct page_frame *pf;
	int err = paging_range_check(va, size);

	for (size_t off = 0; !err && off < size; off += PAGE_SIZE)
		err = paging_page_in_one(va + off, &pf);
	return err;
}

int k_mem_pin(void *addr, size_t size)
{
	vaddr_t va = (vaddr_t)addr;
	struct page_frame *pf;
	int err = paging_range_check(va, size);

	for (size_t off = 0; !err && off < size; off += PAGE_SIZE) {
		err = paging_page_in_one(va + off, &pf);
		if (!err && !(pfdb_flags(pf) & PFDB_PINNED)) {
			paging_ring_remove(pf);
			pfdb_pin(pf);
		}
	}
	return err;
}

int k_mem_unpin(void *addr, size_t size)
{
	vaddr_t va = (vaddr_t)addr;
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

int k_mem_page_frame_evict(paddr_t phys)
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
				 ARCH_DATA_PAGE_DIRTY) != 0);
}

uint64_t k_mem_num_pagefaults_get(void)
{
	return paging_st.stats.pagefaults.cnt;
}

void k_mem_paging_stats_get(struct k_mem_paging_stats *stats)
{
	*stats = paging_st.stats;
	stats->store_slots = swap_slots_total();
	stats->store_slots_free = swap_slots_free();
}
