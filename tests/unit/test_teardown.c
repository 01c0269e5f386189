/*
 * tests/unit/test_teardown.c - a payload's memory torn down
 * (mm_payload_teardown, paging_teardown), the counts that check it
 * (mm_counts_get / mm_counts_diff), the mem= cap (pfdb_cap) and mm_lock,
 * on the real frame database, x86_64 page tables, policies and RAM
 * store; the host MMU (tests/host/mmu_host.c) raises faults into
 * mm_fault as the target's #PF route does.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "../../lib/errno.h"
#include "../../mm/arch_hooks.h"
#include "../../mm/fault.h"
#include "../../mm/kmem.h"
#include "../../mm/mm.h"
#include "../../mm/mm_counts.h"
#include "../../mm/mm_lock.h"
#include "../../mm/paging.h"
#include "../../mm/payload.h"
#include "../../mm/pfdb.h"
#include "../../mm/swap.h"
#include "../../mm/vm.h"
#include "../host/irq_host.h"
#include "../host/mmu_host.h"
#include "../host/physmem_host.h"
#include "unit.h"

static const struct mem_range td_ram[] = {
	{ 0x1000, 0x9f000, FW_CONVENTIONAL, MEM_FREE },
	{ 0x100000, 0x4000000, FW_CONVENTIONAL, MEM_FREE },
};

#define WIN        VM_PAYLOAD_BASE
#define STACK_TOP  (VM_PAYLOAD_BASE + 0x10000000ULL)
#define STACK_SIZE (16 * PAGE_SIZE)

static struct mm_counts baseline;

/* Memory brought up as efimm does, then the suite's baseline. */
static void setup(void)
{
	host_physmem_reset();
	irq_host_set(true);
	mmu_host_report_accesses(false);
	ck_assert_int_eq(mm_init(td_ram, ARRAY_SIZE(td_ram)), 0);
	mm_counts_get(&baseline);
}

/* Fails with the diff line when c is not the baseline. */
static void assert_baseline(void)
{
	struct mm_counts now;
	char line[512];
	size_t n;

	mm_counts_get(&now);
	n = mm_counts_diff(&baseline, &now, line, sizeof(line));
	ck_assert_msg(n == 0, "left behind: %s", line);
	ck_assert_str_eq(line, "");
}

static uint8_t *acc(vaddr_t va, bool write)
{
	int err;
	uint8_t *p = mmu_host_access(va, write, &err);

	ck_assert_msg(p != NULL, "access to %llx failed: %d",
		      (unsigned long long)va, err);
	return p;
}

/* Maps a two-segment image and a stack as machine/run.c does (mapped
 * pinned, then adopted); writes a byte in each page. */
static void map_image(void)
{
	static const uint8_t text[3 * PAGE_SIZE] = { 0x90 };
	struct payload_seg code = { .va = WIN, .memsz = sizeof(text),
				    .data = text, .filesz = sizeof(text),
				    .flags = K_MEM_PERM_EXEC };
	struct payload_seg data = { .va = WIN + 0x100000, .memsz = 5 * PAGE_SIZE,
				    .flags = K_MEM_PERM_RW };
	vaddr_t guard;

	ck_assert_int_eq(payload_map_segment(&code), 0);
	ck_assert_int_eq(payload_map_segment(&data), 0);
	ck_assert_int_eq(payload_map_stack(STACK_TOP, STACK_SIZE, &guard), 0);
	paging_adopt(WIN, WIN + sizeof(text));
	paging_adopt(WIN + 0x100000, WIN + 0x100000 + 5 * PAGE_SIZE);
	/* The last stack page stays pinned: not adopted (as if the payload
	 * ended before machine/ adopted it). */
	paging_adopt(STACK_TOP - STACK_SIZE, STACK_TOP - PAGE_SIZE);
	for (size_t i = 0; i < 5; i++)
		*acc(WIN + 0x100000 + i * PAGE_SIZE, true) = (uint8_t)i;
	for (size_t i = 0; i < STACK_SIZE / PAGE_SIZE; i++)
		*acc(STACK_TOP - STACK_SIZE + i * PAGE_SIZE, true) = 0x5a;
}

/* The payload-like sequence: image and stack, lazy and locked k_mem_map
 * regions touched, paged out and pinned, a z_phys_map, and more regions
 * than the inline nodes hold (node frames taken). */
static void run_payload(void)
{
	uint8_t *lazy, *locked, *phys, *many[300];

	map_image();
	lazy = k_mem_map(32 * PAGE_SIZE, K_MEM_PERM_RW);
	ck_assert_ptr_nonnull(lazy);
	for (size_t i = 0; i < 32; i++)
		*acc((vaddr_t)lazy + i * PAGE_SIZE, true) = (uint8_t)(i + 1);
	ck_assert_int_eq(k_mem_page_out(lazy, 8 * PAGE_SIZE), 0);
	ck_assert_int_eq(k_mem_pin(lazy + 16 * PAGE_SIZE, 4 * PAGE_SIZE), 0);
	/* A page paged in again keeps its store copy (clean eviction). */
	ck_assert_uint_eq(*acc((vaddr_t)lazy, false), 1);
	locked = k_mem_map(4 * PAGE_SIZE, K_MEM_PERM_RW | K_MEM_MAP_LOCK);
	ck_assert_ptr_nonnull(locked);
	ck_assert_int_eq(z_phys_map(&phys, PADDR(0x200123), 3 * PAGE_SIZE,
				    K_MEM_PERM_RW), 0);
	for (size_t i = 0; i < ARRAY_SIZE(many); i++) {
		many[i] = k_mem_map(PAGE_SIZE, K_MEM_PERM_RW);
		ck_assert_ptr_nonnull(many[i]);
	}
	*acc((vaddr_t)many[7], true) = 7;
	/* Payload image pages paged out and pinned too. */
	ck_assert_int_eq(k_mem_page_out((void *)(WIN + 0x100000), 2 * PAGE_SIZE), 0);
	ck_assert_int_eq(k_mem_pin((void *)(STACK_TOP - STACK_SIZE), PAGE_SIZE), 0);
	ck_assert_uint_gt(vm_node_frames(mm_vm()), 0);
	ck_assert_uint_gt(swap_slots_total() - swap_slots_free(), 0);
}

/* Everything a payload mapped, pinned or paged out goes back: every
 * count equals the baseline taken before paging_setup. */
START_TEST(teardown_returns_every_count)
{
	struct mm_counts during;

	ck_assert_int_eq(paging_setup(64 * PAGE_SIZE, 400 * PAGE_SIZE), 0);
	run_payload();
	mm_counts_get(&during);
	ck_assert_uint_gt(mm_counts_diff(&baseline, &during, NULL, 0), 5);
	mm_payload_teardown();
	ck_assert(!paging_enabled());
	assert_baseline();
	ck_assert_uint_eq(vm_live_regions(mm_vm()), 0);
	ck_assert_int_eq(arch_mem_translate(WIN, NULL, NULL), -EFAULT);
	ck_assert_int_eq(k_mem_query(STACK_TOP - PAGE_SIZE, NULL, NULL), -EFAULT);
}
END_TEST

/* The region nodes' frames come back: a vm node frame count above zero
 * during the payload, zero after. */
START_TEST(teardown_returns_node_frames)
{
	ck_assert_int_eq(paging_setup(8 * PAGE_SIZE, 0), 0);
	for (size_t i = 0; i < 600; i++)
		ck_assert_ptr_nonnull(k_mem_map(PAGE_SIZE, K_MEM_PERM_RW));
	ck_assert_uint_ge(vm_node_frames(mm_vm()), 2);
	mm_payload_teardown();
	ck_assert_uint_eq(vm_node_frames(mm_vm()), 0);
	assert_baseline();
}
END_TEST

/* A second paging_setup with other swap=, mem= and policy works after a
 * teardown, with the new sizes, and pages still round-trip. */
START_TEST(setup_again_with_other_values)
{
	uint8_t *p;

	ck_assert_int_eq(paging_setup(64 * PAGE_SIZE, 400 * PAGE_SIZE), 0);
	run_payload();
	mm_payload_teardown();
	ck_assert_int_eq(paging_set_policy("lru"), 0);
	ck_assert_int_eq(paging_setup(16 * PAGE_SIZE, 40 * PAGE_SIZE), 0);
	ck_assert_uint_eq(swap_slots_total(), 16);
	ck_assert_uint_eq(pfdb_free_count(), 40);
	ck_assert_str_eq(paging_policy_name(), "lru");
	p = k_mem_map(48 * PAGE_SIZE, K_MEM_PERM_RW);
	ck_assert_ptr_nonnull(p);
	for (size_t i = 0; i < 48; i++)
		*acc((vaddr_t)p + i * PAGE_SIZE, true) = (uint8_t)(i ^ 0xa5);
	for (size_t i = 0; i < 48; i++)
		ck_assert_uint_eq(*acc((vaddr_t)p + i * PAGE_SIZE, false),
				  (uint8_t)(i ^ 0xa5));
	mm_payload_teardown();
	assert_baseline();
}
END_TEST

/* 100 payloads in a row: the counts never drift. */
START_TEST(hundred_setups_and_teardowns)
{
	for (int round = 0; round < 100; round++) {
		uint8_t *p;

		ck_assert_int_eq(paging_setup((8 + round % 5) * PAGE_SIZE,
					      (round % 2) ? 200 * PAGE_SIZE : 0), 0);
		p = k_mem_map(4 * PAGE_SIZE, K_MEM_PERM_RW);
		ck_assert_ptr_nonnull(p);
		*acc((vaddr_t)p, true) = 1;
		ck_assert_int_eq(k_mem_page_out(p, PAGE_SIZE), 0);
		mm_payload_teardown();
		assert_baseline();
	}
}
END_TEST

/* Fault injection: a frame taken and never given back is named, and
 * only it. */
START_TEST(leaked_frame_is_named)
{
	struct mm_counts now;
	char line[256];

	ck_assert_int_eq(paging_setup(8 * PAGE_SIZE, 0), 0);
	ck_assert_ptr_nonnull(pfdb_alloc());
	mm_payload_teardown();
	mm_counts_get(&now);
	ck_assert_uint_eq(mm_counts_diff(&baseline, &now, line, sizeof(line)), 1);
	ck_assert_msg(strstr(line, "free frames ") == line &&
		      strstr(line, " -> ") != NULL && !strchr(line, ','),
		      "line: %s", line);
}
END_TEST

/* Fault injection: a pin left on a frame that was already in use at the
 * baseline changes exactly the pinned count. */
START_TEST(leaked_pin_is_named)
{
	struct page_frame *pf;
	struct mm_counts now;
	char line[256], want[64];

	pf = pfdb_alloc();              /* in use before the baseline */
	mm_counts_get(&baseline);
	ck_assert_int_eq(paging_setup(8 * PAGE_SIZE, 0), 0);
	pfdb_pin(pf);
	mm_payload_teardown();
	mm_counts_get(&now);
	ck_assert_uint_eq(mm_counts_diff(&baseline, &now, line, sizeof(line)), 1);
	snprintf(want, sizeof(want), "pinned frames %zu -> %zu",
		 baseline.pinned_frames, baseline.pinned_frames + 1);
	ck_assert_str_eq(line, want);
}
END_TEST

/* Fault injection: a store slot taken and never freed is named, and
 * only it. */
START_TEST(leaked_slot_is_named)
{
	struct mm_counts now;
	char line[256];
	uint64_t slot;

	ck_assert_int_eq(paging_setup(8 * PAGE_SIZE, 0), 0);
	ck_assert_int_eq(swap_alloc(&slot), 0);
	mm_payload_teardown();
	mm_counts_get(&now);
	ck_assert_uint_eq(mm_counts_diff(&baseline, &now, line, sizeof(line)), 1);
	ck_assert_str_eq(line, "store slots in use 0 -> 1");
}
END_TEST

/* Fault injection: a page paged out where no teardown finds it (mapped
 * behind mm's back, outside any region) is named by its store slot and
 * by the three table pages its mapping took (pinned, off the free
 * list). */
START_TEST(leaked_paged_out_page_is_named)
{
	vaddr_t va = VM_KMEM_END - 16 * PAGE_SIZE;
	struct mm_counts now;
	char line[256], want[256];

	ck_assert_int_eq(paging_setup(8 * PAGE_SIZE, 0), 0);
	ck_assert_int_eq(paging_map_lazy(va, PAGE_SIZE, K_MEM_PERM_RW), 0);
	*acc(va, true) = 3;
	ck_assert_int_eq(k_mem_page_out((void *)va, PAGE_SIZE), 0);
	mm_payload_teardown();
	mm_counts_get(&now);
	ck_assert_uint_eq(mm_counts_diff(&baseline, &now, line, sizeof(line)), 4);
	snprintf(want, sizeof(want), "free frames %zu -> %zu, pinned frames "
		 "%zu -> %zu, page-table pages %zu -> %zu, store slots in use "
		 "0 -> 1", baseline.free_frames, baseline.free_frames - 3,
		 baseline.pinned_frames, baseline.pinned_frames + 3,
		 baseline.pt_pages, baseline.pt_pages + 3);
	ck_assert_str_eq(line, want);
}
END_TEST

/* mm_counts_diff: the exact line, every count differing named in
 * struct order, safe truncation into short buffers. */
START_TEST(diff_line_format_and_truncation)
{
	struct mm_counts a = { 0 }, b = { 0 };
	char line[512], small[16];

	a.free_frames = 1200;
	b.free_frames = 1190;
	a.pt_pages = 3;
	b.pt_pages = 5;
	b.store_slots = 3;
	ck_assert_uint_eq(mm_counts_diff(&a, &b, line, sizeof(line)), 3);
	ck_assert_str_eq(line, "free frames 1200 -> 1190, page-table pages 3 -> 5, "
			 "store slots in use 0 -> 3");
	memset(small, 'x', sizeof(small));
	ck_assert_uint_eq(mm_counts_diff(&a, &b, small, sizeof(small)), 3);
	ck_assert_str_eq(small, "free frames ...");
	memset(small, 'x', sizeof(small));
	ck_assert_uint_eq(mm_counts_diff(&a, &b, small, 2), 3);
	ck_assert_str_eq(small, ".");
	ck_assert_uint_eq(mm_counts_diff(&a, &b, NULL, 0), 3);
	ck_assert_uint_eq(mm_counts_diff(&a, &a, line, sizeof(line)), 0);
	ck_assert_str_eq(line, "");
}
END_TEST

/* The O(1) counts agree with a scan of every entry after a payload. */
static void count_flags(struct page_frame *pf, paddr_t phys, void *ctx)
{
	size_t *n = ctx;

	(void)phys;
	n[0] += (pfdb_flags(pf) & PFDB_PINNED) != 0;
	n[1] += (pfdb_flags(pf) & PFDB_MAPPED) != 0;
	n[2] += (pfdb_flags(pf) & PFDB_RESERVED) != 0;
}

START_TEST(kept_counts_match_a_scan)
{
	size_t n[3] = { 0 };

	ck_assert_int_eq(paging_setup(64 * PAGE_SIZE, 400 * PAGE_SIZE), 0);
	run_payload();
	pfdb_foreach(count_flags, n);
	ck_assert_uint_eq(pfdb_pinned_count(), n[0]);
	ck_assert_uint_eq(pfdb_mapped_count(), n[1]);
	ck_assert_uint_eq(pfdb_reserved_count(), n[2] + pfdb_held_count());
	mm_payload_teardown();
	memset(n, 0, sizeof(n));
	pfdb_foreach(count_flags, n);
	ck_assert_uint_eq(pfdb_pinned_count(), n[0]);
	ck_assert_uint_eq(pfdb_mapped_count(), n[1]);
	ck_assert_uint_eq(pfdb_reserved_count(), n[2]);
}
END_TEST

/* mem=: the cap leaves exactly keep frames free, frames freed later
 * still come back, and uncapping restores the whole list (every frame
 * can be allocated again, none twice). */
START_TEST(cap_holds_back_and_uncap_restores)
{
	size_t free0 = pfdb_free_count(), n = 0;
	struct page_frame *a;

	pfdb_cap(10);
	ck_assert_uint_eq(pfdb_free_count(), 10);
	ck_assert_uint_eq(pfdb_held_count(), free0 - 10);
	a = pfdb_alloc();
	pfdb_free(a);
	pfdb_uncap();
	ck_assert_uint_eq(pfdb_free_count(), free0);
	ck_assert_uint_eq(pfdb_held_count(), 0);
	while (pfdb_alloc())
		n++;
	ck_assert_uint_eq(n, free0);
	ck_assert_uint_eq(pfdb_free_count(), 0);
}
END_TEST

START_TEST(cap_to_zero_and_above_free)
{
	size_t free0 = pfdb_free_count();

	pfdb_cap(0);
	ck_assert_uint_eq(pfdb_free_count(), 0);
	ck_assert_ptr_null(pfdb_alloc());
	pfdb_uncap();
	ck_assert_uint_eq(pfdb_free_count(), free0);
	pfdb_cap(free0 + 5);
	ck_assert_uint_eq(pfdb_held_count(), 0);
	pfdb_uncap();
	ck_assert_uint_eq(pfdb_free_count(), free0);
}
END_TEST

/* mm_lock turns interrupts off for a call and restores the state it
 * found: on stays on, off stays off. */
START_TEST(lock_saves_and_restores_interrupts)
{
	unsigned long saves = irq_host_saves();
	void *p;

	irq_host_set(true);
	p = k_mem_map(PAGE_SIZE, K_MEM_PERM_RW);
	ck_assert_ptr_nonnull(p);
	ck_assert(irq_host_enabled());
	ck_assert_uint_gt(irq_host_saves(), saves);
	irq_host_set(false);
	ck_assert_int_eq(k_mem_unmap(p, PAGE_SIZE), 0);
	ck_assert(!irq_host_enabled());
	ck_assert(!mm_lock_is_held());
}
END_TEST

/* Fault injection: a page fault while mm_lock is held (mm touching a
 * page that is not resident) panics instead of deadlocking. */
START_TEST(fault_under_mm_lock_panics)
{
	struct mm_fault f = { .vector = 14, .page_fault = true,
			      .addr = VM_KMEM_BASE + PAGE_SIZE };
	const char *verdict;

	ck_assert_int_eq(paging_setup(8 * PAGE_SIZE, 0), 0);
	(void)mm_lock_take();
	mm_fault(&f, &verdict);
}
END_TEST

/* Entering mm while mm_lock is held (an interrupt handler calling mm in
 * the middle of mm) panics too. */
START_TEST(reentry_panics)
{
	(void)mm_lock_take();
	k_mem_map(PAGE_SIZE, K_MEM_PERM_RW);
}
END_TEST

/* A fault the lock is free for is served as before, the lock dropped. */
START_TEST(fault_takes_and_drops_the_lock)
{
	uint8_t *p;

	ck_assert_int_eq(paging_setup(8 * PAGE_SIZE, 0), 0);
	p = k_mem_map(PAGE_SIZE, K_MEM_PERM_RW);
	*acc((vaddr_t)p, true) = 9;
	ck_assert(!mm_lock_is_held());
	ck_assert_uint_eq(k_mem_num_pagefaults_get(), 1);
	mm_payload_teardown();
	assert_baseline();
}
END_TEST

/* paging_teardown alone, with nothing pageable mapped, undoes setup. */
START_TEST(paging_teardown_alone)
{
	ck_assert_int_eq(paging_setup(32 * PAGE_SIZE, 100 * PAGE_SIZE), 0);
	ck_assert_uint_eq(pfdb_free_count(), 100);
	paging_teardown();
	ck_assert(!paging_enabled());
	ck_assert_uint_eq(swap_slots_total(), 0);
	assert_baseline();
	paging_teardown();              /* a no-op when off */
	assert_baseline();
}
END_TEST

static Suite *teardown_suite(void)
{
	Suite *s = suite_create("teardown");
	TCase *tc = tcase_create("teardown");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, teardown_returns_every_count);
	tcase_add_test(tc, teardown_returns_node_frames);
	tcase_add_test(tc, setup_again_with_other_values);
	tcase_add_test(tc, hundred_setups_and_teardowns);
	tcase_add_test(tc, leaked_frame_is_named);
	tcase_add_test(tc, leaked_pin_is_named);
	tcase_add_test(tc, leaked_slot_is_named);
	tcase_add_test(tc, leaked_paged_out_page_is_named);
	tcase_add_test(tc, diff_line_format_and_truncation);
	tcase_add_test(tc, kept_counts_match_a_scan);
	tcase_add_test(tc, cap_holds_back_and_uncap_restores);
	tcase_add_test(tc, cap_to_zero_and_above_free);
	tcase_add_test(tc, lock_saves_and_restores_interrupts);
	tcase_add_test_raise_signal(tc, fault_under_mm_lock_panics, SIGABRT);
	tcase_add_test_raise_signal(tc, reentry_panics, SIGABRT);
	tcase_add_test(tc, fault_takes_and_drops_the_lock);
	tcase_add_test(tc, paging_teardown_alone);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_SUITE(teardown_suite)
