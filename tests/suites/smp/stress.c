/*
 * tests/suites/smp/stress.c - paging/stress.c with every CPU at once: an
 * arena of up to four times free memory (after squeezing it), split into
 * one slice per CPU; each CPU makes random checksummed reads and writes
 * in its slice, so every CPU's faults evict pages of the others (their
 * TLBs shot down each time).  Every read must see that CPU's last write;
 * unmapping the arena gives back what it took (paging_suite.h's
 * suite_stress).
 */
#include "../paging/paging_suite.h"

#define ROUNDS  2000    /* per CPU */
#define MARGIN  192

struct slice {
	char *p;
	uint64_t *seeds;
	size_t pages;
	uint64_t rng;
	size_t bad;
};

static struct slice slices[EFIMM_MAX_CPUS];

/* One CPU's walk over its slice (arg); mismatches into its bad. */
static void run_slice(void *arg)
{
	struct slice *s = arg;

	s->bad = stress_walk(s->p, s->seeds, s->pages, ROUNDS, &s->rng);
}

/* Splits [p, p + pages) and seeds over the *(int *)ctx CPUs and runs
 * them all. */
static size_t run_all(void *ctx, char *p, uint64_t *seeds, size_t pages)
{
	int n = *(int *)ctx;
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

int main(void)
{
	int n = efimm_cpu_count();
	char who[24];

	n = n > EFIMM_MAX_CPUS ? EFIMM_MAX_CPUS : n;
	snprintk(who, sizeof(who), "%d CPUs", n);
	suite_stress_main(MARGIN, ROUNDS, who, run_all, &n);
	return 0;
}
