/*
 * mm/evict_ring.c - the frame ring lru keeps (mm/evict.h): links are
 * frame numbers (pfdb_frame_index), 32 bits each, in the ring's own
 * array; and evict_page_info, which every policy uses.
 */
#include "../lib/assert.h"
#include "../lib/errno.h"
#include "arch_hooks.h"
#include "evict.h"
#include "paging_int.h"

static uint32_t ring_index(const struct page_frame *pf)
{
	return (uint32_t)paging_index(pf);
}


/* Links are not zeroed: push sets a frame's links before anything reads
 * them (a boot-time cost per frame of RAM saved). */
int evict_ring_init(struct evict_ring *r, size_t nframes)
{
	r->head = EVICT_NIL;
	r->count = 0;
	if (nframes >= EVICT_NIL)
		return -ENOMEM;
	return pgarray_init_raw(&r->links, nframes, sizeof(struct evict_link));
}

void evict_ring_release(struct evict_ring *r)
{
	pgarray_release(&r->links);
	r->head = EVICT_NIL;
	r->count = 0;
}

void evict_ring_forget(struct evict_ring *r)
{
	r->links.len = r->links.ndata = r->links.ndir = 0;
	r->head = EVICT_NIL;
	r->count = 0;
}

void evict_ring_push(struct evict_ring *r, struct page_frame *pf)
{
	uint32_t i = ring_index(pf);
	struct evict_link *m = evict_ring_link(r, i);

	if (r->head == EVICT_NIL) {
		m->prev = m->next = i;
		r->head = i;
	} else {
		struct evict_link *h = evict_ring_link(r, r->head);

		m->next = r->head;
		m->prev = h->prev;
		evict_ring_link(r, h->prev)->next = i;
		h->prev = i;
	}
	r->count++;
}

void evict_ring_remove(struct evict_ring *r, struct page_frame *pf)
{
	uint32_t i = ring_index(pf);
	struct evict_link *m = evict_ring_link(r, i);

	ASSERT(r->count > 0, "evict: removing from an empty ring");
	if (--r->count == 0) {
		r->head = EVICT_NIL;
		return;
	}
	evict_ring_link(r, m->prev)->next = m->next;
	evict_ring_link(r, m->next)->prev = m->prev;
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
	return paging_frame_at(evict_ring_link(r, ring_index(pf))->next);
}

struct page_frame *evict_ring_prev(const struct evict_ring *r,
				   const struct page_frame *pf)
{
	return paging_frame_at(evict_ring_link(r, ring_index(pf))->prev);
}

uint32_t evict_page_info(const struct page_frame *pf, bool clear,
			 struct arch_pte_ref *ref)
{
	return arch_page_info_ref(pfdb_va(pf), clear, ref);
}
