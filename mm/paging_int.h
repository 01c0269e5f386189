/*
 * mm/paging_int.h - state and helpers shared by mm/paging.c (the core)
 * and mm/paging_api.c (the k_mem_* calls); not for the rest of efimm.
 */
#ifndef MM_PAGING_INT_H
#define MM_PAGING_INT_H

#include "../lib/assert.h"
#include "evict.h"
#include "paging.h"
#include "pgarray.h"

struct paging_state {
	const struct evict_ops *ops;
	paging_clock_fn clock;
	bool enabled;
	size_t resident;                /* frames the policy may evict */
	size_t cached;                  /* copies in the copy table (in slots) */
	struct page_frame *frame0;      /* the database's entry array */
	struct pgarray copies;          /* the copy table (below) */
	size_t copy_half;               /* entries in each half of it */
	size_t copy_cursor;             /* next entry paging_copy_any reads */
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

/*
 * The copy table (mm/paging_copy.c): which store slot holds the clean
 * copy of which resident frame (frame flag BACKED), kept per store slot
 * - at most one copy per slot, and the store is smaller than RAM - so
 * paging keeps no record per frame at all.  A cuckoo table: two halves
 * of copy_half entries each (copy_half = 3/2 of the slots, so each half
 * is at most two thirds full: cuckoo hashing needs less than one), and
 * frame f's copy is at one of two places, one per half, found by two
 * multiplicative hashes of f: a lookup reads two entries at most.  24
 * bytes per slot (a slot is a 4096-byte frame), plus the array's index
 * and rounding (28 for the default 2048 slots).  An entry:
 *
 *   63                 32 31                  0
 *  +---------------------+---------------------+
 *  | frame number + 1    | slot                |   0 in bits 63..32: empty
 *  +---------------------+---------------------+
 *
 * so frame numbers are below 2^32 - 1 and slots below PAGING_SLOTS_MAX.
 * Adding a copy moves at most PAGING_COPY_KICKS others (each to its
 * other place); if one is then still homeless, add returns it and paging
 * drops that copy (a copy only saves a write: losing one is never wrong,
 * and with each half at most two thirds full it all but never happens).
 */
struct paging_copy {
	uint32_t slot;
	uint32_t frame1;                /* frame number + 1; 0: empty */
};
#define PAGING_COPY_KICKS 32

/* Odd 64-bit multipliers (the golden ratio's and another): two
 * independent places per frame number. */
#define PAGING_COPY_MUL0 0x9e3779b97f4a7c15ULL
#define PAGING_COPY_MUL1 0xc2b2ae3d27d4eb4fULL

/* A table for nslots slots (<= PAGING_SLOTS_MAX).  0 or -ENOMEM. */
int paging_copy_init(size_t nslots);
void paging_copy_release(void);
/* Frames of the database the table uses. */
size_t paging_copy_frames(void);
/* paging_copy_add once f1's first place is taken: the cuckoo moves. */
bool paging_copy_add_kick(struct paging_copy c, struct paging_copy *homeless);
/* Takes some copy out of the table (the next one from a cursor that
 * goes round it): true and *out, or false when it is empty.  O(slots)
 * at worst, O(1) amortised over emptying the table. */
bool paging_copy_take(struct paging_copy *out);

/* The lookups are inline: the fault path makes one or two per fault. */
static inline struct paging_copy *paging_copy_at(size_t i)
{
	return pgarray_at(&paging_st.copies, i);
}

/* f1's place in half h: the hash's top 32 bits scaled to the half. */
static inline size_t paging_copy_place(uint32_t f1, size_t h)
{
	uint64_t x = (uint64_t)f1 * (h ? PAGING_COPY_MUL1 : PAGING_COPY_MUL0);

	return h * paging_st.copy_half +
	       (size_t)(((x >> 32) * paging_st.copy_half) >> 32);
}

/* Frame number f's entry, or NULL.  Two reads at most; none while the
 * table holds no copy (paging_st.cached counts them). */
static inline struct paging_copy *paging_copy_lookup(size_t f)
{
	uint32_t f1 = (uint32_t)(f + 1);
	struct paging_copy *e;

	if (paging_st.cached == 0)
		return NULL;
	e = paging_copy_at(paging_copy_place(f1, 0));
	if (e->frame1 == f1)
		return e;
	e = paging_copy_at(paging_copy_place(f1, 1));
	return e->frame1 == f1 ? e : NULL;
}

/* The slot holding frame number f's copy: true and *slot, or false. */
static inline bool paging_copy_find(size_t f, uint64_t *slot)
{
	struct paging_copy *e = paging_copy_lookup(f);

	if (e)
		*slot = e->slot;
	return e != NULL;
}

/* Forgets f's copy: true and *slot if it had one. */
static inline bool paging_copy_del(size_t f, uint64_t *slot)
{
	struct paging_copy *e = paging_copy_lookup(f);

	if (!e)
		return false;
	*slot = e->slot;
	e->frame1 = 0;
	paging_st.cached--;
	return true;
}

/* Records that slot holds f's copy (f has none yet).  True; false when
 * one copy (f's or another's) found no place: *homeless is it, out of
 * the table and the count, and the caller drops it. */
static inline bool paging_copy_add(size_t f, uint64_t slot,
				   struct paging_copy *homeless)
{
	struct paging_copy c = { (uint32_t)slot, (uint32_t)(f + 1) };
	struct paging_copy *e;

	ASSERT(paging_st.copy_half && f + 1 < UINT32_MAX &&
	       slot < PAGING_SLOTS_MAX, "paging: copy of frame %zu in slot %llu",
	       f, (unsigned long long)slot);
	paging_st.cached++;
	e = paging_copy_at(paging_copy_place(c.frame1, 0));
	if (e->frame1)
		return paging_copy_add_kick(c, homeless);
	*e = c;
	return true;
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
/* An eviction between its halves (paging.c): paging_evict_begin takes
 * the PTE out, and after the TLB round (the page's own or a batch's)
 * paging_evict_end writes and frees the frame. */
struct paging_victim {
	struct page_frame *pf;
	struct arch_pte_ref ref;
	uint64_t loc;           /* where the page goes */
	bool ref_ok;            /* ref holds the PTE (else walk for it) */
	bool dirty;             /* the frame must be written */
	bool raced;             /* written by another CPU after the look */
};
int paging_evict_begin(struct page_frame *pf, bool dirty,
		       const struct arch_pte_ref *ref, struct paging_victim *v);
int paging_evict_end(struct paging_victim *v);
/* Makes the page at ref->virt (location loc, PTE ref) resident. */
int paging_page_in(const struct arch_pte_ref *ref, uint64_t loc);
/* Drops pf's zero-fill copy, if that is the copy it has (a page being
 * pinned: a teardown finds pinned pages' copies in the copy table only,
 * and an unpinned page merely costs a write when next evicted). */
void paging_forget_zero(struct page_frame *pf);
/* paging_teardown's body, for a caller holding mm_lock. */
void paging_teardown_locked(void);

#endif
