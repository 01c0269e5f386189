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
 * Each policy keeps its own per-frame state, indexed by frame number
 * (pfdb_frame_index), in frames of the database taken at start() and
 * given back at stop(): what it costs per frame of RAM is what it needs.
 *   clock, nru: an evict_set, one bit per frame (plus one per 64 frames)
 *               and a hand that sweeps frame numbers: no links;
 *   lru:        an evict_ring, two 32-bit links per frame (8 bytes):
 *               the only policy that needs an order the frame numbers do
 *               not give.
 * add/remove are O(1) for all three.
 */
#ifndef MM_EVICT_H
#define MM_EVICT_H

#include "../lib/assert.h"
#include "../lib/types.h"
#include "arch_hooks.h"
#include "pfdb.h"
#include "pgarray.h"

struct evict_ops {
	const char *name;
	/* Takes the per-frame state for frame numbers < nframes (frames of
	 * the database), empty.  0 or -ENOMEM (nothing taken). */
	int (*start)(size_t nframes);
	/* Gives the state back (empty, no frames). */
	void (*stop)(void);
	/* Forgets the state without giving anything back (mm_init rebuilt
	 * the frame database under it). */
	void (*forget)(void);
	/* Frames of the database the state uses now. */
	size_t (*table_frames)(void);
	void (*add)(struct page_frame *pf);
	void (*remove)(struct page_frame *pf);
	/* An access to pf's page seen by software (a fault, a page-in, the
	 * host simulation's every access); policies that need no more than
	 * the accessed bit ignore it. */
	void (*touch)(struct page_frame *pf);
	/* The victim, or NULL when no frame is evictable; *dirty its state
	 * and *ref its PTE (arch_page_info_ref), which paging reuses. */
	struct page_frame *(*select)(bool *dirty, struct arch_pte_ref *ref);
	/* The frame it would evict last (NULL: none), and the one it would
	 * evict just before pf: paging walks this way to choose which
	 * store copies to drop. */
	struct page_frame *(*last)(void);
	struct page_frame *(*before)(const struct page_frame *pf);
};

extern const struct evict_ops evict_nru_ops;
extern const struct evict_ops evict_clock_ops;
extern const struct evict_ops evict_lru_ops;

/* ---- evict_set (mm/evict_set.c): a set of frame numbers --------------
 *
 * Two levels of bits in one pgarray of 64-bit words:
 *
 *   word w < nwords (level 0)             word nwords + k (level 1)
 *   63                                0   63                                0
 *  +-----------------------------------+ +-----------------------------------+
 *  | bit b: frame 64*w + b is a member | | bit b: level-0 word 64*k + b is   |
 *  +-----------------------------------+ |        not zero                   |
 *                                        +-----------------------------------+
 *
 * nwords = ceil(nframes / 64); bits of frames >= nframes stay 0.  A
 * search skips 4096 frames per level-1 word, so sweeping the whole set
 * costs nframes / 4096 word reads plus one per member, however few of
 * the frames of RAM are pageable (mem= on a large machine).  Cost: 1/8
 * byte per frame, plus 1/512.
 */
#define EVICT_SET_NONE SIZE_MAX

struct evict_set {
	struct pgarray words;
	size_t nframes, nwords;
	size_t count;           /* members */
};

/* An empty set of frame numbers < nframes.  0 or -ENOMEM. */
int evict_set_init(struct evict_set *s, size_t nframes);
void evict_set_release(struct evict_set *s);
void evict_set_forget(struct evict_set *s);

/* Level-0 word w; level-1 word k. */
static inline uint64_t *evict_set_word(const struct evict_set *s, size_t w)
{
	return pgarray_at(&s->words, w);
}

static inline uint64_t *evict_set_summary(const struct evict_set *s, size_t k)
{
	return pgarray_at(&s->words, s->nwords + k);
}

/* O(1), inline: the fault path adds and removes a frame per fault.
 * i < nframes; add: i not a member; del: i a member. */
static inline void evict_set_add(struct evict_set *s, size_t i)
{
	uint64_t *w = evict_set_word(s, i / 64), bit = 1ULL << (i % 64);

	ASSERT(i < s->nframes && !(*w & bit), "evict: frame %zu added twice", i);
	if (*w == 0)
		*evict_set_summary(s, i / 4096) |= 1ULL << (i / 64 % 64);
	*w |= bit;
	s->count++;
}

static inline void evict_set_del(struct evict_set *s, size_t i)
{
	uint64_t *w = evict_set_word(s, i / 64), bit = 1ULL << (i % 64);

	ASSERT(i < s->nframes && (*w & bit), "evict: frame %zu not in the set", i);
	*w &= ~bit;
	if (*w == 0)
		*evict_set_summary(s, i / 4096) &= ~(1ULL << (i / 64 % 64));
	s->count--;
}

static inline bool evict_set_has(const struct evict_set *s, size_t i)
{
	return i < s->nframes && (*evict_set_word(s, i / 64) >> (i % 64) & 1);
}

/* The first member at or after i, wrapping past the last frame to 0;
 * the last member before i (i <= nframes), wrapping past 0 to the last
 * frame.  EVICT_SET_NONE when the set is empty.  next is inline when the
 * member is in i's own word, else a call. */
size_t evict_set_next_far(const struct evict_set *s, size_t i);
size_t evict_set_prev(const struct evict_set *s, size_t i);

static inline size_t evict_set_next(const struct evict_set *s, size_t i)
{
	if (i < s->nframes) {
		uint64_t m = *evict_set_word(s, i / 64) & (~0ULL << (i % 64));

		if (m)
			return (i & ~(size_t)63) + (size_t)__builtin_ctzll(m);
	}
	return evict_set_next_far(s, i);
}

/* A sweep over the members round the set: the word in hand is kept, so
 * a step to a member of the same word is a few instructions.  The set
 * must not change while a sweep runs. */
struct evict_sweep {
	size_t base;            /* frame number of the word's bit 0 */
	uint64_t bits;          /* its members not yet passed */
};

/* The first member at or after i (evict_set_next); sw goes on after it. */
static inline size_t evict_sweep_start(const struct evict_set *s, size_t i,
				       struct evict_sweep *sw)
{
	uint64_t m = 0;
	size_t j;

	if (i < s->nframes)
		m = *evict_set_word(s, i / 64) & (~0ULL << (i % 64));
	if (m) {
		sw->base = i & ~(size_t)63;
		sw->bits = m & (m - 1);
		return sw->base + (size_t)__builtin_ctzll(m);
	}
	j = evict_set_next_far(s, i);
	sw->base = j & ~(size_t)63;
	sw->bits = j == EVICT_SET_NONE ? 0 :
		   *evict_set_word(s, j / 64) & ((~0ULL << (j % 64)) << 1);
	return j;
}

/* The member after the one sw returned last, wrapping round. */
static inline size_t evict_sweep_next(const struct evict_set *s,
				      struct evict_sweep *sw)
{
	if (sw->bits) {
		size_t j = sw->base + (size_t)__builtin_ctzll(sw->bits);

		sw->bits &= sw->bits - 1;
		return j;
	}
	return evict_sweep_start(s, sw->base + 64, sw);
}

/* ---- evict_ring (mm/evict_ring.c): a circular doubly-linked list of
 * frame numbers, links 32-bit (frame numbers < EVICT_NIL). ----------- */
#define EVICT_NIL UINT32_MAX

struct evict_link {
	uint32_t prev, next;
};

struct evict_ring {
	uint32_t head;          /* where scans start (the LRU end) */
	size_t count;
	struct pgarray links;   /* struct evict_link per frame number */
};

/* Frame number i's links (inline: lru's sample walks every frame). */
static inline struct evict_link *evict_ring_link(const struct evict_ring *r,
						 uint32_t i)
{
	return pgarray_at(&r->links, i);
}

/* An empty ring for frame numbers < nframes.  0 or -ENOMEM. */
int evict_ring_init(struct evict_ring *r, size_t nframes);
void evict_ring_release(struct evict_ring *r);
void evict_ring_forget(struct evict_ring *r);
/* Inserts pf just before head (at the tail, last to be scanned). */
void evict_ring_push(struct evict_ring *r, struct page_frame *pf);
/* Unlinks pf; if it was head, head moves to its successor. */
void evict_ring_remove(struct evict_ring *r, struct page_frame *pf);
/* head, or NULL when empty; the successor / predecessor of pf. */
struct page_frame *evict_ring_head(const struct evict_ring *r);
struct page_frame *evict_ring_next(const struct evict_ring *r,
				   const struct page_frame *pf);
struct page_frame *evict_ring_prev(const struct evict_ring *r,
				   const struct page_frame *pf);

/* ARCH_DATA_PAGE_* of pf's page; with clear, clears its accessed bit.
 * *ref gets the page's PTE. */
uint32_t evict_page_info(const struct page_frame *pf, bool clear,
			 struct arch_pte_ref *ref);

#endif
