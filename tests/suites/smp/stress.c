/*
 * tests/suites/smp/stress.c - paging/stress.c with every CPU at once: an
 * arena of up to four times free memory (after squeezing it), split into
 * one slice per CPU; each CPU makes random checksummed reads and writes
 * in its slice, so every CPU's faults evict pages of the others (their
 * TLBs shot down each time).  Every read must see that CPU's last write;
 * unmapping the arena gives back what it took.
 */
#include "../paging/paging_suite.h"

#define ROUNDS  2000    /* per CPU */
#define POINTS  4
#define MARGIN  192

struct slice {
	char *p;
	uint64_t *seeds;
	size_t pages;
	uint64_t rng;
	size_t bad;
};

static struct slice slices[EFIMM_MAX_CPUS];

static uint64_t rng(struct slice *s)
{
	s->rng ^= s->rng << 13;
	s->rng ^= s->rng >> 7;
	s->rng ^= s->rng << 17;
	return s->rng;
}

/* One CPU's work on its slice (arg); mismatches into its bad. */
static void run_slice(void *arg)
{
	struct slice *s = arg;

	for (size_t i = 0; i < s->pages; i++)
		suite_stress_write(s->p + i * PAGE_SIZE, s->seeds[i] = rng(s) | 1);
	for (long r = 0; r < ROUNDS; r++) {
		size_t i = rng(s) % s->pages;

		if (rng(s) & 1)
			suite_stress_write(s->p + i * PAGE_SIZE, s->seeds[i] = rng(s) | 1);
		else
			s->bad += !suite_stress_ok(s->p + i * PAGE_SIZE, s->seeds[i]);
	}
	for (size_t i = 0; i < s->pages; i++)
		s->bad += !suite_stress_ok(s->p + i * PAGE_SIZE, s->seeds[i]);
}

/* Splits [p, p + pages) and seeds over n CPUs and runs them all. */
static size_t run_all(char *p, uint64_t *seeds, size_t pages, int n)
{
	size_t each = pages / (size_t)n, bad = 0;

	for (int c = 0; c < n; c++)
		slices[c] = (struct slice){ .p = p + (size_t)c * each * PAGE_SIZE,
					    .seeds = seeds + (size_t)c * each,
					    .pages = each, .rng = 0x2545F4914F6CDD1Dull + c };
	for (int c = 1; c < n; c++)
		efimm_smp_start(c, run_slice, &slices[c]);
	run_slice(&slices[0]);
	for (int c = 1; c < n; c++)
		efimm_smp_wait(c);
	for (int c = 0; c < n; c++)
		bad += slices[c].bad;
	return bad;
}

static void stress(size_t free_frames, int n)
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
	if (!efimm_test_ok(seeds && p, "maps: %zu pages over %zu free frames, %d CPUs",
			   pages, free_frames, n))
		return;
	bad = run_all(p, seeds, pages, n);
	b = suite_stats();
	efimm_test_ok(bad == 0, "%d CPUs x %d random steps: %zu mismatches (faults %lu, "
		      "evictions clean %lu dirty %lu)", n, ROUNDS, bad,
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

int main(void)
{
	struct suite_ballast ballast;
	size_t free_bytes = suite_squeeze(&ballast);
	int n = efimm_cpu_count();

	efimm_test_plan(POINTS + 1);
	if (free_bytes > SUITE_MAX_PRESSURED) {
		for (int i = 0; i < POINTS; i++)
			efimm_test_skip("%zu KiB free after squeezing: no pressure",
					free_bytes >> 10);
	} else {
		stress(free_bytes / PAGE_SIZE, n > EFIMM_MAX_CPUS ? EFIMM_MAX_CPUS : n);
	}
	efimm_test_ok(suite_release(&ballast) == 0, "release the squeezed memory");
	return 0;
}
