/*
 * tests/suites/paging/stats_hist.c - the paging statistics and the
 * timing histograms (Zephyr's test_touch_anon_pages counters,
 * test_user_get_stats, test_user_get_hist), counted exactly: a page's
 * first touch is a zero-fill, a dirty page-out one store write, a clean
 * page-out of a page the store still holds none, a touch of a paged-out
 * page one fault and one store read.  Then the invariants that hold
 * whatever ran before: k_mem_num_pagefaults_get is the fault count, the
 * fault histogram holds one sample per fault and the store histogram
 * one per store read or write, bounds increase.  The payload's own image
 * and stack are pinned so that every count is the test's.
 */
#include "paging_suite.h"

#define PAGES 32

/* The counters as differences b - a. */
struct delta {
	unsigned long faults, zero_fills, page_ins, page_outs, clean, dirty;
	long slots_free;
};

/* The counters moved from a to b. */
static struct delta delta(const struct k_mem_paging_stats *a,
			  const struct k_mem_paging_stats *b)
{
	return (struct delta){
		.faults = b->pagefaults.cnt - a->pagefaults.cnt,
		.zero_fills = b->zero_fills - a->zero_fills,
		.page_ins = b->page_ins - a->page_ins,
		.page_outs = b->page_outs - a->page_outs,
		.clean = b->eviction.clean - a->eviction.clean,
		.dirty = b->eviction.dirty - a->eviction.dirty,
		.slots_free = (long)b->store_slots_free - (long)a->store_slots_free,
	};
}

/* Runs step(p) and returns the counters it moved. */
static struct delta counted(void (*step)(char *), char *p)
{
	struct k_mem_paging_stats a = suite_stats(), b;

	step(p);
	b = suite_stats();
	return delta(&a, &b);
}

/* The steps counted(): rewrite, read, page out the PAGES pages at p. */
static void write_all(char *p)
{
	suite_faults_touching(p, PAGES, true);
}

static void read_all(char *p)
{
	suite_faults_touching(p, PAGES, false);
}

static void page_out(char *p)
{
	k_mem_page_out(p, PAGES * PAGE_SIZE);
}

/* 6 points: each step of a page's life, counted. */
static void lifecycle(char *p)
{
	struct delta d;

	d = counted(write_all, p);
	efimm_test_ok(d.faults == PAGES && d.zero_fills == PAGES && d.page_ins == 0,
		      "first writes: %lu faults, %lu zero-fills, %lu page-ins",
		      d.faults, d.zero_fills, d.page_ins);
	d = counted(page_out, p);
	efimm_test_ok(d.dirty == PAGES && d.page_outs == PAGES &&
		      d.slots_free == -PAGES,
		      "dirty page-out: %lu dirty evictions, %lu store writes, "
		      "%ld slots", d.dirty, d.page_outs, d.slots_free);
	d = counted(read_all, p);
	efimm_test_ok(d.faults == PAGES && d.page_ins == PAGES && d.zero_fills == 0,
		      "reads after page-out: %lu faults, %lu store reads",
		      d.faults, d.page_ins);
	d = counted(page_out, p);
	efimm_test_ok(d.clean == PAGES && d.dirty == 0 && d.page_outs == 0 &&
		      d.slots_free == 0,
		      "clean page-out: %lu clean evictions, %lu store writes "
		      "(the store kept the copies)", d.clean, d.page_outs);
	read_all(p);
	d = counted(write_all, p);
	efimm_test_ok(d.faults == 0, "writes to paged-in pages: %lu faults", d.faults);
	d = counted(page_out, p);
	efimm_test_ok(d.dirty == PAGES && d.page_outs == PAGES && d.slots_free == 0,
		      "rewritten page-out: %lu store writes into the same %d slots "
		      "(%ld)", d.page_outs, PAGES, d.slots_free);
}

/* 2 points: a zero-filled page never written is dropped, not stored. */
static void zero_page(void)
{
	char *q = k_mem_map(PAGES * PAGE_SIZE, K_MEM_PERM_RW);
	struct delta d;

	if (!efimm_test_ok(q != NULL, "k_mem_map of %d more pages", PAGES))
		return;
	read_all(q);
	d = counted(page_out, q);
	efimm_test_ok(d.clean == PAGES && d.page_outs == 0 && d.slots_free == 0,
		      "page-out of zero-filled, never written pages: %lu clean, "
		      "%lu store writes, %ld slots", d.clean, d.page_outs,
		      d.slots_free);
	k_mem_unmap(q, PAGES * PAGE_SIZE);
}

/* Samples in all of h's bins. */
static uint64_t hist_total(const struct k_mem_paging_histogram *h)
{
	uint64_t n = 0;

	for (int i = 0; i < K_MEM_PAGING_HISTOGRAM_BINS; i++)
		n += h->counts[i];
	return n;
}

/* True if h's bin bounds strictly increase. */
static bool hist_bounds_increase(const struct k_mem_paging_histogram *h)
{
	for (int i = 1; i < K_MEM_PAGING_HISTOGRAM_BINS; i++)
		if (h->bounds[i] <= h->bounds[i - 1])
			return false;
	return true;
}

/* 5 points: what holds of the statistics as a whole. */
static void invariants(void)
{
	unsigned long n = k_mem_num_pagefaults_get();
	struct k_mem_paging_stats s = suite_stats();

	efimm_test_ok(n == s.pagefaults.cnt, "k_mem_num_pagefaults_get %lu = "
		      "pagefaults.cnt %lu", n, (unsigned long)s.pagefaults.cnt);
	efimm_test_ok(s.pagefaults.irq_locked + s.pagefaults.irq_unlocked ==
		      s.pagefaults.cnt && s.pagefaults.in_isr == 0,
		      "faults with interrupts off %lu + on %lu = all, none in an ISR",
		      (unsigned long)s.pagefaults.irq_locked,
		      (unsigned long)s.pagefaults.irq_unlocked);
	efimm_test_ok(hist_total(&s.fault_cycles) == s.pagefaults.cnt,
		      "fault histogram: %lu samples, one per fault",
		      (unsigned long)hist_total(&s.fault_cycles));
	efimm_test_ok(hist_total(&s.store_cycles) == s.page_ins + s.page_outs,
		      "store histogram: %lu samples, one per store read or write",
		      (unsigned long)hist_total(&s.store_cycles));
	efimm_test_ok(hist_bounds_increase(&s.fault_cycles) &&
		      hist_bounds_increase(&s.store_cycles),
		      "histogram bounds increase");
}

int main(int argc, char **argv)
{
	char *p;

	(void)argc;
	(void)argv;
	efimm_test_plan(2 + 6 + 2 + 5);
	efimm_test_ok(suite_pin_self(true) == 0, "pin the payload's image and stack");
	p = k_mem_map(PAGES * PAGE_SIZE, K_MEM_PERM_RW);
	if (!efimm_test_ok(p != NULL, "k_mem_map of %d pages", PAGES))
		return 1;
	lifecycle(p);
	k_mem_unmap(p, PAGES * PAGE_SIZE);
	zero_page();
	invariants();
	efimm_paging_stats_print();
	return 0;
}
