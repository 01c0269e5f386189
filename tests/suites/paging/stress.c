/*
 * tests/suites/paging/stress.c - random reads and writes over an arena
 * up to four times free memory, every page checksummed, with the
 * payload's own code and stack left pageable (nothing pinned but the
 * seeds): every read must see the last write, and unmapping the arena
 * gives back what it took.  The eviction policy under test is whichever
 * the suite runs with (`evict=`).
 */
#include "paging_suite.h"

#define ROUNDS  20000
#define POINTS  4       /* skipped together without pressure */
/* Store slots left for the payload's own pages (image, stack: evicted
 * like any other here) and slack. */
#define MARGIN  192

static uint64_t rng_state = 0x2545F4914F6CDD1Dull;

/* xorshift64: the same sequence every run, so a failure repeats. */
static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* Random reads and writes over [p, p + pages); returns the mismatches. */
static size_t stress_run(char *p, uint64_t *seeds, size_t pages)
{
	size_t bad = 0;

	for (size_t i = 0; i < pages; i++)
		suite_stress_write(p + i * PAGE_SIZE, seeds[i] = rng() | 1);
	for (long r = 0; r < ROUNDS; r++) {
		size_t i = rng() % pages;

		if (rng() & 1)
			suite_stress_write(p + i * PAGE_SIZE, seeds[i] = rng() | 1);
		else
			bad += !suite_stress_ok(p + i * PAGE_SIZE, seeds[i]);
	}
	for (size_t i = 0; i < pages; i++)
		bad += !suite_stress_ok(p + i * PAGE_SIZE, seeds[i]);
	return bad;
}

/* POINTS points. */
static void stress(size_t free_frames)
{
	size_t pages = suite_stress_arena_pages(free_frames, MARGIN);
	size_t seed_bytes, free0, bad;
	struct k_mem_paging_stats a, b;
	uint64_t *seeds;
	char *p;

	seed_bytes = (pages * 8 + PAGE_SIZE - 1) / PAGE_SIZE * PAGE_SIZE;
	seeds = k_mem_map(seed_bytes, K_MEM_PERM_RW | K_MEM_MAP_LOCK);
	a = suite_stats();
	free0 = k_mem_free_get();
	p = k_mem_map(pages * PAGE_SIZE, K_MEM_PERM_RW);
	if (!efimm_test_ok(seeds && p, "maps: %zu pages over %zu free frames",
			   pages, free_frames))
		return;
	bad = stress_run(p, seeds, pages);
	b = suite_stats();
	efimm_test_ok(bad == 0, "%d random steps: %zu mismatches (faults %lu, "
		      "evictions clean %lu dirty %lu)", ROUNDS, bad,
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

int main(int argc, char **argv)
{
	struct suite_ballast ballast;
	size_t free_bytes = suite_squeeze(&ballast);

	(void)argc;
	(void)argv;
	efimm_test_plan(POINTS + 1);
	if (free_bytes > SUITE_MAX_PRESSURED) {
		for (int i = 0; i < POINTS; i++)
			efimm_test_skip("%zu KiB free after squeezing: no pressure",
					free_bytes >> 10);
	} else {
		stress(free_bytes / PAGE_SIZE);
	}
	efimm_test_ok(suite_release(&ballast) == 0, "release the squeezed memory");
	return 0;
}
