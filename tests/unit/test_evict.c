/*
 * tests/unit/test_evict.c - the frame ring and the policies' choices,
 * through the real paging core on the host MMU (tests/host/mmu_host.c).
 */
#include "../../lib/errno.h"
#include "../../mm/evict.h"
#include "../../mm/kmem.h"
#include "../../mm/mm.h"
#include "../../mm/paging.h"
#include "../../mm/pfdb.h"
#include "../host/mmu_host.h"
#include "../host/physmem_host.h"
#include "unit.h"

static const struct mem_range map[] = {
	{ 0x100000, 0x2000000, FW_CONVENTIONAL, MEM_FREE },
};

/* n resident pages of an eager mapping, then paging on with policy. */
static uint8_t *setup(const char *policy, size_t n)
{
	uint8_t *p;

	host_physmem_reset();
	mmu_host_report_accesses(false);
	ck_assert_int_eq(mm_init(map, ARRAY_SIZE(map)), 0);
	p = k_mem_map(n * PAGE_SIZE, K_MEM_PERM_RW);
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(paging_set_policy(policy), 0);
	ck_assert_int_eq(paging_setup(64 * PAGE_SIZE, 0), 0);
	ck_assert_uint_eq(paging_resident(), n);
	return p;
}

static struct page_frame *frame(uint8_t *p, size_t i)
{
	paddr_t ph;

	ck_assert_int_eq(arch_mem_translate((vaddr_t)p + i * PAGE_SIZE, &ph, NULL), 0);
	return pfdb_from_phys(ph);
}

START_TEST(ring_links_and_head)
{
	struct evict_ring r;
	uint8_t *p = setup("clock", 4);

	evict_ring_init(&r);
	ck_assert_ptr_null(evict_ring_head(&r));
	/* the frames are on clock's ring already; use a fresh ring of two
	 * after taking them off it through the policy */
	evict_clock_ops.remove(frame(p, 0));
	evict_clock_ops.remove(frame(p, 1));
	evict_ring_push(&r, frame(p, 0));
	evict_ring_push(&r, frame(p, 1));
	ck_assert_ptr_eq(evict_ring_head(&r), frame(p, 0));
	ck_assert_ptr_eq(evict_ring_next(&r, frame(p, 0)), frame(p, 1));
	ck_assert_ptr_eq(evict_ring_next(&r, frame(p, 1)), frame(p, 0));
	evict_ring_remove(&r, frame(p, 0));
	ck_assert_ptr_eq(evict_ring_head(&r), frame(p, 1));
	ck_assert_uint_eq(r.count, 1);
	evict_ring_remove(&r, frame(p, 1));
	ck_assert_ptr_null(evict_ring_head(&r));
	evict_clock_ops.add(frame(p, 0));
	evict_clock_ops.add(frame(p, 1));
}
END_TEST

/* Exact LRU: with every access reported, the victim is the page used
 * longest ago, whatever the accessed bits say. */
START_TEST(lru_exact_with_reported_accesses)
{
	uint8_t *p = setup("lru", 8);
	struct arch_pte_ref ref;
	bool dirty;

	mmu_host_report_accesses(true);
	for (size_t i = 0; i < 8; i++)
		ck_assert_ptr_nonnull(mmu_host_access((vaddr_t)p + ((i + 3) % 8) * PAGE_SIZE,
						      i == 5, NULL));
	/* order of use: 3 4 5 6 7 0 1 2 -> LRU is 3 */
	ck_assert_ptr_eq(evict_lru_ops.select(&dirty, &ref), frame(p, 3));
	ck_assert(!dirty);
	ck_assert_ptr_nonnull(mmu_host_access((vaddr_t)p + 3 * PAGE_SIZE, false, NULL));
	ck_assert_ptr_eq(evict_lru_ops.select(&dirty, &ref), frame(p, 4));
	mmu_host_report_accesses(false);
}
END_TEST

/* Clock: accessed pages are skipped once, and their bit is cleared. */
START_TEST(clock_skips_accessed_once)
{
	uint8_t *p = setup("clock", 4);
	struct arch_pte_ref ref;
	bool dirty;

	ck_assert_ptr_nonnull(mmu_host_access((vaddr_t)p, true, NULL));
	ck_assert_ptr_eq(evict_clock_ops.select(&dirty, &ref), frame(p, 1));
	ck_assert(!dirty);
	ck_assert(!(arch_page_info_get((vaddr_t)p, NULL, false) &
		    ARCH_DATA_PAGE_ACCESSED));
	ck_assert(arch_page_info_get((vaddr_t)p, NULL, false) & ARCH_DATA_PAGE_DIRTY);
}
END_TEST

/* NRU prefers not-accessed clean, then not-accessed dirty. */
START_TEST(nru_prefers_lowest_class)
{
	uint8_t *p = setup("nru", 4);
	struct arch_pte_ref ref;
	bool dirty;

	/* A cleared on all by a first scan (every page is class 0 here) */
	ck_assert_ptr_eq(evict_nru_ops.select(&dirty, &ref), frame(p, 0));
	/* as paging does with a victim: off the ring (it comes back at the
	 * tail when faulted in again); the next scan starts after it */
	evict_nru_ops.remove(frame(p, 0));
	evict_nru_ops.add(frame(p, 0));
	ck_assert_ptr_nonnull(mmu_host_access((vaddr_t)p + 1 * PAGE_SIZE, true, NULL));
	ck_assert_ptr_nonnull(mmu_host_access((vaddr_t)p + 2 * PAGE_SIZE, true, NULL));
	ck_assert_ptr_nonnull(mmu_host_access((vaddr_t)p + 3 * PAGE_SIZE, false, NULL));
	ck_assert_ptr_nonnull(mmu_host_access((vaddr_t)p + 0 * PAGE_SIZE, false, NULL));
	/* scan order 1 2 3 0, classes A+D A+D A A: the first lowest is 3 */
	ck_assert_ptr_eq(evict_nru_ops.select(&dirty, &ref), frame(p, 3));
	ck_assert(!dirty);
}
END_TEST

static Suite *evict_suite(void)
{
	Suite *s = suite_create("evict");
	TCase *tc = tcase_create("evict");

	tcase_add_test(tc, ring_links_and_head);
	tcase_add_test(tc, lru_exact_with_reported_accesses);
	tcase_add_test(tc, clock_skips_accessed_once);
	tcase_add_test(tc, nru_prefers_lowest_class);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_SUITE(evict_suite)
