/*
 * mm/evict_ring.c - the frame ring every policy keeps (mm/evict.h).
 * Links are frame indices (pfdb_frame_index) in struct paging_frame.
 */
#include "../lib/assert.h"
#include "arch_hooks.h"
#include "evict.h"
#include "paging_int.h"

static uint32_t ring_index(const struct page_frame *pf)
{
	return (uint32_t)paging_index(pf);
}

static struct paging_frame *ring_link(uint32_t i)
{
	return paging_rec(i);
}

void evict_ring_init(struct evict_ring *r)
{
	r->head = EVICT_NIL;
	r->count = 0;
}

void evict_ring_push(struct evict_ring *r, struct page_frame *pf)
{
	uint32_t i = ring_index(pf);
	struct paging_frame *m = ring_link(i);

	if (r->head == EVICT_NIL) {
		m->prev = m->next = i;
		r->head = i;
	} else {
		struct paging_frame *h = ring_link(r->head);

		m->next = r->head;
		m->prev = h->prev;
		ring_link(h->prev)->next = i;
		h->prev = i;
	}
	r->count++;
}

void evict_ring_remove(struct evict_ring *r, struct page_frame *pf)
{
	uint32_t i = ring_index(pf);
	struct paging_frame *m = ring_link(i);

	ASSERT(r->count > 0, "evict: removing from an empty ring");
	if (--r->count == 0) {
		r->head = EVICT_NIL;
		return;
	}
	ring_link(m->prev)->next = m->next;
	ring_link(m->next)->prev = m->prev;
	if (r->head == i)
		r->head = m->next;
}

struct page_frame *evict_ring_head(const struct evict_ring *r)
{
	return r->head == EVICT_NIL ? NULL : paging_frame_at(r->head);
}

struct page_frame *evict_ring_next(const struct evict_ring *r,
				   const struct page_frame *pf)
{
	UNUSED(r);
	return paging_frame_at(ring_link(ring_index(pf))->next);
}

struct page_frame *evict_ring_prev(const struct evict_ring *r,
				   const struct page_frame *pf)
{
	UNUSED(r);
	return paging_frame_at(ring_link(ring_index(pf))->prev);
}

void evict_ring_set_head(struct evict_ring *r, const struct page_frame *pf)
{
	r->head = ring_index(pf);
}

uint32_t evict_page_info(const struct page_frame *pf, bool clear,
			 struct arch_pte_ref *ref)
{
	return arch_page_info_ref(pfdb_va(pf), clear, ref);
}
