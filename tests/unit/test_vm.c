/*
 * tests/unit/test_vm.c - the virtual-region allocator.
 */
#include <stdlib.h>

#include "../../lib/errno.h"
#include "../../mm/vm.h"
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

/* Random alloc/free against the region limit: freeing never fails and
 * the free space always adds up. */
START_TEST(random_churn_keeps_invariants)
{
	vaddr_t va[VM_MAX_REGIONS];
	uint64_t sz[VM_MAX_REGIONS];
	size_t live = 0;
	uint64_t used = 0;

	srand(7);
	vm_init(&vs, VM_KMEM_BASE, VM_KMEM_END);
	for (int step = 0; step < 20000; step++) {
		if (live > 0 && (rand() % 2 || live == VM_MAX_REGIONS - 1)) {
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
		ck_assert_uint_eq(vm_free_bytes(&vs), VM_KMEM_END - VM_KMEM_BASE - used);
		ck_assert_uint_le(vs.nfree, live + 1);
	}
	ck_assert_int_eq(vm_alloc(&vs, PAGE_SIZE, VM_ANON, &va[0]),
			 live == VM_MAX_REGIONS - 1 ? -ENOMEM : 0);
}
END_TEST

START_TEST(region_limit)
{
	vaddr_t a;
	size_t n = 0;

	vm_init(&vs, VM_KMEM_BASE, VM_KMEM_END);
	while (vm_alloc(&vs, PAGE_SIZE, VM_ANON, &a) == 0)
		n++;
	ck_assert_uint_eq(n, VM_MAX_REGIONS - 1);
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
	tcase_add_test(tc, region_limit);
	suite_add_tcase(s, tc);
	return s;
}
UNIT_SUITE(vm_suite)
