/*
 * mm/pfdb.c - the page-frame database (layout and costs: see pfdb.h).
 */
#include "../lib/assert.h"
#include "../lib/errno.h"
#include "../lib/kstring.h"
#include "arch_hooks.h"
#include "pfdb.h"

#define PFDB_MAX_FRAMES  (1ULL << 36)
#define PFDB_DIR_SHIFT   30          /* one directory entry per GiB */

struct pfdb_state pfdb_st;

/* Sizes of a database for map r[0..n): segments, frames, directory. */
struct pfdb_shape {
	size_t nseg, nframes, ndir, bytes;
	const struct mem_range *pool;   /* largest FREE RAM range */
};

static void pfdb_measure(const struct mem_range *r, size_t n,
			 struct pfdb_shape *s)
{
	uint64_t prev_end = ~0ULL, top = 0;

	memset(s, 0, sizeof(*s));
	for (size_t i = 0; i < n; i++) {
		if (!memmap_type_is_ram(r[i].type))
			continue;
		if (r[i].start != prev_end)
			s->nseg++;
		prev_end = r[i].end;
		top = r[i].end;
		s->nframes += (r[i].end - r[i].start) / PAGE_SIZE;
		if (r[i].state == MEM_FREE && (!s->pool ||
		    r[i].end - r[i].start > s->pool->end - s->pool->start))
			s->pool = &r[i];
	}
	s->ndir = ALIGN_UP(top, 1ULL << PFDB_DIR_SHIFT) >> PFDB_DIR_SHIFT;
	s->bytes = ALIGN_UP(s->nframes * sizeof(struct page_frame) +
			    s->nseg * sizeof(struct pfdb_seg) +
			    s->ndir * sizeof(uint16_t), PAGE_SIZE);
}

/* Initial flags of a RAM range's frames. */
static uint64_t pfdb_initial_flags(uint32_t state)
{
	if (state == MEM_FREE)
		return PFDB_FREE;
	return state == MEM_EFIMM ? PFDB_PINNED : PFDB_RESERVED;
}

/* Segments of the RAM ranges of r: one per run of adjacent ranges.
 * O(ranges). */
static void pfdb_fill_segments(const struct mem_range *r, size_t n)
{
	uint64_t idx = 0;

	pfdb_st.nseg = 0;
	for (size_t i = 0; i < n; i++) {
		struct pfdb_seg *s = pfdb_st.nseg ? &pfdb_st.seg[pfdb_st.nseg - 1] : NULL;

		if (!memmap_type_is_ram(r[i].type))
			continue;
		if (!s || s->end != r[i].start) {
			s = &pfdb_st.seg[pfdb_st.nseg++];
			s->start = r[i].start;
			s->first = idx;
		}
		s->end = r[i].end;
		idx += (r[i].end - r[i].start) >> PAGE_SHIFT;
	}
}

/* dir[g] = first segment that ends above GiB g. */
static void pfdb_fill_dir(void)
{
	size_t s = 0;

	for (size_t g = 0; g < pfdb_st.ndir; g++) {
		while (s < pfdb_st.nseg && pfdb_st.seg[s].end <= ((uint64_t)g << PFDB_DIR_SHIFT))
			s++;
		pfdb_st.dir[g] = (uint16_t)s;
	}
}

/*
 * Writes the entries of [lo, hi) with bits; they end at entry *idx
 * (exclusive), and *idx moves down to lo's entry.  FREE frames are put
 * on the free list as they are written: frame i links to i + 1 (the
 * link holds index + 1), the span's last frame to the old head, and the
 * span's first frame becomes the head.  Filling all spans from the top
 * down thus leaves the list ascending (allocation starts low) and builds
 * the database in one pass, one store per frame; the loop writes four
 * entries a round because this is the boot's per-frame cost.
 */
static void pfdb_fill_span(uint64_t lo, uint64_t hi, uint64_t bits,
			   uint64_t *idx)
{
	uint64_t count = (hi - lo) >> PAGE_SHIFT, first = *idx - count;
	struct page_frame *e = pfdb_st.ent + first, *end = pfdb_st.ent + *idx;
	uint64_t link = bits | ((first + 2) << PFDB_PN_SHIFT);

	*idx = first;
	pfdb_st.npinned += (bits & PFDB_PINNED) ? count : 0;
	pfdb_st.nreserved += (bits & PFDB_RESERVED) ? count : 0;
	if (!(bits & PFDB_FREE)) {
		for (; e < end; e++)
			e->bits = bits;
		return;
	}
	if (!count)
		return;
	for (struct page_frame *stop = count > 4 ? end - 4 : e; e < stop;
	     e += 4, link += 4 * PFDB_LINK_ONE) {
		e[0].bits = link;
		e[1].bits = link + 1 * PFDB_LINK_ONE;
		e[2].bits = link + 2 * PFDB_LINK_ONE;
		e[3].bits = link + 3 * PFDB_LINK_ONE;
	}
	for (; e < end - 1; e++, link += PFDB_LINK_ONE)
		e->bits = link;
	e->bits = bits | (pfdb_st.free_head << PFDB_PN_SHIFT);
	pfdb_st.free_head = first + 1;
	pfdb_st.nfree += count;
}

/*
 * Fills every entry from the RAM ranges of r, last frame first (see
 * pfdb_fill_span); the database's own pages [own_lo, own_hi), which lie
 * inside one FREE range, are PINNED instead.
 */
static void pfdb_fill_entries(const struct mem_range *r, size_t n,
			      uint64_t own_lo, uint64_t own_hi)
{
	uint64_t idx = pfdb_st.nframes;
	size_t seg = pfdb_st.nseg - 1;

	pfdb_st.free_head = pfdb_st.held_head = 0;
	pfdb_st.nfree = pfdb_st.nheld = 0;
	pfdb_st.npinned = pfdb_st.nmapped = pfdb_st.nreserved = 0;
	for (size_t i = n; i-- > 0;) {
		uint64_t lo = r[i].start, hi = r[i].end, bits;

		if (!memmap_type_is_ram(r[i].type))
			continue;
		while (pfdb_st.seg[seg].start > lo)
			seg--;
		bits = pfdb_initial_flags(r[i].state) |
		       ((uint64_t)seg << PFDB_SEG_SHIFT);
		if (own_lo >= lo && own_hi <= hi && own_lo < own_hi) {
			pfdb_fill_span(own_hi, hi, bits, &idx);
			pfdb_fill_span(own_lo, own_hi, PFDB_PINNED |
				       ((uint64_t)seg << PFDB_SEG_SHIFT), &idx);
			hi = own_lo;
		}
		pfdb_fill_span(lo, hi, bits, &idx);
	}
}

int pfdb_init(const struct mem_range *r, size_t n)
{
	struct pfdb_shape s;
	uint64_t base;
	uint8_t *mem;

	pfdb_measure(r, n, &s);
	if (s.nseg > PFDB_MAX_SEGS || s.nframes >= PFDB_MAX_FRAMES)
		return -E2BIG;
	if (!s.pool || s.pool->end - s.pool->start < s.bytes)
		return -ENOMEM;
	base = s.pool->end - s.bytes;
	mem = arch_phys_to_ptr(PADDR(base));
	pfdb_st.ent = (struct page_frame *)mem;
	pfdb_st.seg = (struct pfdb_seg *)(mem + s.nframes * sizeof(*pfdb_st.ent));
	pfdb_st.dir = (uint16_t *)((uint8_t *)pfdb_st.seg + s.nseg * sizeof(*pfdb_st.seg));
	pfdb_st.nframes = s.nframes;
	pfdb_st.ndir = s.ndir;
	pfdb_st.bytes = s.bytes;
	pfdb_fill_segments(r, n);
	pfdb_fill_dir();
	pfdb_fill_entries(r, n, base, base + s.bytes);
	return 0;
}

struct page_frame *pfdb_from_phys(paddr_t phys)
{
	uint64_t p = paddr_raw(phys);
	uint64_t g = p >> PFDB_DIR_SHIFT;

	if (g >= pfdb_st.ndir)
		return NULL;
	for (size_t s = pfdb_st.dir[g]; s < pfdb_st.nseg && pfdb_st.seg[s].start <= p; s++) {
		if (p < pfdb_st.seg[s].end)
			return &pfdb_st.ent[pfdb_st.seg[s].first +
				       ((p - pfdb_st.seg[s].start) >> PAGE_SHIFT)];
	}
	return NULL;
}

struct page_frame *pfdb_frame_at(size_t index)
{
	return index < pfdb_st.nframes ? &pfdb_st.ent[index] : NULL;
}

void pfdb_reserve(struct page_frame *pf)
{
	ASSERT(pfdb_flags(pf) == 0, "pfdb: reserving a frame in use (%x)",
	       pfdb_flags(pf));
	pf->bits |= PFDB_RESERVED;
	pfdb_st.nreserved++;
}

/* The free-list link of a FREE entry: next index + 1, 0 at the end. */
static uint64_t pfdb_link(const struct page_frame *pf)
{
	return (pf->bits & PFDB_PN_MASK) >> PFDB_PN_SHIFT;
}

static void pfdb_set_link(struct page_frame *pf, uint64_t link)
{
	pf->bits = (pf->bits & ~PFDB_PN_MASK) | (link << PFDB_PN_SHIFT);
}

void pfdb_cap(size_t keep)
{
	struct page_frame *cut;

	ASSERT(pfdb_st.nheld == 0, "pfdb: capped twice");
	if (pfdb_st.nfree <= keep)
		return;
	if (keep == 0) {
		pfdb_st.held_head = pfdb_st.free_head;
		pfdb_st.free_head = 0;
	} else {
		cut = &pfdb_st.ent[pfdb_st.free_head - 1];
		for (size_t i = 1; i < keep; i++)
			cut = &pfdb_st.ent[pfdb_link(cut) - 1];
		pfdb_st.held_head = pfdb_link(cut);
		pfdb_set_link(cut, 0);
	}
	pfdb_st.nheld = pfdb_st.nfree - keep;
	pfdb_st.nfree = keep;
}

void pfdb_uncap(void)
{
	struct page_frame *tail;

	if (pfdb_st.nheld == 0)
		return;
	if (pfdb_st.free_head == 0) {
		pfdb_st.free_head = pfdb_st.held_head;
	} else {
		tail = &pfdb_st.ent[pfdb_st.free_head - 1];
		while (pfdb_link(tail))
			tail = &pfdb_st.ent[pfdb_link(tail) - 1];
		pfdb_set_link(tail, pfdb_st.held_head);
	}
	pfdb_st.nfree += pfdb_st.nheld;
	pfdb_st.nheld = 0;
	pfdb_st.held_head = 0;
}

size_t pfdb_held_count(void)
{
	return pfdb_st.nheld;
}

void pfdb_pin(struct page_frame *pf)
{
	pfdb_check_owned(pf);
	pfdb_st.npinned += !(pf->bits & PFDB_PINNED);
	pf->bits |= PFDB_PINNED;
}

void pfdb_unpin(struct page_frame *pf)
{
	pfdb_check_owned(pf);
	pfdb_st.npinned -= (pf->bits & PFDB_PINNED) != 0;
	pf->bits &= ~(uint64_t)PFDB_PINNED;
}

size_t pfdb_free_count(void)
{
	return pfdb_st.nfree;
}

size_t pfdb_pinned_count(void)
{
	return pfdb_st.npinned;
}

size_t pfdb_mapped_count(void)
{
	return pfdb_st.nmapped;
}

size_t pfdb_reserved_count(void)
{
	return pfdb_st.nreserved + pfdb_st.nheld;
}

size_t pfdb_frame_count(void)
{
	return pfdb_st.nframes;
}

size_t pfdb_overhead_bytes(void)
{
	return pfdb_st.bytes;
}

bool pfdb_segment(size_t s, struct pfdb_span *out)
{
	if (s >= pfdb_st.nseg)
		return false;
	*out = (struct pfdb_span){ .start = PADDR(pfdb_st.seg[s].start),
				   .end = PADDR(pfdb_st.seg[s].end),
				   .first = pfdb_st.seg[s].first };
	return true;
}

void pfdb_foreach(pfdb_foreach_fn fn, void *ctx)
{
	for (size_t s = 0; s < pfdb_st.nseg; s++) {
		const struct pfdb_seg *sg = &pfdb_st.seg[s];

		for (uint64_t p = sg->start; p < sg->end; p += PAGE_SIZE)
			fn(&pfdb_st.ent[sg->first + ((p - sg->start) >> PAGE_SHIFT)],
			   PADDR(p), ctx);
	}
}
