/*
 * mm/evict_lru.c - least recently used: the reference the benchmark
 * compares the others against.
 *
 * The ring runs from least (head) to most recently used: the one policy
 * whose order frame numbers do not give, so the one that keeps links,
 * two 32-bit frame numbers per frame of RAM (8 bytes).  touch() moves a
 * frame to the MRU end and clears its accessed bit.  Exact when every
 * access is reported through touch() - the host simulation does that.
 * On the machine only faults and page-ins call touch(), so select()
 * first samples the accessed bits: frames accessed since the last
 * selection move to the MRU end (in ring order; their relative order is
 * unknown), then the head is the victim.  O(resident frames) per
 * selection: a reference, not a policy for production.
 */
#include "evict.h"
#include "arch_hooks.h"
#include "paging_int.h"

static struct evict_ring lru_ring;

static int lru_start(size_t nframes)
{
	return evict_ring_init(&lru_ring, nframes);
}

static void lru_stop(void)
{
	evict_ring_release(&lru_ring);
}

static void lru_forget(void)
{
	evict_ring_forget(&lru_ring);
}

static size_t lru_table_frames(void)
{
	return pgarray_frames(&lru_ring.links);
}

static void lru_add(struct page_frame *pf)
{
	evict_ring_push(&lru_ring, pf);
}

static void lru_remove(struct page_frame *pf)
{
	evict_ring_remove(&lru_ring, pf);
}

static void lru_touch(struct page_frame *pf)
{
	struct arch_pte_ref ref;

	evict_ring_remove(&lru_ring, pf);
	evict_ring_push(&lru_ring, pf);
	evict_page_info(pf, true, &ref);
}

/* Moves every frame accessed since the last look to the MRU end: a
 * walk by frame number, the links read inline. */
static void lru_sample(void)
{
	uint32_t i = lru_ring.head;

	for (size_t n = lru_ring.count; n > 0; n--) {
		uint32_t next = evict_ring_link(&lru_ring, i)->next;
		struct page_frame *pf = paging_frame_at(i);
		struct arch_pte_ref ref;

		if (evict_page_info(pf, true, &ref) & ARCH_DATA_PAGE_ACCESSED) {
			evict_ring_remove(&lru_ring, pf);
			evict_ring_push(&lru_ring, pf);
		}
		i = next;
	}
}

static struct page_frame *lru_select(bool *dirty, struct arch_pte_ref *ref)
{
	struct page_frame *pf;

	lru_sample();
	pf = evict_ring_head(&lru_ring);
	if (pf)
		*dirty = (evict_page_info(pf, false, ref) &
			  ARCH_DATA_PAGE_DIRTY) != 0;
	return pf;
}

/* The MRU end is evicted last. */
static struct page_frame *lru_last(void)
{
	struct page_frame *head = evict_ring_head(&lru_ring);

	return head ? evict_ring_prev(&lru_ring, head) : NULL;
}

static struct page_frame *lru_before(const struct page_frame *pf)
{
	return evict_ring_prev(&lru_ring, pf);
}

const struct evict_ops evict_lru_ops = {
	.name = "lru", .start = lru_start, .stop = lru_stop,
	.forget = lru_forget, .table_frames = lru_table_frames,
	.add = lru_add, .remove = lru_remove, .touch = lru_touch,
	.select = lru_select, .last = lru_last, .before = lru_before,
};
