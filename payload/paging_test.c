/*
 * payload/paging_test.c - demand paging seen from a payload, one
 * scenario per run, chosen by the first argument:
 *
 *   run paging_test.elf arena PAGES   touch an arena larger than memory,
 *                                     check every byte; evictions clean
 *                                     and dirty
 *   run paging_test.elf api           page-out/page-in/pin/unpin fault
 *                                     counts, a page-out larger than the
 *                                     store, unmap frees store slots
 *   run paging_test.elf stress PAGES ROUNDS
 *                                     checksummed data, random reads and
 *                                     writes, counts back after unmap
 *   run paging_test.elf unmapped      touches a page after k_mem_unmap:
 *                                     must end in the fatal report
 *   run paging_test.elf ptdump        pages 4..11 of 16 paged out, then
 *                                     efimm's live tables printed: they
 *                                     show as one "swapped" run
 *   run paging_test.elf oom           two lazy maps that fit one at a time,
 *                                     touched together: must end in "out
 *                                     of backing store"
 *   run paging_test.elf pinmore       k_mem_pin of more pages than there
 *                                     are frames: -ENOMEM, nothing changed
 *   run paging_test.elf stackout      pages out / evicts the page its own
 *                                     stack is on, then the whole stack:
 *                                     everything comes back intact
 *
 * Prints "paging_test: PASS" and exits 0, or "paging_test: FAIL: ..."
 * and exits 1.  Run with mem= small enough to force eviction.
 */
#include "efimm.h"
#include "stress.h"

#define PAGES_OF(bytes) (((bytes) + PAGE_SIZE - 1) / PAGE_SIZE)

static int failures;

#define CHECK(cond, ...)                                          \
	do {                                                      \
		if (!(cond)) {                                    \
			printk("paging_test: FAIL: " __VA_ARGS__);  \
			printk("\n");                             \
			failures++;                               \
		}                                                 \
	} while (0)

static struct k_mem_paging_stats stats(void)
{
	struct k_mem_paging_stats s;

	k_mem_paging_stats_get(&s);
	return s;
}

/* The word every page i holds in round r: cheap and never 0. */
static uint64_t sig(size_t i, uint64_t r)
{
	return (i * 0x9E3779B97F4A7C15ull) ^ (r << 48) ^ 0x5a5a;
}

static void fill(uint8_t *p, size_t pages, uint64_t r)
{
	for (size_t i = 0; i < pages; i++) {
		uint64_t *w = (uint64_t *)(p + i * PAGE_SIZE);

		w[0] = sig(i, r);
		w[PAGE_SIZE / 8 - 1] = ~sig(i, r);
	}
}

static size_t verify(const uint8_t *p, size_t pages, uint64_t r)
{
	size_t bad = 0;

	for (size_t i = 0; i < pages; i++) {
		const uint64_t *w = (const uint64_t *)(p + i * PAGE_SIZE);

		bad += w[0] != sig(i, r) || w[PAGE_SIZE / 8 - 1] != ~sig(i, r);
	}
	return bad;
}

static long arg_long(int argc, char **argv, int i, long def)
{
	long v;

	if (i < argc && efimm_parse_int(argv[i], &v) == 0)
		return v;
	return def;
}

static void scenario_arena(size_t pages)
{
	struct k_mem_paging_stats s;
	size_t free0 = k_mem_free_get();
	uint8_t *p = k_mem_map(pages * PAGE_SIZE, K_MEM_PERM_RW);

	CHECK(p != NULL, "k_mem_map of %zu pages", pages);
	if (!p)
		return;
	printk("paging_test: arena of %zu pages, %zu frames free\n", pages,
	       free0 / PAGE_SIZE);
	CHECK(pages * PAGE_SIZE > free0, "arena fits in free memory");
	fill(p, pages, 1);
	CHECK(verify(p, pages, 1) == 0, "first read-back");
	CHECK(verify(p, pages, 1) == 0, "second read-back");
	s = stats();
	printk("paging_test: faults %lu, evictions clean %lu dirty %lu\n",
	       (unsigned long)s.pagefaults.cnt, (unsigned long)s.eviction.clean,
	       (unsigned long)s.eviction.dirty);
	CHECK(s.pagefaults.cnt >= pages, "faults %lu", (unsigned long)s.pagefaults.cnt);
	CHECK(s.eviction.clean > 0, "no clean eviction");
	CHECK(s.eviction.dirty > 0, "no dirty eviction");
	CHECK(k_mem_unmap(p, pages * PAGE_SIZE) == 0, "unmap");
}

/* Faults taken while reading every page of [p, p+pages). */
static unsigned long faults_reading(const uint8_t *p, size_t pages)
{
	unsigned long f0 = k_mem_num_pagefaults_get();
	volatile const uint8_t *v = p;

	for (size_t i = 0; i < pages; i++)
		(void)v[i * PAGE_SIZE];
	return k_mem_num_pagefaults_get() - f0;
}

static void api_page_out_in(uint8_t *p, size_t n)
{
	fill(p, n, 2);
	CHECK(k_mem_page_out(p, n * PAGE_SIZE) == 0, "page_out");
	CHECK(faults_reading(p, n) == n, "after page_out: not %zu faults", n);
	CHECK(k_mem_page_out(p, n * PAGE_SIZE) == 0, "page_out again");
	CHECK(k_mem_page_in(p, n * PAGE_SIZE) == 0, "page_in");
	CHECK(faults_reading(p, n) == 0, "after page_in: faults");
	CHECK(verify(p, n, 2) == 0, "data after page-out/in");
}

static void api_pin(uint8_t *p, size_t n, uint8_t *churn, size_t cn)
{
	unsigned long f;

	CHECK(k_mem_pin(p, n * PAGE_SIZE) == 0, "pin");
	CHECK(k_mem_page_out(p, PAGE_SIZE) == -EBUSY, "page_out of a pinned page");
	fill(churn, cn, 3);
	CHECK(verify(churn, cn, 3) == 0, "churn read-back");
	f = faults_reading(p, n);
	CHECK(f == 0, "pinned pages took %lu faults", f);
	CHECK(k_mem_unpin(p, n * PAGE_SIZE) == 0, "unpin");
	CHECK(k_mem_page_out(p, n * PAGE_SIZE) == 0, "page_out after unpin");
	CHECK(faults_reading(p, n) == n, "unpinned pages did not fault");
}

/* A page-out larger than the store: -ENOMEM and nothing changed. */
static void api_too_big(uint8_t *big, size_t bn)
{
	struct k_mem_paging_stats a, b;
	size_t free0;

	fill(big, bn, 4);
	a = stats();
	free0 = k_mem_free_get();
	CHECK(k_mem_page_out(big, bn * PAGE_SIZE) == -ENOMEM,
	      "page-out beyond the store");
	b = stats();
	CHECK(b.store_slots_free == a.store_slots_free, "store changed");
	CHECK(b.eviction.clean + b.eviction.dirty ==
	      a.eviction.clean + a.eviction.dirty, "something was evicted");
	CHECK(k_mem_free_get() == free0, "free memory changed");
	CHECK(verify(big, bn, 4) == 0, "data after refused page-out");
}

/* Paged-out pages give their slots back at unmap. */
static void api_unmap_frees_slots(size_t n)
{
	struct k_mem_paging_stats a = stats(), b;
	uint8_t *p = k_mem_map(n * PAGE_SIZE, K_MEM_PERM_RW);

	CHECK(p != NULL, "map");
	if (!p)
		return;
	fill(p, n, 5);
	CHECK(k_mem_page_out(p, n * PAGE_SIZE) == 0, "page_out");
	b = stats();
	CHECK(b.store_slots_free <= a.store_slots_free - n, "slots not used");
	CHECK(k_mem_unmap(p, n * PAGE_SIZE) == 0, "unmap");
	b = stats();
	CHECK(b.store_slots_free == a.store_slots_free,
	      "unmap left %lu slots used",
	      (unsigned long)(a.store_slots_free - b.store_slots_free));
}

static void scenario_api(void)
{
	struct k_mem_paging_stats s = stats();
	size_t frames = k_mem_free_get() / PAGE_SIZE;
	size_t slots = s.store_slots, cn = frames + frames / 2;
	uint8_t *p = k_mem_map(16 * PAGE_SIZE, K_MEM_PERM_RW);
	uint8_t *churn = k_mem_map(cn * PAGE_SIZE, K_MEM_PERM_RW);
	uint8_t *big = k_mem_map((slots + 8) * PAGE_SIZE, K_MEM_PERM_RW);

	printk("paging_test: %zu frames free, %zu store slots\n", frames, slots);
	CHECK(p && churn && big, "maps");
	if (!p || !churn || !big)
		return;
	api_page_out_in(p, 16);
	api_pin(p, 8, churn, cn);
	CHECK(k_mem_unmap(churn, cn * PAGE_SIZE) == 0, "unmap churn");
	CHECK(k_mem_unmap(p, 16 * PAGE_SIZE) == 0, "unmap");
	if (slots + 8 < frames)
		api_too_big(big, slots + 8);
	else
		printk("paging_test: store larger than memory; skipping the "
		       "too-big page-out\n");
	CHECK(k_mem_unmap(big, (slots + 8) * PAGE_SIZE) == 0, "unmap big");
	api_unmap_frees_slots(slots / 2);
}

extern char __payload_text[], __payload_end[];

/* [*bottom, *top): the payload's stack, every page of it resident now
 * (walked down to the guard page from the current frame). */
static void stack_range(uintptr_t *bottom, uintptr_t *top)
{
	const struct efimm_boot *b = efimm_boot();
	const char *last = b->argv[b->argc - 1];
	uintptr_t sp = (uintptr_t)&b / PAGE_SIZE * PAGE_SIZE;

	*top = PAGES_OF((uintptr_t)last + strlen(last) + 1) * PAGE_SIZE;
	while (k_mem_translate((void *)(sp - PAGE_SIZE), NULL, NULL) == 0)
		sp -= PAGE_SIZE;
	*bottom = sp;
}

/*
 * The payload's own image and stack are pageable too; the stress run
 * pins them so that what it counts in the store afterwards is its
 * arena's alone.  The stack's top is the page end just above the argv
 * strings efimm put there; its bottom is found by walking down to the
 * guard page (before any eviction, every stack page is resident).
 */
static void own_pages(bool pin)
{
	uintptr_t img = (uintptr_t)__payload_text, sp, top;
	size_t img_size = PAGES_OF((uintptr_t)__payload_end - img) * PAGE_SIZE;

	stack_range(&sp, &top);
	if (pin) {
		CHECK(k_mem_pin((void *)img, img_size) == 0, "pin of the image");
		CHECK(k_mem_pin((void *)sp, top - sp) == 0, "pin of the stack");
	} else {
		CHECK(k_mem_unpin((void *)img, img_size) == 0, "unpin of the image");
		CHECK(k_mem_unpin((void *)sp, top - sp) == 0, "unpin of the stack");
	}
}

/* xorshift64's state: the same sequence every run, so a failure repeats. */
static uint64_t rng_state = 0x2545F4914F6CDD1Dull;

static void scenario_stress(size_t pages, long rounds)
{
	size_t seed_bytes = PAGES_OF(pages * 8) * PAGE_SIZE, free0, bad;
	uint64_t *seeds = k_mem_map(seed_bytes, K_MEM_PERM_RW | K_MEM_MAP_LOCK);
	struct k_mem_paging_stats a, b;
	uint8_t *p;

	CHECK(seeds != NULL, "map of the seeds");
	if (!seeds)
		return;
	own_pages(true);
	a = stats();
	free0 = k_mem_free_get();
	p = k_mem_map(pages * PAGE_SIZE, K_MEM_PERM_RW);
	CHECK(p != NULL, "map of the arena");
	if (!p)
		return;
	printk("paging_test: stress over %zu pages (%zu frames free), %ld steps\n",
	       pages, free0 / PAGE_SIZE, rounds);
	bad = stress_walk(p, seeds, pages, rounds, &rng_state);
	b = stats();
	printk("paging_test: stress: %zu mismatches, faults %lu, evictions "
	       "clean %lu dirty %lu\n", bad,
	       (unsigned long)(b.pagefaults.cnt - a.pagefaults.cnt),
	       (unsigned long)(b.eviction.clean - a.eviction.clean),
	       (unsigned long)(b.eviction.dirty - a.eviction.dirty));
	CHECK(bad == 0, "%zu mismatches", bad);
	CHECK(k_mem_unmap(p, pages * PAGE_SIZE) == 0, "unmap");
	b = stats();
	printk("paging_test: after unmap: %zu KiB free (was %zu), %lu of %lu "
	       "slots free (was %lu)\n", k_mem_free_get() >> 10, free0 >> 10,
	       (unsigned long)b.store_slots_free, (unsigned long)b.store_slots,
	       (unsigned long)a.store_slots_free);
	CHECK(b.store_slots_free == a.store_slots_free, "store slots changed");
	CHECK(k_mem_free_get() == free0, "free memory changed");
	own_pages(false);
	CHECK(k_mem_unmap(seeds, seed_bytes) == 0, "unmap seeds");
}

static void scenario_unmapped(void)
{
	uint8_t *p = k_mem_map(4 * PAGE_SIZE, K_MEM_PERM_RW);
	volatile uint8_t *v = p;

	fill(p, 4, 6);
	k_mem_page_out(p, 4 * PAGE_SIZE);
	CHECK(k_mem_unmap(p, 4 * PAGE_SIZE) == 0, "unmap");
	printk("paging_test: touching %p after unmap\n", (void *)p);
	EFIMM_LAUNDER(v);
	v[PAGE_SIZE] = 1;
	printk("paging_test: FAIL: the access after unmap did not fault\n");
	failures++;
}

/* Each map fits memory plus store; both together do not. */
static void scenario_oom(void)
{
	struct k_mem_paging_stats s = stats();
	size_t n = k_mem_free_get() / PAGE_SIZE + s.store_slots_free - 16;
	uint8_t *a = k_mem_map(n * PAGE_SIZE, K_MEM_PERM_RW);
	uint8_t *b = k_mem_map(n * PAGE_SIZE, K_MEM_PERM_RW);

	CHECK(a && b, "maps of %zu pages", n);
	if (!a || !b)
		return;
	printk("paging_test: writing 2 x %zu pages\n", n);
	fill(a, n, 7);
	fill(b, n, 7);
	printk("paging_test: FAIL: no fault was refused\n");
	failures++;
}

/* Pinning more pages than there are frames is refused whole. */
static void scenario_pinmore(void)
{
	size_t frames = k_mem_free_get() / PAGE_SIZE, n = frames + 100;
	uint8_t *p = k_mem_map(n * PAGE_SIZE, K_MEM_PERM_RW);
	struct k_mem_paging_stats a, b;
	size_t free0;
	int ret;

	CHECK(p != NULL, "map of %zu pages", n);
	if (!p)
		return;
	fill(p, 64, 8);
	a = stats();
	free0 = k_mem_free_get();
	printk("paging_test: pinning %zu pages with %zu frames free\n", n, frames);
	ret = k_mem_pin(p, n * PAGE_SIZE);
	b = stats();
	CHECK(ret == -ENOMEM, "pin of %zu pages returned %d", n, ret);
	CHECK(k_mem_free_get() == free0, "free memory changed");
	CHECK(b.eviction.clean + b.eviction.dirty ==
	      a.eviction.clean + a.eviction.dirty, "something was evicted");
	CHECK(verify(p, 64, 8) == 0, "data after the refused pin");
	CHECK(k_mem_page_out(p, 64 * PAGE_SIZE) == 0, "pages left pinned");
	CHECK(k_mem_pin(p, 8 * PAGE_SIZE) == 0, "a pin that fits");
	CHECK(k_mem_unpin(p, 8 * PAGE_SIZE) == 0, "unpin");
	CHECK(k_mem_unmap(p, n * PAGE_SIZE) == 0, "unmap");
}

/* The page this very function's stack frame is on, paged out and evicted
 * while efimm serves the call; then the whole stack. */
static void scenario_stackout(void)
{
	volatile uint64_t mark[64];
	uintptr_t page = (uintptr_t)mark / PAGE_SIZE * PAGE_SIZE, bottom, top;
	uint64_t phys;
	int ret;

	for (size_t i = 0; i < 64; i++)
		mark[i] = sig(i, 11);
	stack_range(&bottom, &top);
	ret = k_mem_page_out((void *)page, PAGE_SIZE);
	CHECK(ret == 0, "page-out of the stack page: %d", ret);
	CHECK(k_mem_translate((void *)page, &phys, NULL) == 0, "translate");
	ret = k_mem_page_frame_evict(phys);
	CHECK(ret == 0, "eviction of the stack page's frame: %d", ret);
	ret = k_mem_page_out((void *)bottom, top - bottom);
	CHECK(ret == 0, "page-out of the whole stack (%zu pages): %d",
	      (size_t)(top - bottom) / PAGE_SIZE, ret);
	for (size_t i = 0; i < 64; i++)
		CHECK(mark[i] == sig(i, 11), "stack word %zu changed", i);
	printk("paging_test: stack paged out and back, %lu faults\n",
	       (unsigned long)k_mem_num_pagefaults_get());
}

static void scenario_ptdump(void)
{
	uint8_t *p = k_mem_map(16 * PAGE_SIZE, K_MEM_PERM_RW);

	CHECK(p != NULL, "k_mem_map");
	if (!p)
		return;
	fill(p, 16, 5);
	CHECK(k_mem_page_out(p + 4 * PAGE_SIZE, 8 * PAGE_SIZE) == 0, "page_out");
	printk("paging_test: paged out %p-%p\n", p + 4 * PAGE_SIZE,
	       p + 12 * PAGE_SIZE - 1);
	efimm_ptdump();
	CHECK(verify(p, 16, 5) == 0, "data after page-out");
	CHECK(k_mem_unmap(p, 16 * PAGE_SIZE) == 0, "unmap");
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";

	if (!strcmp(mode, "arena"))
		scenario_arena((size_t)arg_long(argc, argv, 2, 4096));
	else if (!strcmp(mode, "api"))
		scenario_api();
	else if (!strcmp(mode, "stress"))
		scenario_stress((size_t)arg_long(argc, argv, 2, 4096),
				arg_long(argc, argv, 3, 20000));
	else if (!strcmp(mode, "unmapped"))
		scenario_unmapped();
	else if (!strcmp(mode, "oom"))
		scenario_oom();
	else if (!strcmp(mode, "ptdump"))
		scenario_ptdump();
	else if (!strcmp(mode, "pinmore"))
		scenario_pinmore();
	else if (!strcmp(mode, "stackout"))
		scenario_stackout();
	else {
		printk("paging_test: unknown scenario \"%s\"\n", mode);
		return 2;
	}
	efimm_paging_stats_print();
	printk("paging_test: %s\n", failures ? "FAIL" : "PASS");
	return failures ? 1 : 0;
}
