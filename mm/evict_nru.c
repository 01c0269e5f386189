/*
 * mm/evict_nru.c - not recently used (Zephyr's NRU policy, fixed).
 *
 * Classes by the PTE bits: 0 = not accessed, clean; 1 = not accessed,
 * dirty; 2 = accessed, clean; 3 = accessed, dirty.  A selection scans
 * the ring from just after the previous victim (Zephyr always started
 * at the lowest frame, so it kept evicting the same few frames) and
 * takes the first frame of the lowest class, stopping at the first class
 * 0.  Zephyr clears accessed bits from a timer; efimm has none, so
 * the scan clears the bit of each frame it reads (after classifying it):
 * the next scan sees only accesses since.  The dirty state returned is
 * the VICTIM's (Zephyr returned that of the last frame scanned).
 * Cost: O(resident frames) per selection at worst.
 */
#include "evict.h"
#include "arch_hooks.h"

static struct evict_ring nru_ring;

static void nru_reset(void)
{
	evict_ring_init(&nru_ring);
}

static void nru_add(struct page_frame *pf)
{
	evict_ring_push(&nru_ring, pf);
}

static void nru_remove(struct page_frame *pf)
{
	evict_ring_remove(&nru_ring, pf);
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
	struct page_frame *pf = evict_ring_head(&nru_ring), *best = NULL;
	unsigned int best_class = 4;

	for (size_t n = nru_ring.count; n > 0 && best_class > 0; n--) {
		struct arch_pte_ref r;
		unsigned int c = nru_class(evict_page_info(pf, true, &r));

		if (c < best_class) {
			best = pf;
			best_class = c;
			*ref = r;
		}
		pf = evict_ring_next(&nru_ring, pf);
	}
	if (!best)
		return NULL;
	*dirty = best_class & 1u;
	/* The next scan starts after this victim, once paging removes it. */
	evict_ring_set_head(&nru_ring, best);
	return best;
}

const struct evict_ops evict_nru_ops = {
	.name = "nru", .ring = &nru_ring, .reset = nru_reset,
	.add = nru_add,
	.remove = nru_remove, .touch = nru_touch, .select = nru_select,
};
