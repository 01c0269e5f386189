/*
 * mm/paging_int.h - state and helpers shared by mm/paging.c (the core)
 * and mm/paging_api.c (the k_mem_* calls); not for the rest of efimm.
 */
#ifndef MM_PAGING_INT_H
#define MM_PAGING_INT_H

#include "evict.h"
#include "paging.h"
#include "pgarray.h"

struct paging_state {
	const struct evict_ops *ops;
	paging_clock_fn clock;
	bool enabled;
	size_t resident;                /* frames on the policy's ring */
	size_t cached;                  /* slots holding a resident page's copy */
	uint64_t drop_cursor;           /* next slot paging_drop_one looks at */
	struct pgarray frames;          /* struct paging_frame per frame */
	struct page_frame *frame0;      /* the database's entry array */
	struct pgarray slot_owner;      /* uint32_t per slot: frame index + 1 */
	struct k_mem_paging_stats stats;
	size_t untracked;               /* MAPPED, unpinned frames while off */
	size_t lost_slots;              /* slots in use at teardowns (leaks) */
	uint64_t spurious;              /* faults another CPU had served */
};

extern struct paging_state paging_st;

/* Frame numbers (pfdb_frame_index) inline: the database keeps its
 * entries in one array (mm/pfdb.h), whose start paging_setup records. */
static inline size_t paging_index(const struct page_frame *pf)
{
	return (size_t)(pf - paging_st.frame0);
}

static inline struct page_frame *paging_frame_at(size_t i)
{
	return paging_st.frame0 + i;
}

/* The record of frame number i. */
static inline struct paging_frame *paging_rec(size_t i)
{
	return pgarray_at(&paging_st.frames, i);
}

/* The per-frame record of pf (inline: the fault path looks it up). */
static inline struct paging_frame *paging_frame_of(const struct page_frame *pf)
{
	return paging_rec(paging_index(pf));
}

/* Cycles now, by the clock paging_set_clock gave (0 without one).
 * Inline, like paging_hist_add: each fault reads it two to six times. */
static inline uint64_t paging_now(void)
{
	return paging_st.clock ? paging_st.clock() : 0;
}

/* O(1): bin i holds (128 << (i-1), 128 << i], bounds as paging_init
 * sets them (128 cycles doubling, the last bin catches all). */
static inline void paging_hist_add(struct k_mem_paging_histogram *h,
				   uint64_t cycles)
{
	size_t i = cycles <= 128 ? 0 :
		   64 - (size_t)__builtin_clzll(cycles - 1) - 7;

	h->counts[MIN(i, K_MEM_PAGING_HISTOGRAM_BINS - 1)]++;
}
void paging_ring_add(struct page_frame *pf);
void paging_ring_remove(struct page_frame *pf);
/* The resident frame at page va whose PTE points at phys, or NULL when
 * it is not a MAPPED frame recorded at va. */
struct page_frame *paging_resident_frame(vaddr_t va, uint64_t phys);
/* Evicts pf (dirty: its PTE's D bit); ref: its PTE if known, or NULL. */
int paging_evict(struct page_frame *pf, bool dirty,
		 const struct arch_pte_ref *ref);
/* Makes the page at ref->virt (location loc, PTE ref) resident. */
int paging_page_in(const struct arch_pte_ref *ref, uint64_t loc);
/* paging_teardown's body, for a caller holding mm_lock. */
void paging_teardown_locked(void);

#endif
