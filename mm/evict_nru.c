/*
 * mm/evict_nru.c - not recently used (Zephyr's NRU policy, fixed).
 *
 * Classes by the PTE bits: 0 = not accessed, clean; 1 = not accessed,
 * dirty; 2 = accessed, clean; 3 = accessed, dirty.  A selection scans
 * the frames paging may evict in frame-number order, as Zephyr's does,
 * but from just after the previous victim (Zephyr always started at the
 * lowest frame, so it kept evicting the same few frames), and takes the
 * first frame of the lowest class, stopping at the first class 0.
 * Zephyr clears accessed bits from a timer; efimm has none, so the scan
 * clears the bit of each frame it reads (after classifying it): the
 * next scan sees only accesses since.  The dirty state returned is the
 * VICTIM's (Zephyr returned that of the last frame scanned).  The
 * frames are an evict_set: 1/8 byte per frame of RAM, no links.
 * Cost: O(resident frames) per selection at worst.
 */
#include "evict.h"
#include "arch_hooks.h"
#include "paging_int.h"

static struct evict_set nru_set;
static size_t nru_hand;                 /* frame number the next scan starts at */

static int nru_start(size_t nframes)
{
	nru_hand = 0;
	return evict_set_init(&nru_set, nframes);
}

static void nru_stop(void)
{
	evict_set_release(&nru_set);
}

static void nru_forget(void)
{
	evict_set_forget(&nru_set);
}

static size_t nru_table_frames(void)
{
	return pgarray_frames(&nru_set.words);
}

static void nru_add(struct page_frame *pf)
{
	evict_set_add(&nru_set, paging_index(pf));
}

static void nru_remove(struct page_frame *pf)
{
	evict_set_del(&nru_set, paging_index(pf));
}

static void nru_touch(struct page_frame *pf)
{
	UNUSED(pf);
}

static unsigned int nru_class(uint32_t info)
{
	return ((info & ARCH_DATA_PAGE_ACCESSED) ? 2u : 0u) |
	       ((info & ARCH_DATA_PAGE_DIRTY) ? 1u : 0u);
}

static struct page_frame *nru_select(bool *dirty, struct arch_pte_ref *ref)
{
	struct evict_sweep sw;
	size_t i = evict_sweep_start(&nru_set, nru_hand, &sw);
	size_t best = EVICT_SET_NONE;
	unsigned int best_class = 4;

	for (size_t n = nru_set.count; n > 0 && best_class > 0; n--) {
		struct arch_pte_ref r;
		unsigned int c = nru_class(evict_page_info(paging_frame_at(i),
							   true, &r));

		if (c < best_class) {
			best = i;
			best_class = c;
			*ref = r;
		}
		i = evict_sweep_next(&nru_set, &sw);
	}
	if (best == EVICT_SET_NONE)
		return NULL;
	*dirty = best_class & 1u;
	nru_hand = best + 1;            /* the next scan starts after it */
	return paging_frame_at(best);
}

/* The scan reaches last the member just behind the hand. */
static struct page_frame *nru_frame(size_t i)
{
	return i == EVICT_SET_NONE ? NULL : paging_frame_at(i);
}

static struct page_frame *nru_last(void)
{
	return nru_frame(evict_set_prev(&nru_set, nru_hand));
}

static struct page_frame *nru_before(const struct page_frame *pf)
{
	return nru_frame(evict_set_prev(&nru_set, paging_index(pf)));
}

const struct evict_ops evict_nru_ops = {
	.name = "nru", .start = nru_start, .stop = nru_stop,
	.forget = nru_forget, .table_frames = nru_table_frames,
	.add = nru_add, .remove = nru_remove, .touch = nru_touch,
	.select = nru_select, .last = nru_last, .before = nru_before,
};
