/*
 * mm/evict_clock.c - second-chance clock on the accessed bit.
 *
 * The hand sweeps frame numbers (the classic clock over the frame
 * table): the frames paging may evict are an evict_set, one bit per
 * frame and no links, so clock costs 1/8 byte per frame of RAM.  A
 * frame whose page was accessed since the hand last passed loses its
 * bit and is skipped; the first one that was not is the victim, and the
 * hand moves just past it.  A page that takes the victim's frame (the
 * free list hands it out first) is thus just behind the hand, a whole
 * sweep away from the next look, as a ring's new tail would be.  Each
 * skip clears a bit that only an access sets again, so over a run the
 * hand moves at most (evictions + accesses seen) steps past members:
 * O(1) amortised per eviction, and two sweeps at worst, never more;
 * frames that are not members cost one read per 4096 (mm/evict.h).
 */
#include "evict.h"
#include "arch_hooks.h"
#include "paging_int.h"

static struct evict_set clock_set;
static size_t clock_hand;               /* frame number the sweep resumes at */

static int clock_start(size_t nframes)
{
	clock_hand = 0;
	return evict_set_init(&clock_set, nframes);
}

static void clock_stop(void)
{
	evict_set_release(&clock_set);
}

static void clock_forget(void)
{
	evict_set_forget(&clock_set);
}

static size_t clock_table_frames(void)
{
	return pgarray_frames(&clock_set.words);
}

static void clock_add(struct page_frame *pf)
{
	evict_set_add(&clock_set, paging_index(pf));
}

static void clock_remove(struct page_frame *pf)
{
	evict_set_del(&clock_set, paging_index(pf));
}

static void clock_touch(struct page_frame *pf)
{
	UNUSED(pf);
}

/* Victim under the hand.  Two sweeps at most: the first clears every
 * bit, so a frame still accessed after that is being used right now (on
 * one CPU, only by the caller itself); the hand then takes the frame it
 * is on rather than spin.  NULL only when the set is empty. */
static struct page_frame *clock_select(bool *dirty, struct arch_pte_ref *ref)
{
	struct evict_sweep sw;
	size_t n = 2 * clock_set.count;
	size_t i = evict_sweep_start(&clock_set, clock_hand, &sw);

	while (i != EVICT_SET_NONE) {
		struct page_frame *pf = paging_frame_at(i);
		uint32_t info = evict_page_info(pf, true, ref);

		if (!(info & ARCH_DATA_PAGE_ACCESSED) || n-- == 0) {
			*dirty = (info & ARCH_DATA_PAGE_DIRTY) != 0;
			clock_hand = i + 1;
			return pf;
		}
		i = evict_sweep_next(&clock_set, &sw);
	}
	return NULL;
}

/* The hand reaches last the member just behind it. */
static struct page_frame *clock_frame(size_t i)
{
	return i == EVICT_SET_NONE ? NULL : paging_frame_at(i);
}

static struct page_frame *clock_last(void)
{
	return clock_frame(evict_set_prev(&clock_set, clock_hand));
}

static struct page_frame *clock_before(const struct page_frame *pf)
{
	return clock_frame(evict_set_prev(&clock_set, paging_index(pf)));
}

const struct evict_ops evict_clock_ops = {
	.name = "clock", .start = clock_start, .stop = clock_stop,
	.forget = clock_forget, .table_frames = clock_table_frames,
	.add = clock_add, .remove = clock_remove, .touch = clock_touch,
	.select = clock_select, .last = clock_last, .before = clock_before,
};
