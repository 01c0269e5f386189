/*
 * mm/evict.h - page-eviction policies, one file each (mm/evict_NAME.c),
 * all compiled; `evict=NAME` on the run line picks one at run time and
 * the Makefile's EVICT sets the default (-DEVICT_DEFAULT=NAME).
 *
 * A policy sees the frames paging may evict: resident pages of pageable
 * memory (MAPPED, not PINNED).  paging.c tells it when a frame joins
 * (add) or leaves (remove) that set; select() names a victim without
 * removing it and says whether the victim's page is dirty - the dirty
 * state of the VICTIM, read from its own PTE (Zephyr's NRU returned the
 * last frame scanned's).  Policies read and clear accessed bits through
 * arch_page_info_get(), which flushes the TLB entry it changes.
 *
 * Frames are kept on an evict_ring: a circular doubly-linked list
 * threaded through per-frame links that paging owns (struct paging_frame),
 * so a policy costs no memory of its own and add/remove are O(1).
 */
#ifndef MM_EVICT_H
#define MM_EVICT_H

#include "../lib/types.h"
#include "arch_hooks.h"
#include "pfdb.h"

struct evict_ring;

struct evict_ops {
	const char *name;
	/* The policy's frames, head first (paging walks it backwards from
	 * the newest to choose which store copies to drop). */
	const struct evict_ring *ring;
	/* Forgets every frame (paging starts over). */
	void (*reset)(void);
	void (*add)(struct page_frame *pf);
	void (*remove)(struct page_frame *pf);
	/* An access to pf's page seen by software (a fault, a page-in, the
	 * host simulation's every access); policies that need no more than
	 * the accessed bit ignore it. */
	void (*touch)(struct page_frame *pf);
	/* The victim, or NULL when no frame is evictable; *dirty its state
	 * and *ref its PTE (arch_page_info_ref), which paging reuses. */
	struct page_frame *(*select)(bool *dirty, struct arch_pte_ref *ref);
};

extern const struct evict_ops evict_nru_ops;
extern const struct evict_ops evict_clock_ops;
extern const struct evict_ops evict_lru_ops;

/* The ring: head is where scans start (the clock hand, the LRU end). */
#define EVICT_NIL UINT32_MAX

struct evict_ring {
	uint32_t head;
	size_t count;
};

void evict_ring_init(struct evict_ring *r);
/* Inserts pf just before head (at the tail, last to be scanned). */
void evict_ring_push(struct evict_ring *r, struct page_frame *pf);
/* Unlinks pf; if it was head, head moves to its successor. */
void evict_ring_remove(struct evict_ring *r, struct page_frame *pf);
/* head, or NULL when empty; the successor of pf (wrapping). */
struct page_frame *evict_ring_head(const struct evict_ring *r);
struct page_frame *evict_ring_next(const struct evict_ring *r,
				   const struct page_frame *pf);
struct page_frame *evict_ring_prev(const struct evict_ring *r,
				   const struct page_frame *pf);
/* Makes pf (on r) the head. */
void evict_ring_set_head(struct evict_ring *r, const struct page_frame *pf);

/* ARCH_DATA_PAGE_* of pf's page; with clear, clears its accessed bit.
 * *ref gets the page's PTE. */
uint32_t evict_page_info(const struct page_frame *pf, bool clear,
			 struct arch_pte_ref *ref);

#endif
