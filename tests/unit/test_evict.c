/*
 * tests/unit/test_evict.c - the frame ring and the policies' choices,
 * through the real paging core on the host MMU (tests/host/mmu_host.c).
 */
#include <string.h>

#include "../../lib/errno.h"
#include "../../mm/evict.h"
#include "../../mm/kmem.h"
#include "../../mm/mm.h"
#include "../../mm/paging.h"
#include "../../mm/pfdb.h"
#include "../../mm/pgarray.h"
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
	size_t free0 = pfdb_free_count();

	ck_assert_int_eq(evict_ring_init(&r, pfdb_frame_count()), 0);
	/* two 32-bit links per frame of the database */
	ck_assert_uint_eq(pgarray_frames(&r.links),
			  free0 - pfdb_free_count());
	ck_assert_uint_le(pgarray_frames(&r.links) * PAGE_SIZE,
			  pfdb_frame_count() * 8 + 2 * PAGE_SIZE);
	ck_assert_ptr_null(evict_ring_head(&r));
	evict_ring_push(&r, frame(p, 0));
	evict_ring_push(&r, frame(p, 1));
	ck_assert_ptr_eq(evict_ring_head(&r), frame(p, 0));
	ck_assert_ptr_eq(evict_ring_next(&r, frame(p, 0)), frame(p, 1));
	ck_assert_ptr_eq(evict_ring_next(&r, frame(p, 1)), frame(p, 0));
	ck_assert_ptr_eq(evict_ring_prev(&r, frame(p, 0)), frame(p, 1));
	evict_ring_remove(&r, frame(p, 0));
	ck_assert_ptr_eq(evict_ring_head(&r), frame(p, 1));
	ck_assert_uint_eq(r.count, 1);
	evict_ring_remove(&r, frame(p, 1));
	ck_assert_ptr_null(evict_ring_head(&r));
	evict_ring_release(&r);
	ck_assert_uint_eq(pfdb_free_count(), free0);
	ck_assert_int_eq(evict_ring_init(&r, EVICT_NIL), -ENOMEM);
	ck_assert_uint_eq(pfdb_free_count(), free0);
}
END_TEST

/* The set at its limits: the last frame number, both ends of a word and
 * of a level-1 word, wrapping both ways, a size not a multiple of 64. */
START_TEST(set_limits_and_wrapping)
{
	static const size_t nframes = 3 * 4096 + 70;
	static const size_t members[] = { 0, 63, 64, 4095, 4096, 8191,
					  nframes - 1 };
	struct evict_set s;
	size_t free0;

	setup("clock", 1);
	free0 = pfdb_free_count();
	ck_assert_int_eq(evict_set_init(&s, nframes), 0);
	ck_assert_uint_eq(evict_set_next(&s, 0), EVICT_SET_NONE);
	ck_assert_uint_eq(evict_set_prev(&s, 0), EVICT_SET_NONE);
	for (size_t k = 0; k < ARRAY_SIZE(members); k++)
		evict_set_add(&s, members[k]);
	ck_assert_uint_eq(s.count, ARRAY_SIZE(members));
	for (size_t k = 0; k < ARRAY_SIZE(members); k++) {
		size_t m = members[k];
		size_t nx = members[(k + 1) % ARRAY_SIZE(members)];
		size_t pv = members[(k + ARRAY_SIZE(members) - 1) %
				    ARRAY_SIZE(members)];

		ck_assert(evict_set_has(&s, m));
		ck_assert_uint_eq(evict_set_next(&s, m), m);
		ck_assert_uint_eq(evict_set_next(&s, m + 1), nx);
		ck_assert_uint_eq(evict_set_prev(&s, m), pv);
		ck_assert_uint_eq(evict_set_prev(&s, m + 1), m);
	}
	ck_assert_uint_eq(evict_set_next(&s, nframes), 0);       /* wraps */
	ck_assert_uint_eq(evict_set_prev(&s, nframes), nframes - 1);
	ck_assert(!evict_set_has(&s, nframes));
	evict_set_del(&s, 0);
	evict_set_del(&s, nframes - 1);
	ck_assert_uint_eq(evict_set_next(&s, 8192), 63);         /* wraps */
	ck_assert_uint_eq(evict_set_prev(&s, 63), 8191);         /* wraps */
	for (size_t k = 1; k + 1 < ARRAY_SIZE(members); k++)
		evict_set_del(&s, members[k]);
	ck_assert_uint_eq(evict_set_next(&s, 5), EVICT_SET_NONE);
	evict_set_add(&s, nframes - 1);                 /* the only one */
	ck_assert_uint_eq(evict_set_next(&s, 0), nframes - 1);
	ck_assert_uint_eq(evict_set_prev(&s, 0), nframes - 1);
	ck_assert_uint_eq(evict_set_next(&s, nframes - 1), nframes - 1);
	/* one bit per frame and one per 64, in whole frames */
	ck_assert_uint_eq(pgarray_frames(&s.words), 2);
	evict_set_release(&s);
	ck_assert_uint_eq(pfdb_free_count(), free0);
}
END_TEST

/* What each policy keeps per frame of RAM: clock and nru a bit (the
 * 16-byte records every policy used to cost fail this), lru 8 bytes. */
START_TEST(policy_bytes_per_frame)
{
	static const char *const names[] = { "clock", "nru", "lru" };
	size_t frames;

	for (size_t k = 0; k < ARRAY_SIZE(names); k++) {
		setup(names[k], 4);
		frames = pfdb_frame_count();
		if (strcmp(names[k], "lru") == 0) {
			ck_assert_uint_le(paging_policy_bytes(),
					  8 * frames + 2 * PAGE_SIZE);
			ck_assert_uint_ge(paging_policy_bytes(), 8 * frames);
		} else {
			ck_assert_uint_le(paging_policy_bytes(),
					  frames / 8 + frames / 512 + 2 * PAGE_SIZE);
		}
		ck_assert_uint_le(paging_policy_bytes(),
				  PAGING_FRAME_BYTES_MAX * frames + 2 * PAGE_SIZE);
		paging_teardown();
		ck_assert_uint_eq(paging_policy_bytes(), 0);
	}
}
END_TEST

/* Switching policies while paging is on moves the frames, and the
 * per-frame state with them: the old policy's frames go back. */
START_TEST(switch_policy_moves_frames)
{
	uint8_t *p = setup("clock", 4);
	size_t free0 = pfdb_free_count(), clock_bytes = paging_policy_bytes();
	struct arch_pte_ref ref;
	bool dirty;

	ck_assert_int_eq(paging_set_policy("lru"), 0);
	ck_assert_str_eq(paging_policy_name(), "lru");
	ck_assert_uint_eq(paging_resident(), 4);
	ck_assert_uint_gt(paging_policy_bytes(), clock_bytes);
	ck_assert_uint_eq(pfdb_free_count() + (paging_policy_bytes() -
			  clock_bytes) / PAGE_SIZE, free0);
	ck_assert_ptr_eq(evict_lru_ops.select(&dirty, &ref), frame(p, 0));
	ck_assert_int_eq(paging_set_policy("nru"), 0);
	ck_assert_uint_eq(paging_policy_bytes(), clock_bytes);
	ck_assert_uint_eq(pfdb_free_count(), free0);
	ck_assert_ptr_eq(evict_nru_ops.select(&dirty, &ref), frame(p, 0));
	ck_assert_int_eq(k_mem_unmap(p, 4 * PAGE_SIZE), 0);
	ck_assert_uint_eq(paging_resident(), 0);
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
	tcase_add_test(tc, set_limits_and_wrapping);
	tcase_add_test(tc, policy_bytes_per_frame);
	tcase_add_test(tc, switch_policy_moves_frames);
	tcase_add_test(tc, lru_exact_with_reported_accesses);
	tcase_add_test(tc, clock_skips_accessed_once);
	tcase_add_test(tc, nru_prefers_lowest_class);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_SUITE(evict_suite)
