/*
 * tests/unit/test_kmem.c - k_mem_map / k_mem_unmap / z_phys_map on the
 * real frame database and the real x86_64 page tables (host arena).
 */
#include <stdlib.h>
#include <string.h>

#include "../../lib/errno.h"
#include "../../mm/kmem.h"
#include "../../mm/mm.h"
#include "../../mm/pfdb.h"
#include "../host/physmem_host.h"
#include "unit.h"

static const struct mem_range kmem_map[] = {
	{ 0x1000, 0x9f000, FW_CONVENTIONAL, MEM_FREE },
	{ 0x100000, 0x4000000, FW_CONVENTIONAL, MEM_FREE },
	{ 0xfec00000, 0xfec01000, FW_MMIO, MEM_RESERVED },
};

/* Everything a failed or undone call must leave exactly as it was. */
struct snap {
	size_t free_frames, pt_pages, regions;
	uint64_t free_va;
};

static struct snap snap(void)
{
	return (struct snap){ pfdb_free_count(), mm_pt_pages(),
			      vm_live_regions(mm_vm()), vm_free_bytes(mm_vm()) };
}

static void check_snap(struct snap a)
{
	struct snap b = snap();

	ck_assert_uint_eq(a.free_frames, b.free_frames);
	ck_assert_uint_eq(a.pt_pages, b.pt_pages);
	ck_assert_uint_eq(a.regions, b.regions);
	ck_assert_uint_eq(a.free_va, b.free_va);
}

static void setup(void)
{
	host_physmem_reset();
	ck_assert_int_eq(mm_init(kmem_map, ARRAY_SIZE(kmem_map)), 0);
}

static bool mapped(vaddr_t va)
{
	return arch_mem_translate(va, NULL, NULL) == 0;
}

START_TEST(map_has_guards_and_unmap_frees_all)
{
	struct snap before;
	uint8_t *p;
	size_t n = 5;

	setup();
	before = snap();
	p = k_mem_map(n * PAGE_SIZE, K_MEM_PERM_RW);
	ck_assert_ptr_nonnull(p);
	ck_assert(!mapped((vaddr_t)p - PAGE_SIZE));
	ck_assert(!mapped((vaddr_t)p + n * PAGE_SIZE));
	for (size_t i = 0; i < n; i++) {
		vaddr_t va = (vaddr_t)p + i * PAGE_SIZE;
		uint32_t fl;
		paddr_t ph;
		struct page_frame *pf;
		const uint8_t *mem;

		ck_assert_int_eq(arch_mem_translate(va, &ph, &fl), 0);
		ck_assert_uint_eq(fl & (K_MEM_PERM_RW | K_MEM_PERM_EXEC), K_MEM_PERM_RW);
		pf = pfdb_from_phys(ph);
		ck_assert_uint_eq(pfdb_flags(pf), PFDB_MAPPED);
		ck_assert_uint_eq(pfdb_va(pf), va);
		mem = arch_phys_to_ptr(ph);
		for (size_t b = 0; b < PAGE_SIZE; b++)
			ck_assert_uint_eq(mem[b], 0);
	}
	ck_assert_uint_eq(pfdb_free_count(),
			  before.free_frames - n - (mm_pt_pages() - before.pt_pages));
	ck_assert_uint_eq(k_mem_free_get(), pfdb_free_count() * PAGE_SIZE);
	ck_assert_int_eq(k_mem_unmap(p, n * PAGE_SIZE), 0);
	for (size_t i = 0; i < n; i++)
		ck_assert(!mapped((vaddr_t)p + i * PAGE_SIZE));
	check_snap(before);
}
END_TEST

START_TEST(bad_requests_change_nothing)
{
	struct snap before;
	uint8_t *p, *q;

	setup();
	before = snap();
	ck_assert_ptr_null(k_mem_map(PAGE_SIZE, K_MEM_PERM_RW | K_MEM_PERM_EXEC));
	ck_assert_ptr_null(k_mem_map(0, K_MEM_PERM_RW));
	ck_assert_ptr_null(k_mem_map(100, K_MEM_PERM_RW));
	ck_assert_ptr_null(k_mem_map(PAGE_SIZE, 1u << 30));
	ck_assert_ptr_null(k_mem_map(GiB(1), K_MEM_PERM_RW));  /* > RAM */
	check_snap(before);
	p = k_mem_map(2 * PAGE_SIZE, K_MEM_PERM_RW);
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(k_mem_unmap(p, PAGE_SIZE), -EINVAL);
	ck_assert_int_eq(k_mem_unmap(p + PAGE_SIZE, PAGE_SIZE), -EINVAL);
	ck_assert_int_eq(k_mem_unmap(p - PAGE_SIZE, 4 * PAGE_SIZE), -EINVAL);
	ck_assert_int_eq(k_mem_unmap((void *)0x1000, PAGE_SIZE), -EINVAL);
	ck_assert_int_eq(z_phys_map(&q, PADDR(0xfec00000), PAGE_SIZE,
				    K_MEM_PERM_RW | K_MEM_CACHE_NONE), 0);
	ck_assert_int_eq(k_mem_unmap(q, PAGE_SIZE), -EINVAL);   /* not anon */
	ck_assert_int_eq(z_phys_unmap(p, 2 * PAGE_SIZE), -EINVAL);
	ck_assert_int_eq(z_phys_unmap(q, PAGE_SIZE), 0);
	ck_assert_int_eq(k_mem_unmap(p, 2 * PAGE_SIZE), 0);
	ck_assert_int_eq(k_mem_unmap(p, 2 * PAGE_SIZE), -EINVAL);  /* twice */
	check_snap(before);
}
END_TEST

/* Cache modes 3..7 do not exist: refused as bad flags, changing nothing. */
START_TEST(undefined_cache_modes_are_einval)
{
	struct snap before;
	uint8_t *q;

	setup();
	before = snap();
	for (uint32_t mode = K_MEM_CACHE_LAST + 1; mode <= K_MEM_CACHE_MASK; mode++) {
		ck_assert(!k_mem_flags_valid(K_MEM_PERM_RW | mode, K_MEM_CACHE_MASK |
					     K_MEM_PERM_RW));
		ck_assert_ptr_null(k_mem_map(PAGE_SIZE, K_MEM_PERM_RW | mode));
		ck_assert_int_eq(z_phys_map(&q, PADDR(0xfec00000), PAGE_SIZE,
					    K_MEM_PERM_RW | mode), -EINVAL);
		check_snap(before);
	}
	ck_assert(k_mem_flags_valid(K_MEM_PERM_RW | K_MEM_CACHE_LAST,
				    K_MEM_CACHE_MASK | K_MEM_PERM_RW));
}
END_TEST

/*
 * Leaves exactly `left` frames free, then maps more pages than can be
 * had: the first page also needs table pages, so the frames run out part
 * way through (at a data frame or at a table page, depending on left).
 */
START_TEST(exhaustion_rolls_back_completely)
{
	size_t left = 3 + (size_t)_i;   /* 3: the first table page fails */
	struct page_frame **hog;
	size_t nhog;
	struct snap before;
	void *p;

	setup();
	nhog = pfdb_free_count() - left;
	hog = malloc(nhog * sizeof(*hog));
	for (size_t i = 0; i < nhog; i++)
		hog[i] = pfdb_alloc();
	before = snap();
	ck_assert_uint_eq(before.free_frames, left);
	p = k_mem_map(left * PAGE_SIZE, K_MEM_PERM_RW | K_MEM_MAP_LOCK);
	ck_assert_ptr_null(p);
	check_snap(before);
	for (vaddr_t va = VM_KMEM_BASE; va < VM_KMEM_BASE + 64 * PAGE_SIZE;
	     va += PAGE_SIZE)
		ck_assert(!mapped(va));
	/* With the hog gone the same request succeeds. */
	for (size_t i = 0; i < nhog; i++)
		pfdb_free(hog[i]);
	free(hog);
	p = k_mem_map(left * PAGE_SIZE, K_MEM_PERM_RW | K_MEM_MAP_LOCK);
	ck_assert_ptr_nonnull(p);
	{
		paddr_t ph;

		ck_assert_int_eq(arch_mem_translate((vaddr_t)p, &ph, NULL), 0);
		ck_assert_uint_eq(pfdb_flags(pfdb_from_phys(ph)),
				  PFDB_MAPPED | PFDB_PINNED);
	}
}
END_TEST

START_TEST(uninit_keeps_old_contents)
{
	uint8_t *p;
	paddr_t ph;

	setup();
	p = k_mem_map(PAGE_SIZE, K_MEM_PERM_RW);
	ck_assert_int_eq(arch_mem_translate((vaddr_t)p, &ph, NULL), 0);
	memset(arch_phys_to_ptr(ph), 0x5a, PAGE_SIZE);
	ck_assert_int_eq(k_mem_unmap(p, PAGE_SIZE), 0);
	/* The data frame was freed last, so it is handed out first. */
	p = k_mem_map(PAGE_SIZE, K_MEM_PERM_RW | K_MEM_MAP_UNINIT);
	ck_assert_int_eq(arch_mem_translate((vaddr_t)p, &ph, NULL), 0);
	ck_assert_uint_eq(((uint8_t *)arch_phys_to_ptr(ph))[100], 0x5a);
	ck_assert_int_eq(k_mem_unmap(p, PAGE_SIZE), 0);
	p = k_mem_map(PAGE_SIZE, K_MEM_PERM_RW);
	ck_assert_int_eq(arch_mem_translate((vaddr_t)p, &ph, NULL), 0);
	ck_assert_uint_eq(((uint8_t *)arch_phys_to_ptr(ph))[100], 0);
}
END_TEST

START_TEST(phys_map_keeps_offset)
{
	struct snap before;
	uint8_t *v;
	paddr_t ph;
	uint32_t fl;

	setup();
	before = snap();
	ck_assert_int_eq(z_phys_map(&v, PADDR(0xfec00123), 0x1f00,
				    K_MEM_PERM_RW | K_MEM_CACHE_NONE), 0);
	ck_assert_uint_eq((vaddr_t)v & 0xfff, 0x123);
	ck_assert_int_eq(arch_mem_translate((vaddr_t)v, &ph, &fl), 0);
	ck_assert_uint_eq(paddr_raw(ph), 0xfec00123);
	ck_assert_uint_eq(fl & K_MEM_CACHE_MASK, K_MEM_CACHE_NONE);
	ck_assert_int_eq(arch_mem_translate((vaddr_t)v + 0x1eff, &ph, NULL), 0);
	ck_assert_uint_eq(paddr_raw(ph), 0xfec02022);
	ck_assert(!mapped(((vaddr_t)v & ~0xfffULL) - PAGE_SIZE));
	ck_assert(mapped(((vaddr_t)v & ~0xfffULL) + 2 * PAGE_SIZE));
	ck_assert(!mapped(((vaddr_t)v & ~0xfffULL) + 3 * PAGE_SIZE));
	ck_assert_int_eq(z_phys_unmap(v, 0x1f00), 0);
	ck_assert(!mapped((vaddr_t)v));
	check_snap(before);
	ck_assert_int_eq(z_phys_map(&v, PADDR(0x1000), 0, K_MEM_PERM_RW), -EINVAL);
	ck_assert_int_eq(z_phys_map(&v, PADDR(~0ULL - 0x10), 0x100, K_MEM_PERM_RW),
			 -EINVAL);
	ck_assert_int_eq(z_phys_map(&v, PADDR(0x1000), PAGE_SIZE,
				    K_MEM_PERM_RW | K_MEM_PERM_EXEC), -EINVAL);
	check_snap(before);
}
END_TEST

/* Many mappings of random sizes, unmapped in random order. */
START_TEST(churn_returns_everything)
{
	void *p[64];
	size_t sz[64];
	struct snap before;

	setup();
	before = snap();
	srand(3);
	for (int i = 0; i < 64; i++) {
		sz[i] = PAGE_SIZE * (1 + (size_t)(rand() % 40));
		p[i] = k_mem_map(sz[i], K_MEM_PERM_RW | (i & 1 ? K_MEM_MAP_LOCK : 0));
		ck_assert_ptr_nonnull(p[i]);
	}
	for (int n = 64; n > 0; n--) {
		int k = rand() % n;

		ck_assert_int_eq(k_mem_unmap(p[k], sz[k]), 0);
		p[k] = p[n - 1];
		sz[k] = sz[n - 1];
	}
	check_snap(before);
}
END_TEST

static Suite *kmem_suite(void)
{
	Suite *s = suite_create("kmem");
	TCase *tc = tcase_create("kmem");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, map_has_guards_and_unmap_frees_all);
	tcase_add_test(tc, bad_requests_change_nothing);
	tcase_add_test(tc, undefined_cache_modes_are_einval);
	tcase_add_loop_test(tc, exhaustion_rolls_back_completely, 0, 8);
	tcase_add_test(tc, uninit_keeps_old_contents);
	tcase_add_test(tc, phys_map_keeps_offset);
	tcase_add_test(tc, churn_returns_everything);
	suite_add_tcase(s, tc);
	return s;
}
UNIT_SUITE(kmem_suite)
