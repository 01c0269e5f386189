/*
 * tests/unit/test_paging.c - demand paging on the real frame database,
 * page tables, policies and RAM backing store; the host MMU
 * (tests/host/mmu_host.c) sets A/D bits and routes faults to
 * paging_fault as the target's #PF does.
 */
#include <setjmp.h>
#include <stddef.h>
#include <string.h>

#include "../../arch/x86_64/machine.h"
#include "../../arch/x86_64/trap_pf.h"
#include "../../lib/errno.h"
#include "../../mm/evict.h"
#include "../../mm/fault.h"
#include "../../mm/kmem.h"
#include "../../mm/mm.h"
#include "../../mm/mm_lock.h"
#include "../../mm/paging_int.h"
#include "../../mm/paging.h"
#include "../../mm/paging_int.h"
#include "../../mm/pfdb.h"
#include "../../mm/swap.h"
#include "../host/kstack_host.h"
#include "../host/mmu_host.h"
#include "../host/physmem_host.h"
#include "../host/trap_resume_host.h"
#include "unit.h"

#define POOL   64      /* frames left to paging (mem=) */
#define SLOTS  256     /* backing-store slots (swap=) */

static const struct mem_range map[] = {
	{ 0x1000, 0x9f000, FW_CONVENTIONAL, MEM_FREE },
	{ 0x100000, 0x4000000, FW_CONVENTIONAL, MEM_FREE },
};

static void setup_with(const char *policy, size_t pool, size_t slots)
{
	host_physmem_reset();
	mmu_host_report_accesses(false);
	ck_assert_int_eq(mm_init(map, ARRAY_SIZE(map)), 0);
	ck_assert_int_eq(paging_set_policy(policy), 0);
	ck_assert_int_eq(paging_setup(slots * PAGE_SIZE, pool * PAGE_SIZE), 0);
	ck_assert_uint_eq(pfdb_free_count(), pool);
}

static void setup(void)
{
	setup_with("clock", POOL, SLOTS);
}

static uint8_t *acc(void *base, size_t page, bool write)
{
	int err;
	uint8_t *p = mmu_host_access((vaddr_t)base + page * PAGE_SIZE, write, &err);

	ck_assert_msg(p != NULL, "access to page %zu failed: %d", page, err);
	return p;
}

/* Writes a page's signature (its index and a round) at both ends. */
static void put(void *base, size_t page, uint32_t round)
{
	uint32_t v = (uint32_t)page * 2654435761u ^ round;

	memcpy(acc(base, page, true), &v, sizeof(v));
	memcpy(acc(base, page, true) + PAGE_SIZE - sizeof(v), &v, sizeof(v));
}

static void check(void *base, size_t page, uint32_t round)
{
	uint32_t v = (uint32_t)page * 2654435761u ^ round, a, b;

	memcpy(&a, acc(base, page, false), sizeof(a));
	memcpy(&b, acc(base, page, false) + PAGE_SIZE - sizeof(b), sizeof(b));
	ck_assert_uint_eq(a, v);
	ck_assert_uint_eq(b, v);
}

/* Writes pages 0, 1, ... until no frame is free; returns how many. */
static size_t fill_pool(void *base, uint32_t round)
{
	size_t i = 0;

	while (pfdb_free_count() > 0)
		put(base, i++, round);
	return i;
}

static struct k_mem_paging_stats stats(void)
{
	struct k_mem_paging_stats s;

	k_mem_paging_stats_get(&s);
	return s;
}

static bool resident(void *base, size_t page)
{
	return arch_page_info_get((vaddr_t)base + page * PAGE_SIZE, NULL,
				  false) & ARCH_DATA_PAGE_LOADED;
}

START_TEST(lazy_map_takes_no_frame_and_zero_fills)
{
	size_t free0, pt0;
	uint8_t *p;

	setup();
	free0 = pfdb_free_count();
	pt0 = mm_pt_pages();
	p = k_mem_map(8 * PAGE_SIZE, K_MEM_PERM_RW);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(arch_page_info_get((vaddr_t)p, NULL, false), 0);
	ck_assert_str_eq(paging_classify((vaddr_t)p), "not yet populated");
	ck_assert_str_eq(paging_classify((vaddr_t)p - 1), "unmapped");
	ck_assert_uint_eq(pfdb_free_count() + mm_pt_pages() - pt0, free0);
	ck_assert_uint_eq(acc(p, 3, false)[17], 0);
	ck_assert_str_eq(paging_classify((vaddr_t)p + 3 * PAGE_SIZE),
			 "permission fault (page present)");
	ck_assert_uint_eq(k_mem_num_pagefaults_get(), 1);
	ck_assert_uint_eq(stats().zero_fills, 1);
	ck_assert(!resident(p, 2));
	ck_assert_int_eq(k_mem_unmap(p, 8 * PAGE_SIZE), 0);
}
END_TEST

/* k_mem_query tells the four states of a page apart and changes nothing. */
START_TEST(query_tells_page_states_apart)
{
	paddr_t phys;
	uint32_t flags;
	uint8_t *p;

	setup();
	p = k_mem_map(2 * PAGE_SIZE, K_MEM_PERM_RW);
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(k_mem_query((vaddr_t)p, &phys, &flags), -ENOENT);
	ck_assert(!resident(p, 0));
	acc(p, 0, true)[5] = 1;
	ck_assert_int_eq(k_mem_query((vaddr_t)p + 5, &phys, &flags), 0);
	ck_assert_uint_eq(paddr_raw(phys) & (PAGE_SIZE - 1), 5);
	ck_assert_uint_eq(flags & K_MEM_PERM_RW, K_MEM_PERM_RW);
	ck_assert_int_eq(k_mem_page_out(p, PAGE_SIZE), 0);
	ck_assert_int_eq(k_mem_query((vaddr_t)p, NULL, NULL), -EAGAIN);
	ck_assert(!resident(p, 0));
	ck_assert_int_eq(k_mem_query((vaddr_t)p - PAGE_SIZE, NULL, NULL), -EFAULT);
	ck_assert_int_eq(k_mem_query(0x8000000000000000ULL, NULL, NULL), -EINVAL);
	ck_assert_int_eq(k_mem_unmap(p, 2 * PAGE_SIZE), 0);
}
END_TEST

START_TEST(uninit_leaves_frame_contents)
{
	uint8_t *keep, *p, *q;

	setup();
	/* keeps the table pages alive, so the freed frame is the data's */
	keep = k_mem_map(PAGE_SIZE, K_MEM_PERM_RW);
	p = k_mem_map(PAGE_SIZE, K_MEM_PERM_RW | K_MEM_MAP_LOCK);
	ck_assert_ptr_nonnull(p);
	memset(acc(p, 0, true), 0xAB, 64);
	ck_assert_int_eq(k_mem_unmap(p, PAGE_SIZE), 0);
	q = k_mem_map(PAGE_SIZE, K_MEM_PERM_RW | K_MEM_MAP_UNINIT);
	ck_assert_uint_eq(acc(q, 0, false)[5], 0xAB);   /* same frame, LIFO */
	ck_assert_uint_eq(stats().zero_fills, 0);
	ck_assert_int_eq(k_mem_unmap(q, PAGE_SIZE), 0);
	ck_assert_int_eq(k_mem_unmap(keep, PAGE_SIZE), 0);
}
END_TEST

START_TEST(locked_map_pins_frames_at_once)
{
	size_t free0;
	uint8_t *p;
	paddr_t ph;

	setup();
	free0 = pfdb_free_count();
	p = k_mem_map(4 * PAGE_SIZE, K_MEM_PERM_RW | K_MEM_MAP_LOCK);
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(arch_mem_translate((vaddr_t)p, &ph, NULL), 0);
	ck_assert_uint_eq(pfdb_flags(pfdb_from_phys(ph)), PFDB_MAPPED | PFDB_PINNED);
	ck_assert_uint_eq(paging_resident(), 0);
	ck_assert_int_eq(k_mem_page_out(p, PAGE_SIZE), -EBUSY);
	ck_assert_int_eq(k_mem_unmap(p, 4 * PAGE_SIZE), 0);
	ck_assert_uint_eq(pfdb_free_count(), free0);
}
END_TEST

/* An arena 4x the pool: every byte reads back, both kinds of eviction. */
START_TEST(arena_larger_than_memory_reads_back)
{
	size_t n = 4 * POOL, free0, slots0;
	struct k_mem_paging_stats s;
	uint8_t *p;

	setup();
	free0 = pfdb_free_count();
	slots0 = swap_slots_free();
	p = k_mem_map(n * PAGE_SIZE, K_MEM_PERM_RW);
	ck_assert_ptr_nonnull(p);
	for (size_t i = 0; i < n; i++)
		put(p, i, 1);
	for (size_t i = 0; i < n; i++)
		check(p, i, 1);
	for (size_t i = 0; i < n; i++)
		check(p, i, 1);
	s = stats();
	ck_assert_uint_ge(s.pagefaults.cnt, 3 * n - POOL);
	ck_assert_uint_gt(s.eviction.dirty, 0);
	ck_assert_uint_gt(s.eviction.clean, 0);
	ck_assert_uint_eq(s.pagefaults.cnt, s.zero_fills + s.page_ins);
	ck_assert_int_eq(k_mem_unmap(p, n * PAGE_SIZE), 0);
	ck_assert_uint_eq(pfdb_free_count(), free0);
	ck_assert_uint_eq(swap_slots_free(), slots0);
	ck_assert_uint_eq(paging_cached(), 0);
	ck_assert_uint_eq(paging_resident(), 0);
}
END_TEST

/* A page only read since page-in is evicted without a write. */
START_TEST(clean_eviction_writes_nothing)
{
	struct k_mem_paging_stats a, b;
	uint8_t *p;

	setup();
	p = k_mem_map(2 * PAGE_SIZE, K_MEM_PERM_RW);
	put(p, 0, 7);
	ck_assert_int_eq(k_mem_page_out(p, PAGE_SIZE), 0);
	check(p, 0, 7);                          /* page-in, read only */
	a = stats();
	ck_assert_int_eq(k_mem_page_out(p, PAGE_SIZE), 0);
	b = stats();
	ck_assert_uint_eq(b.page_outs, a.page_outs);
	ck_assert_uint_eq(b.eviction.clean, a.eviction.clean + 1);
	put(p, 0, 8);                            /* page-in, then dirty */
	ck_assert_int_eq(k_mem_page_out(p, PAGE_SIZE), 0);
	a = stats();
	ck_assert_uint_eq(a.page_outs, b.page_outs + 1);
	ck_assert_uint_eq(a.eviction.dirty, b.eviction.dirty + 1);
	check(p, 0, 8);
	ck_assert_int_eq(k_mem_unmap(p, 2 * PAGE_SIZE), 0);
	ck_assert_uint_eq(swap_slots_free(), SLOTS);
}
END_TEST

START_TEST(page_out_then_exactly_n_faults_page_in_none)
{
	size_t n = 16;
	uint64_t f0;
	uint8_t *p;

	setup();
	p = k_mem_map(n * PAGE_SIZE, K_MEM_PERM_RW);
	for (size_t i = 0; i < n; i++)
		put(p, i, 3);
	ck_assert_int_eq(k_mem_page_out(p + 4 * PAGE_SIZE, 10 * PAGE_SIZE), 0);
	ck_assert_str_eq(paging_classify((vaddr_t)p + 4 * PAGE_SIZE),
			 "paged out (slot 0)");
	f0 = k_mem_num_pagefaults_get();
	for (size_t i = 0; i < n; i++)
		check(p, i, 3);
	ck_assert_uint_eq(k_mem_num_pagefaults_get() - f0, 10);
	ck_assert_int_eq(k_mem_page_out(p, n * PAGE_SIZE), 0);
	ck_assert_int_eq(k_mem_page_in(p, n * PAGE_SIZE), 0);
	f0 = k_mem_num_pagefaults_get();
	for (size_t i = 0; i < n; i++)
		check(p, i, 3);
	ck_assert_uint_eq(k_mem_num_pagefaults_get() - f0, 0);
	ck_assert_int_eq(k_mem_unmap(p, n * PAGE_SIZE), 0);
}
END_TEST

START_TEST(pinned_pages_never_fault)
{
	size_t n = 3 * POOL, pinned = 8;
	uint64_t f0;
	uint8_t *p;

	setup();
	p = k_mem_map(n * PAGE_SIZE, K_MEM_PERM_RW);
	for (size_t i = 0; i < n; i++)
		put(p, i, 4);
	ck_assert_int_eq(k_mem_pin(p, pinned * PAGE_SIZE), 0);
	ck_assert_int_eq(k_mem_page_out(p, PAGE_SIZE), -EBUSY);
	for (size_t r = 0; r < 3; r++)
		for (size_t i = pinned; i < n; i++)
			check(p, i, 4);
	f0 = k_mem_num_pagefaults_get();
	for (size_t i = 0; i < pinned; i++)
		check(p, i, 4);
	ck_assert_uint_eq(k_mem_num_pagefaults_get(), f0);
	ck_assert_int_eq(k_mem_unpin(p, pinned * PAGE_SIZE), 0);
	ck_assert_int_eq(k_mem_page_out(p, pinned * PAGE_SIZE), 0);
	for (size_t i = 0; i < pinned; i++)
		ck_assert(!resident(p, i));
	ck_assert_int_eq(k_mem_unmap(p, n * PAGE_SIZE), 0);
}
END_TEST

START_TEST(page_out_beyond_store_changes_nothing)
{
	size_t n = 48;
	size_t slots0, res0;
	uint8_t *p;

	setup_with("clock", POOL, 32);
	p = k_mem_map(n * PAGE_SIZE, K_MEM_PERM_RW);
	for (size_t i = 0; i < n; i++)
		put(p, i, 5);
	slots0 = swap_slots_free();
	res0 = paging_resident();
	ck_assert_int_eq(k_mem_page_out(p, n * PAGE_SIZE), -ENOMEM);
	ck_assert_uint_eq(swap_slots_free(), slots0);
	ck_assert_uint_eq(paging_resident(), res0);
	for (size_t i = 0; i < n; i++)
		ck_assert(resident(p, i));
	ck_assert_int_eq(k_mem_page_out(p, 32 * PAGE_SIZE), 0);
	ck_assert_int_eq(k_mem_unmap(p, n * PAGE_SIZE), 0);
	ck_assert_uint_eq(swap_slots_free(), 32);
}
END_TEST

START_TEST(unmap_frees_slots_and_access_after_is_fatal)
{
	size_t n = 8;
	uint8_t *p;
	int err;

	setup();
	p = k_mem_map(n * PAGE_SIZE, K_MEM_PERM_RW);
	for (size_t i = 0; i < n; i++)
		put(p, i, 6);
	ck_assert_int_eq(k_mem_page_out(p, n * PAGE_SIZE), 0);
	ck_assert_uint_eq(swap_slots_free(), SLOTS - n);
	ck_assert_int_eq(k_mem_unmap(p, n * PAGE_SIZE), 0);
	ck_assert_uint_eq(swap_slots_free(), SLOTS);
	ck_assert_ptr_null(mmu_host_access((vaddr_t)p, false, &err));
	ck_assert_int_eq(err, -EFAULT);
	ck_assert_str_eq(paging_classify((vaddr_t)p), "unmapped");
}
END_TEST

START_TEST(read_only_lazy_page_refuses_writes)
{
	uint8_t *p;
	int err;

	setup();
	p = k_mem_map(PAGE_SIZE, 0);
	ck_assert_ptr_nonnull(mmu_host_access((vaddr_t)p, false, &err));
	ck_assert_ptr_null(mmu_host_access((vaddr_t)p, true, &err));
	ck_assert_int_eq(err, -EPERM);
	ck_assert_int_eq(k_mem_unmap(p, PAGE_SIZE), 0);
}
END_TEST

/* Store full, no free frame: the fault is refused, not corrupted, and
 * what was written before is intact. */
START_TEST(out_of_backing_store)
{
	size_t n = POOL + 16, done = 0;
	uint8_t *p, *q = NULL;
	int err = 0;

	setup_with("clock", POOL, 8);
	ck_assert_ptr_null(k_mem_map((POOL + 9) * PAGE_SIZE, K_MEM_PERM_RW));
	p = k_mem_map(POOL * PAGE_SIZE, K_MEM_PERM_RW);
	q = k_mem_map(16 * PAGE_SIZE, K_MEM_PERM_RW);   /* overcommitted */
	ck_assert_ptr_nonnull(p);
	ck_assert_ptr_nonnull(q);
	for (; done < n; done++) {
		uint8_t *b = done < POOL ? p : q;
		size_t i = done < POOL ? done : done - POOL;

		if (!mmu_host_access((vaddr_t)b + i * PAGE_SIZE, true, &err))
			break;
		put(b, i, 9);
	}
	ck_assert_uint_lt(done, n);
	ck_assert_int_eq(err, -ENOMEM);
	ck_assert_uint_eq(swap_slots_free(), 0);
	ck_assert_int_eq(k_mem_unmap(q, 16 * PAGE_SIZE), 0);
	for (size_t i = 0; i < MIN(done, POOL); i++)
		check(p, i, 9);
	ck_assert_int_eq(k_mem_unmap(p, POOL * PAGE_SIZE), 0);
	ck_assert_uint_eq(swap_slots_free(), 8);
}
END_TEST

START_TEST(frame_evict_by_phys)
{
	uint8_t *p;
	paddr_t ph;

	setup();
	p = k_mem_map(2 * PAGE_SIZE, K_MEM_PERM_RW);
	put(p, 1, 2);
	ck_assert_int_eq(arch_mem_translate((vaddr_t)p + PAGE_SIZE, &ph, NULL), 0);
	ck_assert_int_eq(k_mem_page_frame_evict(ph), 0);
	ck_assert(!resident(p, 1));
	ck_assert_int_eq(k_mem_page_frame_evict(ph), 0);       /* free now */
	ck_assert_int_eq(k_mem_page_frame_evict(PADDR(0x200000000ULL)), -EINVAL);
	ck_assert_int_eq(k_mem_page_frame_evict(PADDR(paddr_raw(arch_pt_root()))),
			 -EBUSY);
	check(p, 1, 2);
	ck_assert_int_eq(k_mem_unmap(p, 2 * PAGE_SIZE), 0);
}
END_TEST

START_TEST(api_refused_before_setup)
{
	uint8_t *p;

	host_physmem_reset();
	ck_assert_int_eq(mm_init(map, ARRAY_SIZE(map)), 0);
	p = k_mem_map(PAGE_SIZE, K_MEM_PERM_RW);          /* eager */
	ck_assert(resident(p, 0));
	ck_assert_int_eq(k_mem_page_out(p, PAGE_SIZE), -ENOTSUP);
	ck_assert_int_eq(paging_fault((vaddr_t)p), -EFAULT);
	ck_assert_int_eq(paging_set_policy("fifo"), -EINVAL);
	ck_assert_int_eq(paging_setup(SLOTS * PAGE_SIZE, 0), 0);
	ck_assert_uint_eq(paging_resident(), 1);         /* adopted */
	ck_assert_int_eq(paging_fault((vaddr_t)p), 0);     /* raced: present */
	ck_assert_uint_eq(paging_spurious_faults(), 1);
	ck_assert_int_eq(k_mem_page_out(p, PAGE_SIZE), 0);
	ck_assert_int_eq(k_mem_unmap(p, PAGE_SIZE), 0);
	ck_assert_uint_eq(swap_slots_free(), SLOTS);
}
END_TEST

/* Every policy keeps data intact under random churn with a hot set. */
START_TEST(policies_keep_data)
{
	static const char *const names[] = { "nru", "clock", "lru" };
	size_t n = 3 * POOL;
	uint32_t x = 12345;
	uint8_t *p;

	for (size_t k = 0; k < ARRAY_SIZE(names); k++) {
		setup_with(names[k], POOL, SLOTS);
		ck_assert_str_eq(paging_policy_name(), names[k]);
		p = k_mem_map(n * PAGE_SIZE, K_MEM_PERM_RW);
		for (size_t i = 0; i < n; i++)
			put(p, i, 0);
		for (int it = 0; it < 3000; it++) {
			size_t i;

			x = x * 1103515245u + 12345u;
			i = (x >> 8) % ((x & 1) ? 16 : n);
			check(p, i, 0);
		}
		ck_assert_int_eq(k_mem_unmap(p, n * PAGE_SIZE), 0);
		ck_assert_uint_eq(swap_slots_free(), SLOTS);
	}
}
END_TEST

/* Zephyr's NRU defects: it returned the dirty bit of the last frame
 * scanned, and kept picking the lowest frame.  select() must report its
 * victim's own dirty bit, and successive victims must differ. */
START_TEST(nru_returns_victim_dirty_and_moves_on)
{
	vaddr_t seen[8];
	size_t m;
	uint8_t *p;

	setup_with("nru", POOL, SLOTS);
	p = k_mem_map(2 * POOL * PAGE_SIZE, K_MEM_PERM_RW);
	m = fill_pool(p, 1);
	ck_assert_int_eq(k_mem_page_out(p, m * PAGE_SIZE), 0);
	for (size_t i = 0; i < m; i++)
		if (i % 3)
			check(p, i, 1);          /* clean */
		else
			put(p, i, 2);            /* dirty */
	for (size_t k = 0; k < ARRAY_SIZE(seen); k++) {
		struct arch_pte_ref ref;
		bool dirty;
		struct page_frame *v = evict_nru_ops.select(&dirty, &ref);
		uint32_t info;

		ck_assert_ptr_nonnull(v);
		seen[k] = pfdb_va(v);
		info = arch_page_info_get(seen[k], NULL, false);
		ck_assert_int_eq(dirty, (info & ARCH_DATA_PAGE_DIRTY) != 0);
		for (size_t j = 0; j < k; j++)
			ck_assert_uint_ne(seen[j], seen[k]);
		ck_assert_int_eq(k_mem_page_frame_evict(pfdb_to_phys(v)), 0);
	}
	for (size_t i = 0; i < m; i++) {
		if (i % 3)
			check(p, i, 1);
		else
			check(p, i, 2);
	}
	ck_assert_int_eq(k_mem_unmap(p, 2 * POOL * PAGE_SIZE), 0);
}
END_TEST

/* Clock gives a second chance: a page touched since the last sweep
 * survives the next eviction. */
START_TEST(clock_second_chance)
{
	size_t n = POOL;
	uint8_t *p;

	setup_with("clock", POOL, SLOTS);
	p = k_mem_map(n * PAGE_SIZE, K_MEM_PERM_RW);
	fill_pool(p, 1);
	/* first eviction clears every bit and takes the oldest page (0) */
	put(p, n - 1, 1);
	ck_assert(!resident(p, 0));
	check(p, 1, 1);                 /* page 1 is hot again */
	put(p, n - 2, 1);
	ck_assert(resident(p, 1));
	ck_assert(!resident(p, 2));
	ck_assert_int_eq(k_mem_unmap(p, n * PAGE_SIZE), 0);
}
END_TEST

static uint64_t fake_tsc;

/* Every reading advances the clock by 1000 cycles. */
static uint64_t fake_clock(void)
{
	return fake_tsc += 1000;
}

/* Histograms: one sample per fault, one per store transfer, binned by
 * the settable clock's cycles. */
START_TEST(histograms_use_the_clock)
{
	struct k_mem_paging_stats st;
	uint64_t nfault = 0, nstore = 0;
	uint8_t *p;

	setup();
	paging_set_clock(fake_clock);
	p = k_mem_map(2 * PAGE_SIZE, K_MEM_PERM_RW);
	put(p, 0, 1);                                    /* zero-fill */
	ck_assert_int_eq(k_mem_page_out(p, PAGE_SIZE), 0);  /* store write */
	check(p, 0, 1);                                  /* page-in */
	st = stats();
	for (size_t i = 0; i < K_MEM_PAGING_HISTOGRAM_BINS; i++) {
		nfault += st.fault_cycles.counts[i];
		nstore += st.store_cycles.counts[i];
	}
	ck_assert_uint_eq(nfault, 2);
	ck_assert_uint_eq(nstore, 2);
	/* a store transfer is one clock step (1000 cycles: bin <= 1024) */
	ck_assert_uint_eq(st.store_cycles.bounds[3], 1024);
	ck_assert_uint_eq(st.store_cycles.counts[3], 2);
	ck_assert_uint_eq(st.fault_cycles.bounds[K_MEM_PAGING_HISTOGRAM_BINS - 1],
			  ~0ULL);
	paging_set_clock(NULL);
	ck_assert_int_eq(k_mem_unmap(p, 2 * PAGE_SIZE), 0);
}
END_TEST

/* trap_dispatch offers #PF to mm's entry and resumes when served. */
static int pf_calls;

static int counting_entry(const struct mm_fault *mf, const char **verdict)
{
	pf_calls++;
	return mm_fault(mf, verdict);
}

/* An entry that faults itself: the nested #PF must not reach it. */
static int faulting_entry(const struct mm_fault *mf, const char **verdict)
{
	static struct trap_frame f;
	static jmp_buf jb;

	UNUSED(mf);
	*verdict = NULL;
	pf_calls++;
	f = (struct trap_frame){ .vector = 14, .error = 0, .cr2 = 0x123000 };
	trap_host_resume_point(&jb);
	if (setjmp(jb) == 0)
		trap_dispatch(&f);      /* nested: fatal, never resumed */
	return 0;
}

START_TEST(served_fault_resumes)
{
	static jmp_buf jb;
	static struct trap_frame f;
	uint8_t *p;

	setup();
	p = k_mem_map(PAGE_SIZE, K_MEM_PERM_RW);
	trap_host_reset();
	arch_fault_set_entry(counting_entry);
	f = (struct trap_frame){ .vector = 14, .error = 2, .cr2 = (uint64_t)p + 5 };
	trap_host_resume_point(&jb);
	if (setjmp(jb) == 0)
		trap_dispatch(&f);
	ck_assert_ptr_eq(trap_host_resumed(), &f);
	ck_assert_int_eq(pf_calls, 1);
	ck_assert(resident(p, 0));
	trap_host_reset();
}
END_TEST

static jmp_buf off_jb;
static bool nested_pf;

static void test_poweroff(int status)
{
	UNUSED(status);
	longjmp(off_jb, 1);
}

static void no_walk(uint64_t cr3, uint64_t va)
{
	UNUSED(cr3);
	UNUSED(va);
}

/* Dispatches a #PF at cr2 that must not be served; returns the report. */
static const char *fatal_report(uint64_t cr2, uint64_t error)
{
	static struct trap_frame f;

	trap_host_reset();
	arch_fault_set_entry(nested_pf ? faulting_entry : counting_entry);
	trap_set_walker(no_walk);
	trap_set_poweroff(test_poweroff);
	con_capture_reset();
	f = (struct trap_frame){ .vector = 14, .error = error, .cr2 = cr2 };
	if (setjmp(off_jb) == 0)
		trap_dispatch(&f);
	trap_host_reset();
	return con_capture();
}

START_TEST(unserved_faults_are_fatal)
{
	uint8_t *p, *q, *z;
	const char *r;

	setup_with("clock", POOL, 0);
	p = k_mem_map(PAGE_SIZE, 0);
	r = fatal_report(0x600000123000, 0);             /* unmapped */
	ck_assert_ptr_nonnull(strstr(r, "efimm: FATAL: #PF page fault"));
	ck_assert_ptr_nonnull(strstr(r, "CR2 0x0000600000123000: unmapped\n"));
	ck_assert_ptr_null(strstr(r, "out of backing store"));
	ck_assert_ptr_nonnull(mmu_host_access((vaddr_t)p, false, NULL));
	r = fatal_report((uint64_t)p, 3);                /* write to R/O */
	ck_assert_ptr_nonnull(strstr(r, "efimm: FATAL: #PF page fault"));
	ck_assert_ptr_nonnull(strstr(r, ": permission fault (page present)\n"));
	/* no store, every frame used: the next first touch cannot be served
	 * (p's page, never written, could be dropped: it goes first) */
	ck_assert_int_eq(k_mem_unmap(p, PAGE_SIZE), 0);
	q = k_mem_map(2 * POOL * PAGE_SIZE, K_MEM_PERM_RW);
	ck_assert_ptr_null(q);
	q = k_mem_map(pfdb_free_count() * PAGE_SIZE, K_MEM_PERM_RW);
	z = k_mem_map(8 * PAGE_SIZE, K_MEM_PERM_RW);     /* overcommitted */
	ck_assert_ptr_nonnull(q);
	ck_assert_ptr_nonnull(z);
	fill_pool(q, 1);
	r = fatal_report((uint64_t)z + 8, 2);
	ck_assert_ptr_nonnull(strstr(r, "efimm: FATAL: out of backing store "
				     "serving #PF at 0x600000"));
	ck_assert_ptr_nonnull(strstr(r, "efimm: FATAL: #PF page fault"));
	ck_assert_ptr_nonnull(strstr(r, ": not yet populated\n"));
	/* a #PF inside the handler is reported, not handled again */
	nested_pf = true;
	pf_calls = 0;
	r = fatal_report(0x600000123000, 0);
	nested_pf = false;
	ck_assert_int_eq(pf_calls, 1);
	ck_assert_ptr_nonnull(strstr(r, "CR2 0x0000000000123000"));
}
END_TEST

/* paging_setup hands arch/ the one fault entry: a #PF dispatched with
 * nothing else registered is served. */
START_TEST(setup_registers_the_fault_entry)
{
	static jmp_buf jb;
	static struct trap_frame f;
	uint8_t *p;

	trap_host_reset();
	setup();
	p = k_mem_map(PAGE_SIZE, K_MEM_PERM_RW);
	f = (struct trap_frame){ .vector = 14, .error = 2, .cr2 = (uint64_t)p };
	trap_host_resume_point(&jb);
	if (setjmp(jb) == 0)
		trap_dispatch(&f);
	ck_assert_ptr_eq(trap_host_resumed(), &f);
	ck_assert(resident(p, 0));
	trap_host_reset();
}
END_TEST

/* The entry's own contract: only not-present page faults are served. */
START_TEST(mm_fault_serves_only_not_present_page_faults)
{
	struct mm_fault mf = { .vector = 14, .page_fault = true };
	const char *v;
	uint8_t *p;

	setup();
	p = k_mem_map(PAGE_SIZE, K_MEM_PERM_RW);
	mf.addr = (vaddr_t)p + 8;
	mf.present = true;                       /* present: never served */
	ck_assert_int_eq(mm_fault(&mf, &v), -EFAULT);
	ck_assert_str_eq(v, "not yet populated");
	ck_assert(!resident(p, 0));
	mf.present = false;
	mf.access = MM_FAULT_WRITE;
	ck_assert_int_eq(mm_fault(&mf, &v), 0);
	ck_assert(resident(p, 0));
	mf = (struct mm_fault){ .vector = 13, .error = 0 };   /* not a #PF */
	ck_assert_int_eq(mm_fault(&mf, &v), -EFAULT);
	ck_assert_ptr_null(v);
}
END_TEST

/* A page zero-filled and only read since goes back to zero-fill on
 * eviction: nothing written, no slot kept (it used to be written). */
START_TEST(never_written_page_returns_to_zero_fill)
{
	struct k_mem_paging_stats a, b;
	uint8_t *p;

	setup();
	p = k_mem_map(4 * PAGE_SIZE, K_MEM_PERM_RW);
	ck_assert_uint_eq(acc(p, 0, false)[100], 0);      /* zero-fill, read */
	put(p, 1, 3);                                    /* zero-fill, written */
	a = stats();
	ck_assert_int_eq(k_mem_page_out(p, 2 * PAGE_SIZE), 0);
	b = stats();
	ck_assert_uint_eq(b.page_outs, a.page_outs + 1); /* page 1 only */
	ck_assert_uint_eq(b.eviction.clean, a.eviction.clean + 1);
	ck_assert_uint_eq(swap_slots_free(), SLOTS - 1);
	ck_assert_str_eq(paging_classify((vaddr_t)p), "not yet populated");
	ck_assert_uint_eq(acc(p, 0, false)[7], 0);
	ck_assert_uint_eq(stats().zero_fills, b.zero_fills + 1);
	check(p, 1, 3);
	/* a page paged in from the store and only read keeps its copy */
	a = stats();
	ck_assert_int_eq(k_mem_page_out(p + PAGE_SIZE, PAGE_SIZE), 0);
	ck_assert_uint_eq(stats().page_outs, a.page_outs);
	check(p, 1, 3);
	ck_assert_int_eq(k_mem_unmap(p, 4 * PAGE_SIZE), 0);
	ck_assert_uint_eq(swap_slots_free(), SLOTS);
}
END_TEST

/* Read passes with the store short of room (room for the paged-out
 * pages and 16 copies more): clock keeps evicting clean
 * (the copies dropped for room are of the pages it evicts last; it used
 * to drop exactly the ones it evicted next). */
START_TEST(short_store_keeps_clean_evictions)
{
	static const char *const names[] = { "clock", "nru" };
	size_t n = 2 * POOL;
	struct k_mem_paging_stats a, b;
	uint8_t *p;

	for (size_t k = 0; k < ARRAY_SIZE(names); k++) {
		setup_with(names[k], POOL, POOL + 16);
		p = k_mem_map(n * PAGE_SIZE, K_MEM_PERM_RW);
		for (size_t i = 0; i < n; i++)
			put(p, i, 4);
		for (size_t i = 0; i < n; i++)
			check(p, i, 4);
		a = stats();
		for (size_t i = 0; i < n; i++)
			check(p, i, 4);
		b = stats();
		/* 16 spare slots can hold copies for 16 of each pass's
		 * evictions (the rest of the store holds the paged-out pages) */
		ck_assert_msg(b.eviction.clean - a.eviction.clean >= 12,
			      "%s: %llu clean, %llu dirty evictions", names[k],
			      (unsigned long long)(b.eviction.clean - a.eviction.clean),
			      (unsigned long long)(b.eviction.dirty - a.eviction.dirty));
		ck_assert_int_eq(k_mem_unmap(p, n * PAGE_SIZE), 0);
	}
}
END_TEST

static size_t pinned_frames(void)
{
	struct pfdb_counts c;

	pfdb_counts(&c);
	return c.pinned;
}

/* Pinning more pages than there are frames: -ENOMEM and nothing changed
 * (it used to pin what it could, then fail, leaving them pinned). */
START_TEST(pin_beyond_memory_changes_nothing)
{
	static const char *const names[] = { "clock", "nru", "lru" };
	size_t n = POOL + 36, free0, res0, pin0, fit;
	uint8_t *p;

	for (size_t k = 0; k < ARRAY_SIZE(names); k++) {
		setup_with(names[k], POOL, SLOTS);
		p = k_mem_map(n * PAGE_SIZE, K_MEM_PERM_RW);
		for (size_t i = 0; i < 20; i++)
			put(p, i, 12);
		free0 = pfdb_free_count();
		res0 = paging_resident();
		pin0 = pinned_frames();
		ck_assert_int_eq(k_mem_pin(p, n * PAGE_SIZE), -ENOMEM);
		ck_assert_uint_eq(pfdb_free_count(), free0);
		ck_assert_uint_eq(paging_resident(), res0);
		ck_assert_uint_eq(pinned_frames(), pin0);
		/* what leaves PAGING_PIN_RESERVE frames fits; one more does not
		 * (the pool less the arena's table pages is what paging has) */
		fit = free0 + res0 - PAGING_PIN_RESERVE;
		ck_assert_uint_gt(fit, 20);
		ck_assert_int_eq(k_mem_pin(p, (fit + 1) * PAGE_SIZE), -ENOMEM);
		ck_assert_uint_eq(pinned_frames(), pin0);
		ck_assert_int_eq(k_mem_pin(p, fit * PAGE_SIZE), 0);
		ck_assert_uint_eq(pinned_frames(), pin0 + fit);
		for (size_t i = 0; i < 20; i++)
			check(p, i, 12);
		ck_assert_int_eq(k_mem_unpin(p, n * PAGE_SIZE), 0);
		ck_assert_uint_eq(pinned_frames(), pin0);
		ck_assert_int_eq(k_mem_unmap(p, n * PAGE_SIZE), 0);
	}
}
END_TEST

/* The calls that may evict run on efimm's own stack (on the target that
 * is what lets them page out their caller's stack page); so does every
 * other paging call (k_mem_unpin here: mm never runs on a pageable stack
 * holding mm_lock). */
START_TEST(evicting_calls_run_on_the_kernel_stack)
{
	unsigned long c0;
	uint8_t *p;
	paddr_t ph;

	setup();
	p = k_mem_map(4 * PAGE_SIZE, K_MEM_PERM_RW);
	put(p, 0, 1);
	c0 = kstack_host_calls();
	ck_assert_int_eq(k_mem_page_out(p, PAGE_SIZE), 0);
	ck_assert_uint_eq(kstack_host_calls(), c0 + 1);
	ck_assert_int_eq(k_mem_page_in(p, PAGE_SIZE), 0);
	ck_assert_uint_eq(kstack_host_calls(), c0 + 2);
	ck_assert_int_eq(k_mem_pin(p, PAGE_SIZE), 0);
	ck_assert_uint_eq(kstack_host_calls(), c0 + 3);
	ck_assert_int_eq(k_mem_unpin(p, PAGE_SIZE), 0);
	ck_assert_uint_eq(kstack_host_calls(), c0 + 4);
	ck_assert_int_eq(arch_mem_translate((vaddr_t)p, &ph, NULL), 0);
	ck_assert_int_eq(k_mem_page_frame_evict(ph), 0);
	ck_assert_uint_eq(kstack_host_calls(), c0 + 5);
	check(p, 0, 1);
	ck_assert_int_eq(k_mem_unmap(p, 4 * PAGE_SIZE), 0);
}
END_TEST

/* A map whose last frame (0x901000, past a hole) is free and is handed
 * out last: the free list is ascending. */
static const struct mem_range map_tail[] = {
	{ 0x1000, 0x9f000, FW_CONVENTIONAL, MEM_FREE },
	{ 0x100000, 0x800000, FW_CONVENTIONAL, MEM_FREE },
	{ 0x900000, 0x902000, FW_CONVENTIONAL, MEM_FREE },
};

static struct page_frame *held[4096];

/* Takes every free frame but the last one of the database. */
static size_t hold_all_but_last(void)
{
	size_t n = 0;

	while (pfdb_free_count() > 1) {
		ck_assert_uint_lt(n, ARRAY_SIZE(held));
		held[n++] = pfdb_alloc();
		pfdb_pin(held[n - 1]);
	}
	return n;
}

static size_t frame_no(void *base, size_t page)
{
	paddr_t ph;

	ck_assert_int_eq(arch_mem_translate((vaddr_t)base + page * PAGE_SIZE,
					    &ph, NULL), 0);
	return pfdb_frame_index(pfdb_from_phys(ph));
}

/* The encodings at their limits, for every policy: a page in the last
 * frame of the database (the policy's last bit or links) whose copy is
 * in the store's last slot, evicted clean by a fault (the policy's
 * choice) and by page-out. */
START_TEST(last_frame_and_last_slot)
{
	static const char *const names[] = { "clock", "nru", "lru" };
	enum { NSLOTS = 8 };
	struct k_mem_paging_stats a;
	size_t n;
	uint8_t *p;

	for (size_t k = 0; k < ARRAY_SIZE(names); k++) {
		host_physmem_reset();
		ck_assert_int_eq(mm_init(map_tail, ARRAY_SIZE(map_tail)), 0);
		ck_assert_int_eq(paging_set_policy(names[k]), 0);
		ck_assert_int_eq(paging_setup(NSLOTS * PAGE_SIZE, 0), 0);
		p = k_mem_map(NSLOTS * PAGE_SIZE, K_MEM_PERM_RW);
		for (size_t i = 0; i < NSLOTS; i++)
			put(p, i, 20);
		/* pages 1.. take slots 0 .., page 0 the last one */
		ck_assert_int_eq(k_mem_page_out(p + PAGE_SIZE,
						(NSLOTS - 1) * PAGE_SIZE), 0);
		ck_assert_int_eq(k_mem_page_out(p, PAGE_SIZE), 0);
		ck_assert_str_eq(paging_classify((vaddr_t)p), "paged out (slot 7)");
		n = hold_all_but_last();
		check(p, 0, 20);                        /* page-in, copy kept */
		ck_assert_uint_eq(frame_no(p, 0), pfdb_frame_count() - 1);
		ck_assert_uint_eq(paging_cached(), 1);
		a = stats();
		check(p, 1, 20);                /* the fault evicts page 0 */
		ck_assert(!resident(p, 0));
		ck_assert_uint_eq(stats().eviction.clean, a.eviction.clean + 1);
		ck_assert_uint_eq(stats().page_outs, a.page_outs);
		ck_assert_str_eq(paging_classify((vaddr_t)p), "paged out (slot 7)");
		ck_assert_int_eq(k_mem_page_out(p + PAGE_SIZE, PAGE_SIZE), 0);
		check(p, 0, 20);
		ck_assert_int_eq(k_mem_page_out(p, PAGE_SIZE), 0);
		ck_assert_uint_eq(stats().page_outs, a.page_outs);
		ck_assert_str_eq(paging_classify((vaddr_t)p), "paged out (slot 7)");
		while (n > 0) {
			pfdb_unpin(held[--n]);
			pfdb_free(held[n]);
		}
		for (size_t i = 0; i < NSLOTS; i++)
			check(p, i, 20);
		ck_assert_int_eq(k_mem_unmap(p, NSLOTS * PAGE_SIZE), 0);
		ck_assert_uint_eq(swap_slots_free(), NSLOTS);
		paging_teardown();
	}
}
END_TEST

/* The copy table's entry at its limits: the largest frame number it can
 * hold (2^32 - 3: it keeps number + 1 below 2^32 - 1) and the largest
 * slot (PAGING_SLOTS_MAX - 1); a store beyond the limit is refused with
 * nothing taken. */
START_TEST(copy_table_limits)
{
	const size_t fmax = UINT32_MAX - 2;
	struct paging_copy h;
	uint64_t slot;
	size_t free0;

	setup();
	ck_assert(paging_copy_add(fmax, PAGING_SLOTS_MAX - 1, &h));
	ck_assert(paging_copy_add(0, 0, &h));
	ck_assert(paging_copy_find(fmax, &slot));
	ck_assert_uint_eq(slot, PAGING_SLOTS_MAX - 1);
	ck_assert(paging_copy_find(0, &slot));
	ck_assert_uint_eq(slot, 0);
	ck_assert(!paging_copy_find(fmax - 1, &slot));
	ck_assert(paging_copy_del(fmax, &slot));
	ck_assert_uint_eq(slot, PAGING_SLOTS_MAX - 1);
	ck_assert(!paging_copy_find(fmax, &slot));
	ck_assert(paging_copy_del(0, &slot));
	paging_teardown();
	free0 = pfdb_free_count();
	ck_assert_int_eq(paging_setup((PAGING_SLOTS_MAX + 1) * PAGE_SIZE, 0),
			 -ENOMEM);
	ck_assert_uint_eq(pfdb_free_count(), free0);
	ck_assert(!paging_enabled());
}
END_TEST

/* Full load: a copy for every slot, frame numbers dense and spread, all
 * found; past it (more copies than slots, which paging never makes) the
 * kicks stop and one copy comes back homeless, the others still found. */
START_TEST(copy_table_full_and_homeless)
{
	struct paging_copy h;
	uint64_t slot;
	size_t n = 0;

	setup();
	for (size_t i = 0; i < SLOTS; i++)
		ck_assert(paging_copy_add(i * (i % 2 ? 1 : 7919), i, &h));
	for (size_t i = 0; i < SLOTS; i++) {
		ck_assert(paging_copy_find(i * (i % 2 ? 1 : 7919), &slot));
		ck_assert_uint_eq(slot, i);
	}
	while (paging_copy_add(SLOTS * 7919 + n, n, &h))
		n++;
	ck_assert_uint_lt(n, 2 * paging_st.copy_half);
	ck_assert(!paging_copy_find(h.frame1 - 1, &slot));
	for (size_t i = 0; i < SLOTS; i++) {
		size_t f = i * (i % 2 ? 1 : 7919);

		ck_assert(h.frame1 == f + 1 || paging_copy_find(f, &slot));
	}
	for (size_t i = 0; paging_copy_take(&h); i++)
		ck_assert_uint_le(i, SLOTS + n);
	ck_assert(!paging_copy_find(0, &slot));
	paging_teardown();
}
END_TEST

/* A page zero-filled and never written needs no store room to be paged
 * out: with no store at all it goes back to zero-fill (it used to count
 * as needing a slot: -ENOMEM); a written one is refused. */
START_TEST(zero_page_out_needs_no_slot)
{
	uint8_t *p;

	setup_with("clock", POOL, 0);
	p = k_mem_map(2 * PAGE_SIZE, K_MEM_PERM_RW);
	ck_assert_uint_eq(acc(p, 0, false)[9], 0);
	put(p, 1, 4);
	ck_assert_int_eq(k_mem_page_out(p + PAGE_SIZE, PAGE_SIZE), -ENOMEM);
	ck_assert_int_eq(k_mem_page_out(p, PAGE_SIZE), 0);
	ck_assert_str_eq(paging_classify((vaddr_t)p), "not yet populated");
	ck_assert_uint_eq(acc(p, 0, false)[9], 0);
	check(p, 1, 4);
	ck_assert_int_eq(k_mem_unmap(p, 2 * PAGE_SIZE), 0);
	ck_assert_uint_eq(paging_resident(), 0);
}
END_TEST

/* Evicts page 0 of p as the policy would have with a stale look at its
 * PTE (clean), after "another CPU" wrote it: returns paging_evict's. */
static int evict_with_stale_look(uint8_t *p)
{
	paddr_t phys;
	struct page_frame *pf;
	unsigned long irq;
	int ret;

	ck_assert(arch_page_info_get((vaddr_t)p, &phys, false) & ARCH_DATA_PAGE_DIRTY);
	pf = paging_resident_frame((vaddr_t)p, paddr_raw(phys));
	ck_assert_ptr_nonnull(pf);
	irq = mm_lock_take();
	ret = paging_evict(pf, false, NULL);
	mm_lock_drop(irq);
	return ret;
}

/* SMP: a CPU writes a zero-filled page between the policy's look (clean:
 * back to zero-fill) and the PTE's exchange.  The exchange's dirty bit
 * wins: the page is written to a slot, or, with no slot, put back
 * resident and no longer taken for a zero-fill copy. */
START_TEST(eviction_sees_a_write_after_the_policy_looked)
{
	uint8_t *p;

	setup();
	p = k_mem_map(PAGE_SIZE, K_MEM_PERM_RW);
	ck_assert_uint_eq(acc(p, 0, false)[5], 0);        /* zero-filled, clean */
	acc(p, 0, true)[5] = 0x5a;
	ck_assert_int_eq(evict_with_stale_look(p), 0);
	ck_assert_uint_eq(swap_slots_free(), SLOTS - 1);   /* written, not dropped */
	ck_assert_uint_eq(acc(p, 0, false)[5], 0x5a);
	ck_assert_int_eq(k_mem_unmap(p, PAGE_SIZE), 0);

	setup_with("clock", POOL, 0);                       /* no slot at all */
	p = k_mem_map(PAGE_SIZE, K_MEM_PERM_RW);
	ck_assert_uint_eq(acc(p, 0, false)[5], 0);
	acc(p, 0, true)[5] = 0x6b;
	ck_assert_int_eq(evict_with_stale_look(p), -ENOMEM);
	ck_assert(resident(p, 0));
	ck_assert_uint_eq(acc(p, 0, false)[5], 0x6b);
	ck_assert_int_eq(k_mem_page_out(p, PAGE_SIZE), -ENOMEM); /* needs a slot now */
	ck_assert_int_eq(k_mem_unmap(p, PAGE_SIZE), 0);
}
END_TEST

static Suite *paging_suite(void)
{
	Suite *s = suite_create("paging");
	TCase *tc = tcase_create("paging");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, lazy_map_takes_no_frame_and_zero_fills);
	tcase_add_test(tc, query_tells_page_states_apart);
	tcase_add_test(tc, uninit_leaves_frame_contents);
	tcase_add_test(tc, locked_map_pins_frames_at_once);
	tcase_add_test(tc, arena_larger_than_memory_reads_back);
	tcase_add_test(tc, clean_eviction_writes_nothing);
	tcase_add_test(tc, page_out_then_exactly_n_faults_page_in_none);
	tcase_add_test(tc, pinned_pages_never_fault);
	tcase_add_test(tc, page_out_beyond_store_changes_nothing);
	tcase_add_test(tc, unmap_frees_slots_and_access_after_is_fatal);
	tcase_add_test(tc, read_only_lazy_page_refuses_writes);
	tcase_add_test(tc, out_of_backing_store);
	tcase_add_test(tc, frame_evict_by_phys);
	tcase_add_test(tc, api_refused_before_setup);
	tcase_add_test(tc, policies_keep_data);
	tcase_add_test(tc, nru_returns_victim_dirty_and_moves_on);
	tcase_add_test(tc, clock_second_chance);
	tcase_add_test(tc, histograms_use_the_clock);
	tcase_add_test(tc, served_fault_resumes);
	tcase_add_test(tc, unserved_faults_are_fatal);
	tcase_add_test(tc, setup_registers_the_fault_entry);
	tcase_add_test(tc, never_written_page_returns_to_zero_fill);
	tcase_add_test(tc, short_store_keeps_clean_evictions);
	tcase_add_test(tc, pin_beyond_memory_changes_nothing);
	tcase_add_test(tc, evicting_calls_run_on_the_kernel_stack);
	tcase_add_test(tc, mm_fault_serves_only_not_present_page_faults);
	tcase_add_test(tc, last_frame_and_last_slot);
	tcase_add_test(tc, copy_table_limits);
	tcase_add_test(tc, copy_table_full_and_homeless);
	tcase_add_test(tc, zero_page_out_needs_no_slot);
	tcase_add_test(tc, eviction_sees_a_write_after_the_policy_looked);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_SUITE(paging_suite)
