/*
 * mm/evict_clock.c - second-chance clock on the accessed bit.
 *
 * The ring's head is the hand.  A frame whose page was accessed since
 * the hand last passed loses its bit and is skipped; the first one that
 * was not is the victim.  New frames join behind the hand.  Each skip
 * clears a bit that only an access sets again, so over a run the hand
 * moves at most (evictions + accesses seen) steps: O(1) amortised per
 * eviction, and two laps at worst, never more.
 */
#include "evict.h"
#include "arch_hooks.h"

static struct evict_ring clock_ring;

static void clock_reset(void)
{
	evict_ring_init(&clock_ring);
}

static void clock_add(struct page_frame *pf)
{
	evict_ring_push(&clock_ring, pf);
}

static void clock_remove(struct page_frame *pf)
{
	evict_ring_remove(&clock_ring, pf);
}

static void clock_touch(struct page_frame *pf)
{
	UNUSED(pf);
}

/* Victim under the hand; the hand stays on it and moves on when paging
 * removes it.  Two laps at most: the first clears every bit, so a frame
 * still accessed after that is being used right now (on one CPU, only
 * by the caller itself); the hand then takes the frame it is on rather
 * than spin.  NULL only when the ring is empty. */
static struct page_frame *clock_select(bool *dirty, struct arch_pte_ref *ref)
{
	struct page_frame *pf = evict_ring_head(&clock_ring);
	size_t n = 2 * clock_ring.count;

	while (pf) {
		uint32_t info = evict_page_info(pf, true, ref);

		if (!(info & ARCH_DATA_PAGE_ACCESSED) || n-- == 0) {
			*dirty = (info & ARCH_DATA_PAGE_DIRTY) != 0;
			return pf;
		}
		pf = evict_ring_next(&clock_ring, pf);
		evict_ring_set_head(&clock_ring, pf);
	}
	return NULL;
}

const struct evict_ops evict_clock_ops = {
	.name = "clock", .ring = &clock_ring, .reset = clock_reset,
	.add = clock_add,
	.remove = clock_remove, .touch = clock_touch, .select = clock_select,
};
