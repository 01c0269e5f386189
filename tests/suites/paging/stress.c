/*
 * tests/suites/paging/stress.c - random reads and writes over an arena
 * up to four times free memory, every page checksummed, with the
 * payload's own code and stack left pageable (nothing pinned but the
 * seeds): every read must see the last write, and unmapping the arena
 * gives back what it took.  The eviction policy under test is whichever
 * the suite runs with (`evict=`).  The arena and its checks are
 * paging_suite.h's suite_stress, shared with smp/stress.c.
 */
#include "paging_suite.h"

#define ROUNDS  20000
/* Store slots left for the payload's own pages (image, stack: evicted
 * like any other here) and slack. */
#define MARGIN  192

/* One walk over the whole arena, from a fixed seed. */
static size_t stress_run(void *ctx, char *p, uint64_t *seeds, size_t pages)
{
	uint64_t state = 0x2545F4914F6CDD1Dull;

	(void)ctx;
	return stress_walk(p, seeds, pages, ROUNDS, &state);
}

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	suite_stress_main(MARGIN, ROUNDS, "", stress_run, NULL);
	return 0;
}
