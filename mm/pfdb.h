/*
 * mm/pfdb.h - the page-frame database: one 8-byte entry per 4 KiB frame
 * of RAM (Zephyr's struct z_page_frame, packed).
 *
 * Entry layout (struct page_frame.bits):
 *
 *   63         51 50                                         6 5      0
 *  +-------------+--------------------------------------------+--------+
 *  | segment     | MAPPED: virtual page number, VA bits 56..12 | flags  |
 *  | index (13)  | FREE:   next free frame index + 1           | (6)    |
 *  |             |         (0 = end of the free list)          |        |
 *  +-------------+--------------------------------------------+--------+
 *
 * A frame is never FREE and MAPPED at once, so the VA and the free-list
 * link share bits 50..6.  The 45-bit page number holds a 57-bit VA (five
 * levels, LA57) whole: bits 63..57 of a canonical VA repeat bit 56 and
 * are sign-extended back from it, so the upper half fits too.  The
 * segment index makes frame->phys O(1): phys = seg.start + (index -
 * seg.first) * 4 KiB.  Limits: 8191 segments (maximal runs of contiguous
 * RAM: firmware maps have tens), 2^36 frames (256 TiB of RAM), virtual
 * addresses canonical for 57 bits (so every 48-bit one).
 *
 * No memory is spent on holes.  RAM is described by segments (maximal
 * runs of physically contiguous RAM ranges, 24 bytes each); entries of
 * all segments are packed in one array.  phys->frame uses a directory
 * with one 2-byte entry per GiB of physical address space up to the
 * highest RAM address (the first segment that ends above that GiB), then
 * scans forward over the segments that start inside that GiB - usually
 * one or two; the scan is bounded by the segments per GiB.  The whole
 * database (entries, segments, directory) is stolen from the top of the
 * largest FREE range of the map; those frames become PINNED.
 *
 * Flags and what the `frames` dump shows, by precedence:
 *   R RESERVED (firmware/ACPI/runtime RAM)  B BUSY (page-in/out under way)
 *   P PINNED (never evicted: efimm, tables) . FREE (on the free list)
 *   M MAPPED (at the recorded VA)           ? none: allocated, not yet used
 * BACKED: the page has a copy: in the backing store, or zero-fill (a page
 *         zero-filled and not written since; demand paging, mm/paging.h).
 *
 * Single CPU, interrupts off: no locking.
 */
#ifndef MM_PFDB_H
#define MM_PFDB_H

#include "../lib/assert.h"
#include "../lib/types.h"
#include "memmap.h"

#define PFDB_FREE       (1u << 0)
#define PFDB_RESERVED   (1u << 1)
#define PFDB_PINNED     (1u << 2)
#define PFDB_MAPPED     (1u << 3)
#define PFDB_BUSY       (1u << 4)
#define PFDB_BACKED     (1u << 5)
#define PFDB_FLAGS_MASK 0x3fu
#define PFDB_PN_SHIFT   6               /* page number / free link */
#define PFDB_PN_BITS    45
#define PFDB_PN_MASK    (((1ULL << PFDB_PN_BITS) - 1) << PFDB_PN_SHIFT)
#define PFDB_LINK_ONE   (1ULL << PFDB_PN_SHIFT)  /* link + 1 */
#define PFDB_SEG_SHIFT  51
#define PFDB_SEG_BITS   13
#define PFDB_MAX_SEGS   ((1u << PFDB_SEG_BITS) - 1)
#define PFDB_VA_BITS    57              /* widest VA a MAPPED entry holds */

struct page_frame {
	uint64_t bits;
};

/* The database's state, in the header only so that the accessors the
 * fault path calls per page are inline; nothing outside mm/pfdb*.c and
 * this header touches it. */
struct pfdb_seg {
	uint64_t start, end;   /* physical, page-aligned */
	uint64_t first;        /* index of the entry for start */
};

struct pfdb_state {
	struct page_frame *ent;
	struct pfdb_seg *seg;
	uint16_t *dir;
	size_t nseg, nframes, ndir, nfree, bytes;
	uint64_t free_head;    /* index + 1 of the first free frame; 0: none */
	/* Frames with the flag set, kept as flags change (mm_counts_get
	 * reads them without a pass over the entries). */
	size_t npinned, nmapped, nreserved;
	uint64_t held_head;    /* frames pfdb_cap held back: list as free_head */
	size_t nheld;
};

extern struct pfdb_state pfdb_st;

static inline uint64_t pfdb_index(const struct page_frame *pf)
{
	ASSERT(pf >= pfdb_st.ent && pf < pfdb_st.ent + pfdb_st.nframes,
	       "pfdb: %p is not a frame", (const void *)pf);
	return (uint64_t)(pf - pfdb_st.ent);
}

struct pfdb_counts {
	size_t total, free, mapped, pinned, busy, reserved, other;
};

/*
 * Builds the database from a sanitised map (memmap_sanitize output).
 * RAM ranges (memmap_type_is_ram) get entries: FREE ranges go on the free
 * list, EFIMM ones are PINNED, RESERVED ones RESERVED.  Replaces any
 * previous database.  Returns 0; -ENOMEM if no FREE range can hold the
 * database; -E2BIG if the map has more segments or frames than the
 * layout allows.
 */
int pfdb_init(const struct mem_range *r, size_t n);

/* Frame of phys (any byte inside it), or NULL if phys is not RAM. O(1). */
struct page_frame *pfdb_from_phys(paddr_t phys);
static inline uint32_t pfdb_flags(const struct page_frame *pf)
{
	return (uint32_t)(pf->bits & PFDB_FLAGS_MASK);
}

/* Physical address of pf.  O(1). */
static inline paddr_t pfdb_to_phys(const struct page_frame *pf)
{
	uint64_t i = pfdb_index(pf);
	const struct pfdb_seg *s = &pfdb_st.seg[pf->bits >> PFDB_SEG_SHIFT];

	return PADDR(s->start + ((i - s->first) << PAGE_SHIFT));
}

/* Takes a frame off the free list; it comes back with no flags (the
 * caller pins or maps it).  Returns NULL when no frame is free.  O(1). */
static inline struct page_frame *pfdb_alloc(void)
{
	struct page_frame *pf;

	if (pfdb_st.free_head == 0)
		return NULL;
	pf = &pfdb_st.ent[pfdb_st.free_head - 1];
	ASSERT(pfdb_flags(pf) == PFDB_FREE, "pfdb: free list corrupt");
	pfdb_st.free_head = (pf->bits & PFDB_PN_MASK) >> PFDB_PN_SHIFT;
	pf->bits &= ~(PFDB_PN_MASK | PFDB_FLAGS_MASK);
	pfdb_st.nfree--;
	return pf;
}

/* Puts pf (flags PINNED at most; not mapped, not busy) back.  O(1). */
static inline void pfdb_free(struct page_frame *pf)
{
	uint64_t i = pfdb_index(pf);

	ASSERT((pfdb_flags(pf) & ~PFDB_PINNED) == 0,
	       "pfdb: freeing frame %llx with flags %x",
	       (unsigned long long)paddr_raw(pfdb_to_phys(pf)), pfdb_flags(pf));
	pfdb_st.npinned -= (pfdb_flags(pf) & PFDB_PINNED) != 0;
	pf->bits = (pf->bits & ~(PFDB_PN_MASK | PFDB_FLAGS_MASK)) |
		   PFDB_FREE | (pfdb_st.free_head << PFDB_PN_SHIFT);
	pfdb_st.free_head = i + 1;
	pfdb_st.nfree++;
}

/*
 * Dense frame numbers 0 .. pfdb_frame_count()-1 in physical order, for
 * side tables indexed by frame (demand paging).  O(1) both ways;
 * pfdb_frame_at returns NULL past the end.
 */
static inline size_t pfdb_frame_index(const struct page_frame *pf)
{
	return (size_t)pfdb_index(pf);
}
struct page_frame *pfdb_frame_at(size_t index);

/* Takes an allocated frame (no flags) out of use for good: RESERVED. */
void pfdb_reserve(struct page_frame *pf);

/*
 * mem=SIZE: holds back every free frame beyond the first keep of the
 * free list, so at most keep frames are free for what follows.  The
 * held frames keep their FREE entries (no per-frame pass: O(keep) to
 * find the cut) but are off the free list and out of pfdb_free_count;
 * pfdb_counts and pfdb_reserved_count count them as reserved.  One cap
 * at a time (ASSERT).
 */
void pfdb_cap(size_t keep);
/* Puts the held frames back on the free list: O(free frames) to find
 * its end.  No-op without a cap. */
void pfdb_uncap(void);
size_t pfdb_held_count(void);

static inline void pfdb_check_owned(const struct page_frame *pf)
{
	ASSERT(!(pfdb_flags(pf) & (PFDB_FREE | PFDB_RESERVED)),
	       "pfdb: frame %llx is free or reserved",
	       (unsigned long long)paddr_raw(pfdb_to_phys(pf)));
}

/* Pin/unpin a frame that is not FREE or RESERVED. */
void pfdb_pin(struct page_frame *pf);
void pfdb_unpin(struct page_frame *pf);
/* VA's bits 63..57 repeat bit 56 (canonical for 57 bits, hence for 48). */
static inline bool pfdb_va_ok(vaddr_t va)
{
	return (vaddr_t)((int64_t)((uint64_t)va << (64 - PFDB_VA_BITS)) >>
			 (64 - PFDB_VA_BITS)) == va;
}

/* Records that pf is mapped at va (page-aligned, canonical for 57 bits)
 * / not. */
static inline void pfdb_set_mapped(struct page_frame *pf, vaddr_t va)
{
	uint64_t pn = ((uint64_t)va >> PAGE_SHIFT) & ((1ULL << PFDB_PN_BITS) - 1);

	pfdb_check_owned(pf);
	ASSERT(IS_ALIGNED(va, PAGE_SIZE) && pfdb_va_ok(va),
	       "pfdb: bad va %llx", (unsigned long long)va);
	pfdb_st.nmapped += !(pf->bits & PFDB_MAPPED);
	pf->bits = (pf->bits & ~PFDB_PN_MASK) | (pn << PFDB_PN_SHIFT) |
		   PFDB_MAPPED;
}

static inline void pfdb_set_unmapped(struct page_frame *pf)
{
	pfdb_st.nmapped -= (pf->bits & PFDB_MAPPED) != 0;
	pf->bits &= ~(PFDB_PN_MASK | PFDB_MAPPED);
}

/* Sets/clears BUSY or BACKED (the demand-paging flags). */
static inline void pfdb_set_flags(struct page_frame *pf, uint32_t flags)
{
	ASSERT((flags & ~(PFDB_BUSY | PFDB_BACKED)) == 0, "pfdb: flags %x", flags);
	pfdb_check_owned(pf);
	pf->bits |= flags;
}

static inline void pfdb_clear_flags(struct page_frame *pf, uint32_t flags)
{
	ASSERT((flags & ~(PFDB_BUSY | PFDB_BACKED)) == 0, "pfdb: flags %x", flags);
	pf->bits &= ~(uint64_t)flags;
}

/* VA of a MAPPED frame. */
static inline vaddr_t pfdb_va(const struct page_frame *pf)
{
	uint64_t va = ((pf->bits & PFDB_PN_MASK) >> PFDB_PN_SHIFT) << PAGE_SHIFT;

	ASSERT(pfdb_flags(pf) & PFDB_MAPPED, "pfdb: frame not mapped");
	return (vaddr_t)((int64_t)(va << (64 - PFDB_VA_BITS)) >>
			 (64 - PFDB_VA_BITS));
}

/* Free frames (O(1)), all frames, and bytes the database itself uses. */
size_t pfdb_free_count(void);
/* Frames with PINNED / MAPPED set, and RESERVED ones plus those pfdb_cap
 * holds back.  O(1): kept as flags change.  (pfdb_counts counts by the
 * dump's precedence instead: a pinned, mapped frame is only 'P' there.) */
size_t pfdb_pinned_count(void);
size_t pfdb_mapped_count(void);
size_t pfdb_reserved_count(void);
size_t pfdb_frame_count(void);
size_t pfdb_overhead_bytes(void);
/* Counts frames by the dump's precedence (R > B > P > . > M). O(frames).
 * (mm/pfdb_dump.c, like pfdb_dump.) */
void pfdb_counts(struct pfdb_counts *c);

/* A segment: physically contiguous RAM [start, end) whose frames have
 * the dense indexes first .. first + (end - start) / 4 KiB - 1. */
struct pfdb_span {
	paddr_t start, end;
	size_t first;
};
/* Segment s, in physical order; false past the last one. */
bool pfdb_segment(size_t s, struct pfdb_span *out);

/* Calls fn for every frame, in physical order. */
typedef void (*pfdb_foreach_fn)(struct page_frame *pf, paddr_t phys, void *ctx);
void pfdb_foreach(pfdb_foreach_fn fn, void *ctx);

/*
 * The `frames` dump: a legend line, then per segment a header
 * "Physical memory from 0x... to 0x..." and rows of 64 frames, one
 * coloured character each (see above).  A run of rows identical to the
 * row before is printed once as "  ... N identical rows" (like hexdump's
 * "*"), so a 6 GiB machine prints a few dozen lines, not 24000.  Ends
 * with the count of frames in each state.
 */
void pfdb_dump(void);

#endif
