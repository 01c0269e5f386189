/*
 * tests/suites/smp/torture.c - TLB coherence under paging (README
 * "Multiple CPUs"): the boot CPU rewrites PAGES pages with a new version
 * tag each round and pages each one out, then touches a pressure page
 * (zero-fill or page-in, then paged out again) that takes the frame just
 * freed; then, ROUNDS more times, it rewrites all PAGES pages and pages
 * them out in one call (one batched TLB round), and PAGES pressure pages
 * take the frames; every other CPU reads the pages all the while and checks each
 * page's index and that its version never goes back.  With TLB
 * shootdowns no reader ever sees a stale frame; under the fault-injection
 * option shootdown=off the readers keep old translations and read the
 * frames' new contents - the boot test expects this payload to fail then.
 * Needs 2 CPUs or more (skips on one).
 */
#include "efimm.h"

#define PAGES  16
#define ROUNDS 8
#define WORDS  (4096 / 8)
#define PRESSURE_TAG 0x5054555255ULL    /* what the pressure page holds */

static uint64_t *pages, *pressure;     /* pressure: PAGES pages */
static volatile int done;
static volatile uint64_t stale[EFIMM_MAX_CPUS], reads[EFIMM_MAX_CPUS];

/* Word 0: the page's index; every other word: its version. */
static void write_page(int i, uint64_t version)
{
	uint64_t *p = pages + (size_t)i * WORDS;

	for (int w = 1; w < WORDS; w++)
		p[w] = version;
	p[0] = (uint64_t)i;
}

/* One reader's check of page i; *last: the newest version it saw. */
static bool read_ok(int i, uint64_t *last)
{
	volatile uint64_t *p = pages + (size_t)i * WORDS;
	uint64_t idx = p[0], v = p[WORDS - 1];

	if (idx != (uint64_t)i || v < *last || v > 2 * ROUNDS)
		return false;
	*last = v;
	return true;
}

static void reader(void *arg)
{
	int me = efimm_cpu_id();
	uint64_t last[PAGES] = { 0 };

	(void)arg;
	while (!__atomic_load_n(&done, __ATOMIC_ACQUIRE))
		for (int i = 0; i < PAGES; i++) {
			if (!read_ok(i, &last[i]))
				stale[me]++;
			reads[me]++;
		}
}

/* Takes the frames the last page-out freed (n pressure pages), writes
 * over them, lets them go. */
static void press(int n)
{
	for (int w = 0; w < n * WORDS; w++)
		pressure[w] = PRESSURE_TAG;
	k_mem_page_out(pressure, (size_t)n * 4096);
}

/* Versions 1..ROUNDS page by page; ROUNDS+1..2*ROUNDS all pages at once. */
static void writer(void)
{
	for (uint64_t v = 1; v <= ROUNDS; v++)
		for (int i = 0; i < PAGES; i++) {
			write_page(i, v);
			k_mem_page_out(pages + (size_t)i * WORDS, 4096);
			press(1);
		}
	for (uint64_t v = ROUNDS + 1; v <= 2 * ROUNDS; v++) {
		for (int i = 0; i < PAGES; i++)
			write_page(i, v);
		k_mem_page_out(pages, PAGES * 4096);
		press(PAGES);
	}
}

int main(void)
{
	int n = efimm_cpu_count();
	uint64_t total = 0, bad = 0;

	efimm_test_plan(3);
	if (n < 2) {
		efimm_test_skip("one CPU online: nothing to be coherent with");
		efimm_test_skip("one CPU online");
		efimm_test_skip("one CPU online");
		return 0;
	}
	pages = k_mem_map(PAGES * 4096, K_MEM_PERM_RW);
	pressure = k_mem_map(PAGES * 4096, K_MEM_PERM_RW);
	efimm_test_ok(pages && pressure, "%d pages and %d pressure pages", PAGES, PAGES);
	for (int i = 0; i < PAGES; i++)
		write_page(i, 0);
	for (int c = 1; c < n; c++)
		efimm_smp_start(c, reader, 0);
	writer();
	__atomic_store_n(&done, 1, __ATOMIC_RELEASE);
	for (int c = 1; c < n; c++) {
		efimm_smp_wait(c);
		total += reads[c];
		bad += stale[c];
	}
	printk("torture: %lu reads by %d CPUs, %lu stale\n", (unsigned long)total,
	       n - 1, (unsigned long)bad);
	efimm_test_ok(total > 0, "the readers read (%lu)", (unsigned long)total);
	efimm_test_ok(bad == 0, "no stale reads (%lu of %lu)", (unsigned long)bad,
		      (unsigned long)total);
	return 0;
}
