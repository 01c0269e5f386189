/*
 * tests/unit/test_kas.c - the kernel address space over a synthetic
 * 6 GiB machine, on the real x86_64 page tables (host arena).
 */
#include <stdio.h>

#include "../../arch/x86_64/cpu.h"
#include "../../arch/x86_64/machine.h"
#include "../../arch/x86_64/pt.h"
#include "../../lib/errno.h"
#include "../../mm/kas.h"
#include "../../mm/kmem.h"
#include "../../mm/mm.h"
#include "../../mm/vm.h"
#include "../host/physmem_host.h"
#include "unit.h"

/* 3 GiB below 4 GiB, 3 GiB above; firmware, ACPI, MMIO in between. */
static const struct mem_range six_gib[] = {
	{ 0x0, 0x1000, FW_BS_CODE, MEM_FREE },
	{ 0x1000, 0x9f000, FW_CONVENTIONAL, MEM_FREE },
	{ 0x9f000, 0x100000, FW_RESERVED, MEM_RESERVED },
	{ 0x100000, 0x800000, FW_CONVENTIONAL, MEM_FREE },
	{ 0x800000, 0x880000, FW_LOADER_CODE, MEM_EFIMM },
	{ 0x880000, 0xa00000, FW_LOADER_DATA, MEM_EFIMM },
	{ 0xa00000, 0xbe000000, FW_CONVENTIONAL, MEM_FREE },
	{ 0xbe000000, 0xbe800000, FW_BS_DATA, MEM_FREE },
	{ 0xbe800000, 0xbe900000, FW_RT_CODE, MEM_RESERVED },
	{ 0xbe900000, 0xbeb00000, FW_RT_DATA, MEM_RESERVED },
	{ 0xbeb00000, 0xbec00000, FW_ACPI_RECLAIM, MEM_RESERVED },
	{ 0xbec00000, 0xbf000000, FW_ACPI_NVS, MEM_RESERVED },
	{ 0xbf000000, 0xc0000000, FW_CONVENTIONAL, MEM_FREE },
	{ 0xfec00000, 0xfec01000, FW_MMIO, MEM_RESERVED },
	{ 0xfee00000, 0xfee01000, FW_MMIO, MEM_RESERVED },
	{ 0xffc00000, 0x100000000, FW_MMIO, MEM_RESERVED },
	{ 0x100000000, 0x1c0000000, FW_CONVENTIONAL, MEM_FREE },
};

static const struct kas_image image = {
	.text_start = 0x801000, .text_end = 0x830123,
	.rodata_start = 0x831000, .rodata_end = 0x840010,
	.data_start = 0x841000, .data_end = 0x85f000,
};

/* A framebuffer in the PCI hole and a BAR above the RAM. */
static const struct kas_extra extras[] = {
	{ 0xc0000000, 0x7e9000, K_MEM_CACHE_NONE, KAS_RW },
	{ 0x800000000, 0x10000, K_MEM_CACHE_WT, KAS_RW },
};

static void build(void)
{
	host_physmem_reset();
	cpu_host_set_1g(true);
	ck_assert_int_eq(mm_init(six_gib, ARRAY_SIZE(six_gib)), 0);
	ck_assert_int_eq(kas_build(six_gib, ARRAY_SIZE(six_gib), &image,
				   extras, ARRAY_SIZE(extras)), 0);
}

/* kas.h's table, restated here so the test does not trust kas.c. */
static uint32_t policy(uint32_t type)
{
	if (type == FW_RT_CODE)
		return K_MEM_PERM_EXEC | K_MEM_CACHE_WB;
	if (type == FW_MMIO || type == FW_MMIO_PORT)
		return K_MEM_PERM_RW | K_MEM_CACHE_NONE;
	return K_MEM_PERM_RW | K_MEM_CACHE_WB;
}

/* What kas.h promises for the page at p, or ~0u if it must be unmapped. */
static uint32_t expected_flags(uint64_t p)
{
	if (p == 0)
		return ~0u;
	if (p >= image.text_start && p < ALIGN_UP(image.text_end, PAGE_SIZE))
		return K_MEM_PERM_EXEC;
	if (p >= image.rodata_start && p < ALIGN_UP(image.rodata_end, PAGE_SIZE))
		return 0;
	if (p >= image.data_start && p < image.data_end)
		return K_MEM_PERM_RW;
	for (size_t i = 0; i < ARRAY_SIZE(extras); i++)
		if (p >= extras[i].start && p < extras[i].start + extras[i].size)
			return K_MEM_PERM_RW | extras[i].cache;
	for (size_t i = 0; i < ARRAY_SIZE(six_gib); i++)
		if (p >= six_gib[i].start && p < six_gib[i].end)
			return policy(six_gib[i].type);
	return ~0u;
}

/* Checks one page; returns false (and reports) if it breaks kas.h. */
static bool page_ok(uint64_t p, size_t *mapped)
{
	uint32_t want = expected_flags(p), fl = 0;
	paddr_t ph = PADDR(0);
	int err = arch_mem_translate(p, &ph, &fl);
	uint32_t wx = K_MEM_PERM_RW | K_MEM_PERM_EXEC;

	if (want == ~0u && err == -EFAULT)
		return true;
	if (want != ~0u && err == 0 && paddr_raw(ph) == p &&
	    (fl & wx) != wx && (fl & ~K_MEM_PERM_USER) == want) {
		(*mapped)++;
		return true;
	}
	fprintf(stderr, "kas: page 0x%llx: err %d phys 0x%llx flags %x, want %x\n",
		(unsigned long long)p, err, (unsigned long long)paddr_raw(ph),
		fl, want);
	return false;
}

/* Every page of the first 7 GiB (holes included) and of the extra BAR:
 * unmapped, or identity-mapped as promised and never W+X.  (Assertions
 * are counted, not made per page: Check's per-assert bookkeeping would
 * dominate the run time.) */
START_TEST(every_page_has_its_permissions_and_no_wx)
{
	static const uint64_t spans[][2] = {
		{ 0, 0x1c0000000 }, { 0x800000000, 0x800020000 },
	};
	size_t pages = 0, bad = 0;

	build();
	for (size_t s = 0; s < ARRAY_SIZE(spans); s++)
		for (uint64_t p = spans[s][0]; p < spans[s][1]; p += PAGE_SIZE)
			bad += !page_ok(p, &pages);
	ck_assert_uint_eq(bad, 0);
	ck_assert_uint_gt(pages, GiB(6) / PAGE_SIZE);
}
END_TEST

struct leaf_count {
	size_t leaves[PT_LEVELS];
	size_t wx;
};

static void count_leaf(void *ctx, int level, vaddr_t va, uint64_t e, uint64_t eff)
{
	struct leaf_count *c = ctx;

	UNUSED(va);
	UNUSED(e);
	if (!pt_is_leaf(level, eff))
		return;
	c->leaves[level]++;
	if ((eff & PTE_RW) && !(eff & PTE_XD))
		c->wx++;
}

START_TEST(large_pages_used_and_no_wx_leaf)
{
	struct leaf_count c = { { 0 }, 0 };
	struct pt_visitor v = { .entry = count_leaf, .ctx = &c };

	build();
	pt_visit(arch_pt_root(), arch_pt_levels(), &v);
	ck_assert_uint_eq(c.wx, 0);
	ck_assert_uint_ge(c.leaves[PT_LEVEL_PDPT], 3);  /* 1..3 GiB, 4..7 GiB */
	ck_assert_uint_gt(c.leaves[PT_LEVEL_PD], 100);
	/* 4 KiB leaves only where 2 MiB cannot be uniform. */
	ck_assert_uint_lt(c.leaves[PT_LEVEL_PT], 4096);
	ck_assert_uint_lt(mm_pt_pages(), 32);
}
END_TEST

START_TEST(without_1g_pages_uses_2m)
{
	struct leaf_count c = { { 0 }, 0 };
	struct pt_visitor v = { .entry = count_leaf, .ctx = &c };

	host_physmem_reset();
	cpu_host_set_1g(false);
	ck_assert_int_eq(mm_init(six_gib, ARRAY_SIZE(six_gib)), 0);
	ck_assert_int_eq(kas_build(six_gib, ARRAY_SIZE(six_gib), NULL, NULL, 0), 0);
	pt_visit(arch_pt_root(), arch_pt_levels(), &v);
	cpu_host_set_1g(true);
	ck_assert_uint_eq(c.leaves[PT_LEVEL_PDPT], 0);
	ck_assert_uint_gt(c.leaves[PT_LEVEL_PD], 2500);
	ck_assert_uint_eq(c.wx, 0);
	ck_assert_int_eq(arch_mem_translate(0, NULL, NULL), -EFAULT);
}
END_TEST

START_TEST(bad_inputs_are_errors)
{
	static const struct mem_range too_high[] = {
		{ 0x0, 0x100000, FW_CONVENTIONAL, MEM_FREE },
		{ VM_DIRECT_MAP_END, VM_DIRECT_MAP_END + 0x1000, FW_MMIO, MEM_RESERVED },
	};
	static const struct kas_extra bad_cache = { 0xc0000000, 0x1000, 1u << 3, KAS_RW };
	static const struct kas_extra wraps = { ~0ULL - 0xfff, 0x2000, 0, KAS_RW };
	static const struct kas_extra bad_access = { 0xc0000000, 0x1000, 0, KAS_RX + 1 };

	host_physmem_reset();
	ck_assert_int_eq(mm_init(too_high, 1), 0);
	ck_assert_int_eq(kas_build(too_high, 2, NULL, NULL, 0), -EINVAL);
	ck_assert_int_eq(kas_build(too_high, 1, NULL, &bad_cache, 1), -EINVAL);
	ck_assert_int_eq(kas_build(too_high, 1, NULL, &wraps, 1), -EINVAL);
	ck_assert_int_eq(kas_build(too_high, 1, NULL, &bad_access, 1), -EINVAL);
}
END_TEST

/* Runtime image sections from the Memory Attributes Table override the
 * RT_Code range's R+X: data pages become RW+NX, rodata R+NX. */
START_TEST(attribute_table_sections_override_runtime_code)
{
	static const struct mem_range rt[] = {
		{ 0x100000, 0x200000, FW_CONVENTIONAL, MEM_FREE },
		{ 0x200000, 0x210000, FW_RT_CODE, MEM_RESERVED },
	};
	static const struct kas_extra mat[] = {
		{ 0x200000, 0x4000, K_MEM_CACHE_WB, KAS_RX },
		{ 0x204000, 0x2000, K_MEM_CACHE_WB, KAS_RO },
		{ 0x206000, 0xa000, K_MEM_CACHE_WB, KAS_RW },
	};
	uint32_t f;

	host_physmem_reset();
	ck_assert_int_eq(mm_init(rt, 2), 0);
	ck_assert_int_eq(kas_build(rt, 2, NULL, mat, 3), 0);
	ck_assert_int_eq(arch_mem_translate(0x203000, NULL, &f), 0);
	ck_assert_uint_eq(f & (K_MEM_PERM_RW | K_MEM_PERM_EXEC), K_MEM_PERM_EXEC);
	ck_assert_int_eq(arch_mem_translate(0x205000, NULL, &f), 0);
	ck_assert_uint_eq(f & (K_MEM_PERM_RW | K_MEM_PERM_EXEC), 0);
	ck_assert_int_eq(arch_mem_translate(0x20f000, NULL, &f), 0);
	ck_assert_uint_eq(f & (K_MEM_PERM_RW | K_MEM_PERM_EXEC), K_MEM_PERM_RW);
}
END_TEST

/* A machine whose free RAM cannot hold the tables: -ENOMEM, no panic. */
START_TEST(out_of_table_pages_is_enomem)
{
	static const struct mem_range starved[] = {
		{ 0x0, 0x3000, FW_CONVENTIONAL, MEM_FREE },
		{ 0x3000, 0x200000, FW_ACPI_NVS, MEM_RESERVED },
		{ 0x200000, 0x201000, FW_MMIO, MEM_RESERVED },
		{ 0x10000000000, 0x10000001000, FW_MMIO, MEM_RESERVED },
	};

	host_physmem_reset();
	ck_assert_int_eq(mm_init(starved, ARRAY_SIZE(starved)), 0);
	ck_assert_int_eq(kas_build(starved, ARRAY_SIZE(starved), NULL, NULL, 0),
			 -ENOMEM);
}
END_TEST

/* Five levels (LA57): the same address space under one more table, the
 * PML5, and every page as promised (the tests above, fixture la57). */
START_TEST(five_levels_add_one_table)
{
	size_t four;
	paddr_t p;

	arch_pt_set_levels(4);
	build();
	four = mm_pt_pages();
	arch_pt_set_levels(5);
	build();
	ck_assert_uint_eq(mm_pt_pages(), four + 1);
	ck_assert_int_eq(arch_mem_translate(0x1c0000000 - 8, &p, NULL), 0);
	ck_assert_uint_eq(paddr_raw(p), 0x1c0000000 - 8);
}
END_TEST

static void setup_la57(void)
{
	arch_pt_set_levels(5);
}

static void teardown_la57(void)
{
	arch_pt_set_levels(4);
}

static Suite *kas_suite(void)
{
	Suite *s = suite_create("kas");
	TCase *walk = tcase_create("walk");
	TCase *tc = tcase_create("kas");
	TCase *la57 = tcase_create("kas-la57");

	tcase_set_timeout(walk, 120);
	tcase_add_test(walk, every_page_has_its_permissions_and_no_wx);
	suite_add_tcase(s, walk);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, large_pages_used_and_no_wx_leaf);
	tcase_add_test(tc, without_1g_pages_uses_2m);
	tcase_add_test(tc, bad_inputs_are_errors);
	tcase_add_test(tc, attribute_table_sections_override_runtime_code);
	tcase_add_test(tc, out_of_table_pages_is_enomem);
	suite_add_tcase(s, tc);
	tcase_set_timeout(la57, 120);
	tcase_add_checked_fixture(la57, setup_la57, teardown_la57);
	tcase_add_test(la57, every_page_has_its_permissions_and_no_wx);
	tcase_add_test(la57, large_pages_used_and_no_wx_leaf);
	tcase_add_test(la57, five_levels_add_one_table);
	suite_add_tcase(s, la57);
	return s;
}
UNIT_SUITE(kas_suite)
