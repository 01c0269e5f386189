/*
 * tests/unit/test_vm.c - the virtual-region allocator.
 */
#include <stdlib.h>

#include "../../lib/errno.h"
#include "../../mm/mm.h"
#include "../../mm/pfdb.h"
#include "../../mm/vm.h"
#include "../host/physmem_host.h"
#include "unit.h"

static struct vm_space vs;

START_TEST(layout_is_disjoint_and_canonical)
{
	ck_assert_uint_le(VM_DIRECT_MAP_END, VM_PAYLOAD_BASE);
	ck_assert_uint_le(VM_PAYLOAD_END, VM_KMEM_BASE);
	ck_assert_uint_lt(VM_KMEM_END, 1ULL << 47);
}
END_TEST

START_TEST(alloc_free_coalesces)
{
	vaddr_t a, b, c, d;
	uint64_t total = 0x100000;

	vm_init(&vs, VM_KMEM_BASE, VM_KMEM_BASE + total);
	ck_assert_int_eq(vm_alloc(&vs, 0x3000, VM_ANON, &a), 0);
	ck_assert_int_eq(vm_alloc(&vs, 0x1000, VM_PHYS, &b), 0);
	ck_assert_int_eq(vm_alloc(&vs, 0x2000, VM_ANON, &c), 0);
	ck_assert_uint_eq(a, VM_KMEM_BASE);
	ck_assert_uint_eq(b, a + 0x3000);
	ck_assert_uint_eq(c, b + 0x1000);
	ck_assert_uint_eq(vm_free_bytes(&vs), total - 0x6000);
	/* Wrong size, wrong kind, middle of a region: refused. */
	ck_assert_int_eq(vm_free(&vs, a, 0x2000, VM_ANON), -EINVAL);
	ck_assert_int_eq(vm_free(&vs, b, 0x1000, VM_ANON), -EINVAL);
	ck_assert_int_eq(vm_free(&vs, a + 0x1000, 0x2000, VM_ANON), -EINVAL);
	ck_assert_int_eq(vm_free(&vs, a, 0x3000, VM_ANON), 0);
	ck_assert_int_eq(vm_free(&vs, a, 0x3000, VM_ANON), -EINVAL);
	ck_assert_int_eq(vm_free(&vs, c, 0x2000, VM_ANON), 0);
	ck_assert_uint_eq(vs.nfree, 2);    /* [a, b) and [c, end) */
	ck_assert_int_eq(vm_alloc(&vs, 0x3000, VM_ANON, &d), 0);
	ck_assert_uint_eq(d, a);           /* first fit reuses the hole */
	ck_assert_int_eq(vm_free(&vs, d, 0x3000, VM_ANON), 0);
	ck_assert_int_eq(vm_free(&vs, b, 0x1000, VM_PHYS), 0);
	ck_assert_uint_eq(vs.nfree, 1);
	ck_assert_uint_eq(vm_free_bytes(&vs), total);
	ck_assert_uint_eq(vm_live_regions(&vs), 0);
}
END_TEST

START_TEST(exhaustion_is_enomem)
{
	vaddr_t a;

	vm_init(&vs, VM_KMEM_BASE, VM_KMEM_BASE + 0x4000);
	ck_assert_int_eq(vm_alloc(&vs, 0x5000, VM_ANON, &a), -ENOMEM);
	ck_assert_int_eq(vm_alloc(&vs, 0x4000, VM_ANON, &a), 0);
	ck_assert_int_eq(vm_alloc(&vs, 0x1000, VM_ANON, &a), -ENOMEM);
}
END_TEST

/* A frame database on the host arena, for the node frames. */
static const struct mem_range vm_ram[] = {
	{ 0x100000, 0x1000000, FW_CONVENTIONAL, MEM_FREE },
};

static void frames_setup(void)
{
	host_physmem_reset();
	ck_assert_int_eq(mm_init(vm_ram, ARRAY_SIZE(vm_ram)), 0);
}

#define CHURN_MAX 1000

/* Random alloc/free of up to CHURN_MAX live regions (past the inline
 * nodes): freeing never fails and the free space always adds up. */
START_TEST(random_churn_keeps_invariants)
{
	static vaddr_t va[CHURN_MAX];
	static uint64_t sz[CHURN_MAX];
	size_t live = 0, most = 0;
	uint64_t used = 0;

	frames_setup();
	srand(7);
	vm_init(&vs, VM_KMEM_BASE, VM_KMEM_END);
	for (int step = 0; step < 20000; step++) {
		if (live > 0 && (rand() % 5 < 2 || live == CHURN_MAX)) {
			size_t k = (size_t)rand() % live;

			ck_assert_int_eq(vm_free(&vs, va[k], sz[k], VM_ANON), 0);
			used -= sz[k];
			va[k] = va[live - 1];
			sz[k] = sz[--live];
		} else {
			sz[live] = PAGE_SIZE * (1 + (uint64_t)(rand() % 64));
			ck_assert_int_eq(vm_alloc(&vs, sz[live], VM_ANON, &va[live]), 0);
			used += sz[live++];
		}
		most = live > most ? live : most;
		ck_assert_uint_eq(vm_free_bytes(&vs), VM_KMEM_END - VM_KMEM_BASE - used);
		ck_assert_uint_le(vs.nfree, live + 1);
		ck_assert_uint_eq(vm_live_regions(&vs), live);
	}
	ck_assert_uint_gt(most, VM_INLINE_NODES);
	ck_assert_uint_gt(vs.node_frames, 0);
}
END_TEST

/* The old fixed table held 255 live regions: the 256th and many more now
 * succeed, each found again by vm_lookup. */
START_TEST(regions_past_the_old_limit)
{
	static vaddr_t va[4 * VM_INLINE_NODES + 1];
	size_t n = ARRAY_SIZE(va);
	enum vm_kind kind;

	frames_setup();
	vm_init(&vs, VM_KMEM_BASE, VM_KMEM_END);
	for (size_t i = 0; i < n; i++)
		ck_assert_int_eq(vm_alloc(&vs, PAGE_SIZE, i % 2 ? VM_PHYS : VM_ANON,
					  &va[i]), 0);
	ck_assert_uint_eq(vm_live_regions(&vs), n);
	for (size_t i = 0; i < n; i++) {
		ck_assert(vm_lookup(&vs, va[i], PAGE_SIZE, &kind));
		ck_assert_int_eq(kind, i % 2 ? VM_PHYS : VM_ANON);
	}
	for (size_t i = 0; i < n; i++)
		ck_assert_int_eq(vm_free(&vs, va[i], PAGE_SIZE, i % 2 ? VM_PHYS : VM_ANON), 0);
	ck_assert_uint_eq(vs.nfree, 1);
	ck_assert_uint_eq(vm_free_bytes(&vs), VM_KMEM_END - VM_KMEM_BASE);
}
END_TEST

/* Past the inline nodes with no free frame: -ENOMEM, nothing changed,
 * and every live region can still be freed. */
START_TEST(no_frame_for_nodes_is_enomem)
{
	static vaddr_t va[VM_INLINE_NODES];
	size_t n = 0;
	uint64_t free_va;

	frames_setup();
	while (pfdb_alloc())
		;
	vm_init(&vs, VM_KMEM_BASE, VM_KMEM_END);
	while (vm_alloc(&vs, PAGE_SIZE, VM_ANON, &va[n]) == 0)
		n++;
	ck_assert_uint_eq(n, VM_INLINE_NODES - 1);
	free_va = vm_free_bytes(&vs);
	ck_assert_int_eq(vm_alloc(&vs, PAGE_SIZE, VM_ANON, &va[n]), -ENOMEM);
	ck_assert_uint_eq(vm_free_bytes(&vs), free_va);
	ck_assert_uint_eq(vm_live_regions(&vs), n);
	/* freeing in an order that leaves holes needs no node */
	for (size_t i = 0; i < n; i += 2)
		ck_assert_int_eq(vm_free(&vs, va[i], PAGE_SIZE, VM_ANON), 0);
	for (size_t i = 1; i < n; i += 2)
		ck_assert_int_eq(vm_free(&vs, va[i], PAGE_SIZE, VM_ANON), 0);
	ck_assert_uint_eq(vs.nfree, 1);
}
END_TEST

/* vm_reset gives every node frame back (127 nodes a frame: the first
 * links the frames) and leaves the area as vm_init did; regions come
 * out of vm_regions in address order. */
START_TEST(reset_returns_node_frames)
{
	enum { N = 3 * 127 + VM_INLINE_NODES - 1 };  /* + the free extent */
	size_t free0, n = 0;
	vaddr_t va, prev = 0;

	frames_setup();
	vm_init(&vs, VM_KMEM_BASE, VM_KMEM_END);
	free0 = pfdb_free_count();
	for (size_t i = 0; i < N; i++)
		ck_assert_int_eq(vm_alloc(&vs, PAGE_SIZE, VM_ANON, &va), 0);
	ck_assert_uint_eq(vm_node_frames(&vs), 3);
	ck_assert_uint_eq(pfdb_free_count(), free0 - 3);
	for (const struct vm_extent *r = vm_regions(&vs); r; r = r->next, n++) {
		ck_assert_uint_gt(r->start, prev);
		prev = r->start;
	}
	ck_assert_uint_eq(n, N);
	vm_reset(&vs);
	ck_assert_uint_eq(pfdb_free_count(), free0);
	ck_assert_uint_eq(vm_node_frames(&vs), 0);
	ck_assert_uint_eq(vm_live_regions(&vs), 0);
	ck_assert_ptr_null(vm_regions(&vs));
	ck_assert_uint_eq(vm_free_bytes(&vs), VM_KMEM_END - VM_KMEM_BASE);
	ck_assert_int_eq(vm_alloc(&vs, PAGE_SIZE, VM_ANON, &va), 0);
	ck_assert_uint_eq(va, VM_KMEM_BASE);
}
END_TEST

START_TEST(lookup_needs_the_whole_range_in_one_region)
{
	vaddr_t a, b;
	enum vm_kind kind;

	vm_init(&vs, VM_KMEM_BASE, VM_KMEM_BASE + 0x100000);
	ck_assert_int_eq(vm_alloc(&vs, 0x3000, VM_ANON, &a), 0);
	ck_assert_int_eq(vm_alloc(&vs, 0x2000, VM_PHYS, &b), 0);
	ck_assert(vm_lookup(&vs, a + 0x10, 0x2ff0, &kind) && kind == VM_ANON);
	ck_assert(vm_lookup(&vs, b, 0x2000, &kind) && kind == VM_PHYS);
	ck_assert(!vm_lookup(&vs, a + 0x2000, 0x1001, &kind));   /* spans two */
	ck_assert(!vm_lookup(&vs, b + 0x2000, 1, &kind));        /* free space */
	ck_assert(!vm_lookup(&vs, a, 0, &kind));
	ck_assert(!vm_lookup(&vs, a + 1, ~0ULL, &kind));          /* wraps */
	ck_assert(!vm_lookup(&vs, a - 1, 2, &kind));
}
END_TEST

static Suite *vm_suite(void)
{
	Suite *s = suite_create("vm");
	TCase *tc = tcase_create("vm");

	tcase_add_test(tc, layout_is_disjoint_and_canonical);
	tcase_add_test(tc, alloc_free_coalesces);
	tcase_add_test(tc, exhaustion_is_enomem);
	tcase_add_test(tc, random_churn_keeps_invariants);
	tcase_add_test(tc, regions_past_the_old_limit);
	tcase_add_test(tc, no_frame_for_nodes_is_enomem);
	tcase_add_test(tc, lookup_needs_the_whole_range_in_one_region);
	tcase_add_test(tc, reset_returns_node_frames);
	suite_add_tcase(s, tc);
	return s;
}
UNIT_SUITE(vm_suite)
