/*
 * tests/suites/paging/paging_suite.h - what the paging suite's payloads
 * share: data patterns, memory pressure made on purpose, the payload's
 * own pages pinned for exact fault counts, statistics.  Every function is
 * static inline so a payload that uses only some of them builds under
 * -Werror; each payload is still one C file (this header is not one).
 *
 * Why pressure is made here: tools/efimm-test passes the same run
 * options to every payload, and the suite must pass with all of RAM
 * (hundreds of MiB: touching an arena larger than that under TCG takes
 * minutes) as well as under mem=4M.  suite_squeeze() pins all but a few
 * hundred free frames in one locked, uninitialised mapping (no zeroing,
 * no store traffic), so "larger than memory" is a few MiB either way.
 */
#ifndef PAGING_SUITE_H
#define PAGING_SUITE_H

#include "efimm.h"
#include "../../../payload/stress.h"   /* the walk itself */

/* Free frames suite_squeeze() aims to leave. */
#define SUITE_KEEP_FRAMES   256
/* A squeeze that leaves more than this did not work: tests that need
 * pressure skip instead of touching all of RAM. */
#define SUITE_MAX_PRESSURED (16ul << 20)
/* Pages the stack/image walks may take at most (a runaway guard). */
#define SUITE_WALK_LIMIT    4096

extern char __payload_text[], __payload_end[];

/* The word k of page i in round r: differs per page, word and round. */
static inline uint64_t suite_word(size_t i, size_t k, uint64_t r)
{
	return (i * 0x9E3779B97F4A7C15ull) ^ (r << 52) ^ (k * 0x100000001b3ull) ^ 1;
}

/* Writes round r's pattern into every word of pages [0, pages) of p. */
static inline void suite_fill(void *p, size_t pages, uint64_t r)
{
	for (size_t i = 0; i < pages; i++) {
		uint64_t *w = (uint64_t *)((char *)p + i * PAGE_SIZE);

		for (size_t k = 0; k < PAGE_SIZE / 8; k++)
			w[k] = suite_word(i, k, r);
	}
}

/* Pages of p that do not hold round r's pattern in every word. */
static inline size_t suite_bad_pages(const void *p, size_t pages, uint64_t r)
{
	size_t bad = 0;

	for (size_t i = 0; i < pages; i++) {
		const uint64_t *w = (const uint64_t *)((const char *)p + i * PAGE_SIZE);
		size_t k = 0;

		while (k < PAGE_SIZE / 8 && w[k] == suite_word(i, k, r))
			k++;
		bad += k != PAGE_SIZE / 8;
	}
	return bad;
}

/* Pages of p holding a non-zero word. */
static inline size_t suite_nonzero_pages(const void *p, size_t pages)
{
	size_t bad = 0;

	for (size_t i = 0; i < pages; i++) {
		const uint64_t *w = (const uint64_t *)((const char *)p + i * PAGE_SIZE);
		uint64_t any = 0;

		for (size_t k = 0; k < PAGE_SIZE / 8; k++)
			any |= w[k];
		bad += any != 0;
	}
	return bad;
}

/* Pages of [p, p + pages) whose k_mem_translate is not want (0 resident,
 * -ENOENT not yet populated, -EAGAIN paged out). */
static inline size_t suite_translate_mismatches(const char *p, size_t pages, int want)
{
	size_t bad = 0;

	for (size_t i = 0; i < pages; i++)
		bad += k_mem_translate(p + i * PAGE_SIZE, NULL, NULL) != want;
	return bad;
}

/* Faults taken while reading (write false) or rewriting (write true:
 * the page turns dirty, its data stays) the first word of each page of
 * [p, p + pages). */
static inline unsigned long suite_faults_touching(void *p, size_t pages, bool write)
{
	volatile uint64_t *v = p;
	unsigned long f0 = k_mem_num_pagefaults_get();

	for (size_t i = 0; i < pages; i++) {
		uint64_t w = v[i * (PAGE_SIZE / 8)];

		if (write)
			v[i * (PAGE_SIZE / 8)] = w;
	}
	return k_mem_num_pagefaults_get() - f0;
}

/* The paging statistics now. */
static inline struct k_mem_paging_stats suite_stats(void)
{
	struct k_mem_paging_stats s;

	k_mem_paging_stats_get(&s);
	return s;
}

/* Free frames now. */
static inline size_t suite_free_frames(void)
{
	return k_mem_free_get() / PAGE_SIZE;
}

/* True if addr's page is mapped (resident, paged out or not yet
 * populated); false for unmapped and non-canonical addresses. */
static inline bool suite_mapped(uintptr_t addr)
{
	int r = k_mem_translate((const void *)addr, NULL, NULL);

	return r == 0 || r == -EAGAIN || r == -ENOENT;
}

/*
 * [*lo, *hi): the payload stack, found as the run of mapped pages around
 * the current frame (the guard page below ends it, and nothing is mapped
 * above the stack's top).  Found this way, nothing depends on where efimm
 * puts the stack or how large it makes it.
 */
static inline void suite_stack_range(uintptr_t *lo, uintptr_t *hi)
{
	uintptr_t here = (uintptr_t)__builtin_frame_address(0) & ~(PAGE_SIZE - 1);
	int n = 0;

	*lo = here;
	*hi = here + PAGE_SIZE;
	while (n++ < SUITE_WALK_LIMIT && suite_mapped(*lo - PAGE_SIZE))
		*lo -= PAGE_SIZE;
	while (n++ < 2 * SUITE_WALK_LIMIT && suite_mapped(*hi))
		*hi += PAGE_SIZE;
}

/*
 * Pins (pin true) or unpins the payload's own image and stack.  A test
 * that counts faults exactly pins them first, as Zephyr's locks
 * interrupts: otherwise an eviction of the test's own code or stack page
 * adds faults that are not the ones counted.  Returns 0 or the first
 * error.
 */
static inline int suite_pin_self(bool pin)
{
	uintptr_t img = (uintptr_t)__payload_text, lo, hi;
	size_t img_size = (uintptr_t)__payload_end - img;
	int (*op)(void *, size_t) = pin ? k_mem_pin : k_mem_unpin;
	int err;

	suite_stack_range(&lo, &hi);
	err = op((void *)img, img_size);
	if (!err)
		err = op((void *)lo, hi - lo);
	return err;
}

/* Memory pinned away by suite_squeeze(). */
struct suite_ballast {
	void *addr;
	size_t size;
};

/*
 * Pins all but about SUITE_KEEP_FRAMES free frames in one locked,
 * uninitialised mapping (the mapping's own page tables come out of the
 * rest, hence the margin).  Returns the free bytes left; with too little
 * free memory to squeeze, b is empty and nothing changes.
 */
static inline size_t suite_squeeze(struct suite_ballast *b)
{
	size_t free = suite_free_frames(), n;

	b->addr = NULL;
	b->size = 0;
	if (free <= 2 * SUITE_KEEP_FRAMES)
		return k_mem_free_get();
	n = free - SUITE_KEEP_FRAMES;
	n -= n / 256 + 16;
	if (efimm_mem_map(n * PAGE_SIZE, K_MEM_PERM_RW | K_MEM_MAP_LOCK |
			  K_MEM_MAP_UNINIT, &b->addr) == 0)
		b->size = n * PAGE_SIZE;
	else
		b->addr = NULL;
	return k_mem_free_get();
}

/* Gives the ballast back; 0 or k_mem_unmap's error. */
static inline int suite_release(struct suite_ballast *b)
{
	int err = b->addr ? k_mem_unmap(b->addr, b->size) : 0;

	b->addr = NULL;
	b->size = 0;
	return err;
}

/* A stress arena: four times free_frames, or what the store can take
 * beyond margin slots kept for the payload's own pages. */
static inline size_t suite_stress_arena_pages(size_t free_frames, size_t margin)
{
	size_t slots = suite_stats().store_slots_free;
	size_t most = free_frames + (slots > margin ? slots - margin : 0);

	return 4 * free_frames < most ? 4 * free_frames : most;
}

/* Walks a stress arena (its pages, its seeds); returns the mismatches. */
typedef size_t (*suite_stress_fn)(void *ctx, char *p, uint64_t *seeds, size_t pages);

#define SUITE_STRESS_POINTS 4

/*
 * SUITE_STRESS_POINTS points: maps an arena of suite_stress_arena_pages
 * and its seeds (pinned), runs run(ctx, ...) over it, and checks that no
 * read missed its write, that the arena really exceeded memory (dirty
 * evictions), and that unmapping it gave its frames back.  rounds and
 * who (e.g. "2 CPUs", or "") only describe the run in the points.
 */
static inline void suite_stress(size_t free_frames, size_t margin, long rounds,
				const char *who, suite_stress_fn run, void *ctx)
{
	size_t pages = suite_stress_arena_pages(free_frames, margin);
	size_t seed_bytes = (pages * 8 + PAGE_SIZE - 1) / PAGE_SIZE * PAGE_SIZE;
	const char *sep = *who ? ", " : "", *times = *who ? " x " : "";
	struct k_mem_paging_stats a, b;
	size_t free0, bad;
	uint64_t *seeds = k_mem_map(seed_bytes, K_MEM_PERM_RW | K_MEM_MAP_LOCK);
	char *p;

	a = suite_stats();
	free0 = k_mem_free_get();
	p = k_mem_map(pages * PAGE_SIZE, K_MEM_PERM_RW);
	if (!efimm_test_ok(seeds && p, "maps: %zu pages over %zu free frames%s%s",
			   pages, free_frames, sep, who))
		return;
	bad = run(ctx, p, seeds, pages);
	b = suite_stats();
	efimm_test_ok(bad == 0, "%s%s%ld random steps: %zu mismatches (faults %lu, "
		      "evictions clean %lu dirty %lu)", who, times, rounds, bad,
		      (unsigned long)(b.pagefaults.cnt - a.pagefaults.cnt),
		      (unsigned long)(b.eviction.clean - a.eviction.clean),
		      (unsigned long)(b.eviction.dirty - a.eviction.dirty));
	efimm_test_ok(b.eviction.dirty > a.eviction.dirty,
		      "the arena really exceeded memory (dirty evictions)");
	k_mem_unmap(p, pages * PAGE_SIZE);
	efimm_test_ok(k_mem_free_get() >= free0,
		      "unmap gave the arena's frames back: %zu -> %zu KiB free",
		      free0 >> 10, k_mem_free_get() >> 10);
	k_mem_unmap(seeds, seed_bytes);
}

/* A stress payload's main: squeezes free memory, runs suite_stress
 * (its points skipped when squeezing left no pressure), releases. */
static inline void suite_stress_main(size_t margin, long rounds, const char *who,
				     suite_stress_fn run, void *ctx)
{
	struct suite_ballast ballast;
	size_t free_bytes = suite_squeeze(&ballast);

	efimm_test_plan(SUITE_STRESS_POINTS + 1);
	if (free_bytes > SUITE_MAX_PRESSURED) {
		for (int i = 0; i < SUITE_STRESS_POINTS; i++)
			efimm_test_skip("%zu KiB free after squeezing: no pressure",
					free_bytes >> 10);
	} else {
		suite_stress(free_bytes / PAGE_SIZE, margin, rounds, who, run, ctx);
	}
	efimm_test_ok(suite_release(&ballast) == 0, "release the squeezed memory");
}

#endif
