/*
 * tests/unit/test_pt.c - arch/x86_64/pt.c and hooks.c on the host: page
 * tables live in the host "physical" arena, table pages come from a
 * counting allocator (pt_testlib.c), invlpg calls are recorded.  Every
 * test runs twice, with four levels and with five (LA57: fixture
 * setup5); table counts are written in terms of lv, the fixture's.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "../../arch/x86_64/cpu.h"
#include "../../arch/x86_64/machine.h"
#include "../../arch/x86_64/pt.h"
#include "../../lib/errno.h"
#include "../../mm/arch_hooks.h"
#include "../../mm/kmem.h"
#include "../host/physmem_host.h"
#include "pt_testlib.h"
#include "unit.h"

#define FRAMES_BASE  GiB(1)
#define NFRAMES      8192
#define RWNX         (PTE_RW | PTE_XD)

static struct tframes tf;
static struct pt pt;
static unsigned int lv = 4;     /* levels of the fixture's tables */
static vaddr_t rnd_base;        /* the randomised test's window */

static void setup(void)
{
	pt_set_live_levels(lv);
	arch_pt_set_levels(lv);
	rnd_base = lv == 5 ? 0x0012340000000000ULL : GiB(6);
	host_physmem_reset();
	cpu_host_set_1g(true);
	cpu_host_set_nx(true);
	cpu_host_set_pcid(false, false);
	cpu_host_invlpg_reset();
	tframes_init(&tf, FRAMES_BASE, NFRAMES);
	ck_assert_int_eq(pt_init(&pt, &tf.alloc, lv, true, true), 0);
}

/* The same fixture with five levels. */
static void setup5(void)
{
	lv = 5;
	setup();
}

static void teardown(void)
{
	tframes_fini(&tf);
	lv = 4;
	pt_set_live_levels(4);
	arch_pt_set_levels(4);
}

/* Translation of va: phys (or ~0 if unmapped), prot and level. */
static uint64_t xlate(vaddr_t va, uint64_t *prot, int *level)
{
	paddr_t p;

	if (pt_translate(&pt, va, &p, prot, level))
		return ~0ULL;
	return paddr_raw(p);
}

static int level_of(vaddr_t va)
{
	uint64_t prot;
	int level = -1;

	xlate(va, &prot, &level);
	return level;
}

static bool flushed(vaddr_t lo, uint64_t span)
{
	size_t n;
	const vaddr_t *log = cpu_host_invlpg_log(&n);

	for (size_t i = 0; i < n; i++)
		if (log[i] - lo < span)
			return true;
	return false;
}

START_TEST(map_translate_4k)
{
	uint64_t prot;
	int level;

	ck_assert_int_eq(pt_map(&pt, 0x400000, PADDR(0x12345000), 3 * PAGE_SIZE,
				RWNX, false), 0);
	ck_assert_uint_eq(xlate(0x401abc, &prot, &level), 0x12346abc);
	ck_assert_uint_eq(prot, RWNX);
	ck_assert_int_eq(level, PT_LEVEL_PT);
	ck_assert_uint_eq(xlate(0x403000, NULL, NULL), ~0ULL);
	ck_assert_uint_eq(tf.outstanding, lv);
	ck_assert_int_eq(pt_protect(&pt, 0x400000, PAGE_SIZE, PTE_PCD), 0);
	ck_assert_uint_eq(xlate(0x400000, &prot, NULL), 0x12345000);
	ck_assert_uint_eq(prot, PTE_PCD);
	ck_assert(flushed(0x400000, PAGE_SIZE));
	ck_assert_int_eq(pt_unmap(&pt, 0x400000, 3 * PAGE_SIZE), 0);
	ck_assert_uint_eq(xlate(0x400000, NULL, NULL), ~0ULL);
	ck_assert_uint_eq(tf.outstanding, 1);
	ck_assert_int_eq(pt_protect(&pt, 0x400000, PAGE_SIZE, 0), -EFAULT);
}
END_TEST

START_TEST(map_large_pages)
{
	uint64_t prot;
	int level;

	/* 2 MiB leaves where aligned, 4 KiB at the unaligned head. */
	ck_assert_int_eq(pt_map(&pt, 0x1ff000, PADDR(0x7ff000),
				PAGE_SIZE + 2 * SZ_2M, PTE_RW, true), 0);
	ck_assert_int_eq(level_of(0x1ff000), PT_LEVEL_PT);
	ck_assert_uint_eq(xlate(0x300123, &prot, &level), 0x900123);
	ck_assert_int_eq(level, PT_LEVEL_PD);
	ck_assert_uint_eq(prot, PTE_RW);
	ck_assert_int_eq(level_of(0x400000), PT_LEVEL_PD);
	/* Misaligned phys: no large page possible. */
	ck_assert_int_eq(pt_map(&pt, 0x40000000, PADDR(0x1000), SZ_2M, 0, true), 0);
	ck_assert_int_eq(level_of(0x40000000), PT_LEVEL_PT);
	/* 1 GiB leaf in the upper half. */
	ck_assert_int_eq(pt_map(&pt, 0xffffffff80000000ULL, PADDR(GiB(3)),
				SZ_1G, PTE_XD, true), 0);
	ck_assert_uint_eq(xlate(0xffffffffbfffffffULL, &prot, &level),
			  GiB(4) - 1);
	ck_assert_int_eq(level, PT_LEVEL_PDPT);
	ck_assert_uint_eq(prot, PTE_XD);
	/* Remap over the 1 GiB page with 4 KiB pages and back. */
	ck_assert_int_eq(pt_map(&pt, 0xffffffff80000000ULL, PADDR(GiB(3)),
				SZ_2M, PTE_XD, false), 0);
	ck_assert_int_eq(level_of(0xffffffff80000000ULL), PT_LEVEL_PT);
	ck_assert_int_eq(level_of(0xffffffff80200000ULL), PT_LEVEL_PD);
	ck_assert_int_eq(pt_map(&pt, 0xffffffff80000000ULL, PADDR(GiB(3)),
				SZ_1G, PTE_XD, true), 0);
	ck_assert_int_eq(level_of(0xffffffff80000000ULL), PT_LEVEL_PDPT);
	/* Emptying everything returns every table page. */
	ck_assert_int_eq(pt_unmap(&pt, 0, GiB(2)), 0);
	ck_assert_int_eq(pt_unmap(&pt, 0xffffffff80000000ULL, SZ_1G), 0);
	ck_assert_uint_eq(tf.outstanding, 1);
}
END_TEST

START_TEST(no_1g_without_cpuid)
{
	paddr_t p;
	int level;

	cpu_host_set_1g(false);
	ck_assert_int_eq(arch_pt_init(&tf.alloc), 0);
	ck_assert_int_eq(arch_mem_map(SZ_1G, PADDR(SZ_1G), SZ_1G,
				      K_MEM_PERM_RW | K_MEM_MAP_LARGE), 0);
	pt_attach(&pt, arch_pt_root(), lv);
	ck_assert_int_eq(pt_translate(&pt, SZ_1G + 5, &p, NULL, &level), 0);
	ck_assert_int_eq(level, PT_LEVEL_PD);
	ck_assert_uint_eq(paddr_raw(p), SZ_1G + 5);
	ck_assert_uint_eq(pt_count_tables(arch_pt_root(), lv), lv - 1);
}
END_TEST

/* The canonical hole of the fixture's width: 2^47 or 2^56 up. */
START_TEST(noncanonical_einval)
{
	const vaddr_t hole = 1ULL << (pt_va_bits(lv) - 1);
	const vaddr_t low_last = hole - PAGE_SIZE;

	ck_assert(!arch_is_canonical(hole));
	ck_assert(arch_is_canonical(~(hole - 1)));
	ck_assert(arch_is_canonical(low_last));
	ck_assert(arch_is_canonical(0x0000800000000000ULL) == (lv == 5));
	ck_assert_int_eq(pt_map(&pt, hole, PADDR(0), PAGE_SIZE,
				0, false), -EINVAL);
	/* Crossing the hole, and wrapping past 2^64. */
	ck_assert_int_eq(pt_map(&pt, low_last, PADDR(0),
				2 * PAGE_SIZE, 0, false), -EINVAL);
	ck_assert_int_eq(pt_unmap(&pt, 0xfffffffffffff000ULL, 2 * PAGE_SIZE),
			 -EINVAL);
	ck_assert_int_eq(pt_protect(&pt, hole + 0x100000000000ULL, PAGE_SIZE, 0),
			 -EINVAL);
	ck_assert_int_eq(pt_translate(&pt, hole, NULL, NULL,
				      NULL), -EINVAL);
	/* Phys beyond MAXPHYADDR. */
	ck_assert_int_eq(pt_map(&pt, 0, PADDR(1ULL << 52), PAGE_SIZE, 0, false),
			 -EINVAL);
	ck_assert_uint_eq(tf.outstanding, 1);
	/* The very last page and the last lower-half page are fine. */
	ck_assert_int_eq(pt_map(&pt, 0xfffffffffffff000ULL, PADDR(0x5000),
				PAGE_SIZE, 0, false), 0);
	ck_assert_uint_eq(xlate(0xffffffffffffffffULL, NULL, NULL), 0x5fff);
	ck_assert_int_eq(pt_map(&pt, low_last, PADDR(0x6000),
				PAGE_SIZE, 0, false), 0);
	ck_assert_uint_eq(xlate(low_last, NULL, NULL), 0x6000);
}
END_TEST

START_TEST(split_keeps_other_pages)
{
	const vaddr_t va = 0x40000000;
	uint64_t *pde, prot;
	int level;

	ck_assert_int_eq(pt_map(&pt, va, PADDR(0x80000000), SZ_2M,
				RWNX | PTE_PCD | PTE_PAT, true), 0);
	pde = pt_find(pt.root, lv, va, &level);
	ck_assert_int_eq(level, PT_LEVEL_PD);
	ck_assert(*pde & PTE_PAT_LARGE);
	*pde |= PTE_A | PTE_D;
	cpu_host_invlpg_reset();
	ck_assert_int_eq(pt_protect(&pt, va + 7 * PAGE_SIZE, PAGE_SIZE, PTE_XD), 0);
	ck_assert(flushed(va + 7 * PAGE_SIZE, PAGE_SIZE));
	for (unsigned int i = 0; i < 512; i++) {
		uint64_t *pte = pt_find(pt.root, lv, va + i * PAGE_SIZE, &level);

		ck_assert_int_eq(level, PT_LEVEL_PT);
		ck_assert_uint_eq(xlate(va + i * PAGE_SIZE, &prot, NULL),
				  0x80000000 + i * PAGE_SIZE);
		ck_assert_uint_eq(prot, i == 7 ? PTE_XD :
				  RWNX | PTE_PCD | PTE_PAT);
		ck_assert_uint_eq(*pte & (PTE_A | PTE_D), PTE_A | PTE_D);
	}
	ck_assert_uint_eq(tf.outstanding, lv);
	/* Not uniform yet: no merge. */
	ck_assert_uint_eq(pt_merge(&pt, va, SZ_2M), 0);
	ck_assert_int_eq(pt_protect(&pt, va + 7 * PAGE_SIZE, PAGE_SIZE,
				    RWNX | PTE_PCD | PTE_PAT), 0);
	/* A range not covering the whole table does not merge it. */
	ck_assert_uint_eq(pt_merge(&pt, va, SZ_2M - PAGE_SIZE), 0);
	ck_assert_uint_eq(pt_merge(&pt, va, SZ_2M), 1);
	pde = pt_find(pt.root, lv, va, &level);
	ck_assert_int_eq(level, PT_LEVEL_PD);
	ck_assert_uint_eq(*pde & (PTE_A | PTE_D | PTE_PAT_LARGE),
			  PTE_A | PTE_D | PTE_PAT_LARGE);
	ck_assert_uint_eq(xlate(va + 0x1234, &prot, NULL), 0x80001234);
	ck_assert_uint_eq(prot, RWNX | PTE_PCD | PTE_PAT);
	ck_assert_uint_eq(tf.outstanding, lv - 1);
}
END_TEST

START_TEST(split_1g_and_merge_up)
{
	const vaddr_t va = GiB(4);

	ck_assert_int_eq(pt_map(&pt, va, PADDR(GiB(8)), SZ_1G, PTE_RW, true), 0);
	ck_assert_int_eq(pt_unmap(&pt, va + SZ_2M + PAGE_SIZE, PAGE_SIZE), 0);
	ck_assert_int_eq(level_of(va), PT_LEVEL_PD);
	ck_assert_int_eq(level_of(va + SZ_2M), PT_LEVEL_PT);
	ck_assert_uint_eq(xlate(va + SZ_2M + PAGE_SIZE, NULL, NULL), ~0ULL);
	ck_assert_uint_eq(xlate(va + SZ_1G - 1, NULL, NULL), GiB(9) - 1);
	ck_assert_uint_eq(tf.outstanding, lv);
	ck_assert_int_eq(pt_map(&pt, va + SZ_2M + PAGE_SIZE,
				PADDR(GiB(8) + SZ_2M + PAGE_SIZE), PAGE_SIZE,
				PTE_RW, false), 0);
	ck_assert_uint_eq(pt_merge(&pt, 0, GiB(8)), 2);
	ck_assert_int_eq(level_of(va + SZ_2M), PT_LEVEL_PDPT);
	ck_assert_uint_eq(tf.outstanding, lv - 2);
}
END_TEST

START_TEST(emptied_tables_freed)
{
	static const vaddr_t vas[] = {
		0, 0x7fffffe00000ULL, 0xffff800000000000ULL, 0x123456789000ULL,
		0xffffffffc0000000ULL,
	};

	for (size_t i = 0; i < ARRAY_SIZE(vas); i++)
		ck_assert_int_eq(pt_map(&pt, vas[i], PADDR(0x1000 * i),
					PAGE_SIZE, 0, false), 0);
	/* With five levels the lower and upper addresses share a PML4 each. */
	ck_assert_uint_eq(tf.outstanding, 1 + 3 * ARRAY_SIZE(vas) +
			  (lv == 5 ? 2 : 0));
	for (size_t i = 0; i < ARRAY_SIZE(vas); i++)
		ck_assert_int_eq(pt_unmap(&pt, vas[i], PAGE_SIZE), 0);
	ck_assert_uint_eq(tf.outstanding, 1);
	ck_assert_uint_eq(pt_count_tables(pt.root, lv), 1);
	pt_destroy(&pt);
	ck_assert_uint_eq(tf.outstanding, 0);
}
END_TEST

START_TEST(user_bit_on_intermediates)
{
	uint64_t *e;
	uint64_t *root = arch_phys_to_ptr(pt.root);
	int level;

	ck_assert_int_eq(pt_map(&pt, 0x200000, PADDR(0), PAGE_SIZE, 0, false), 0);
	ck_assert_int_eq(pt_map(&pt, 0x201000, PADDR(0), PAGE_SIZE, PTE_US,
				false), 0);
	ck_assert(root[0] & PTE_US);
	e = pt_find(pt.root, lv, 0x201000, &level);
	ck_assert(*e & PTE_US);
	ck_assert_int_eq(pt_unmap(&pt, 0x201000, PAGE_SIZE), 0);
	ck_assert(!(root[0] & PTE_US));
	ck_assert(root[0] & PTE_RW);
	ck_assert(!(root[0] & PTE_XD));
	ck_assert_int_eq(pt_protect(&pt, 0x200000, PAGE_SIZE, PTE_US), 0);
	ck_assert(root[0] & PTE_US);
}
END_TEST

/* Runs op against an allocator failing after n gets, for every n until it
 * succeeds; each failure must leave tables, frames and TLB untouched. */
static void rollback_every_n(int (*op)(void))
{
	for (long n = 0;; n++) {
		struct pt_snapshot a, b;
		size_t before = tf.outstanding, nflush;
		int ret;

		pt_snapshot_take(&a, pt.root, lv);
		cpu_host_invlpg_reset();
		tf.fail_after = n;
		ret = op();
		tf.fail_after = -1;
		if (ret == 0) {
			pt_snapshot_free(&a);
			ck_assert_int_gt(n, 0);
			return;
		}
		ck_assert_int_eq(ret, -ENOMEM);
		pt_snapshot_take(&b, pt.root, lv);
		ck_assert(pt_snapshot_equal(&a, &b));
		ck_assert_uint_eq(tf.outstanding, before);
		cpu_host_invlpg_log(&nflush);
		ck_assert_uint_eq(nflush, 0);
		pt_snapshot_free(&a);
		pt_snapshot_free(&b);
	}
}

static int op_map_across(void)
{
	/* 4 KiB pages over a 1 GiB leaf's edge, a 2 MiB leaf, and new space. */
	return pt_map(&pt, GiB(2) - SZ_2M - PAGE_SIZE, PADDR(0x100000),
		      2 * SZ_2M + 3 * PAGE_SIZE, PTE_RW, false);
}

static int op_protect_inside_1g(void)
{
	return pt_protect(&pt, GiB(1) + 5 * PAGE_SIZE, PAGE_SIZE, 0);
}

static int op_unmap_middle(void)
{
	return pt_unmap(&pt, GiB(2) + PAGE_SIZE, SZ_2M);
}

START_TEST(enomem_rollback_every_n)
{
	ck_assert_int_eq(pt_map(&pt, GiB(1), PADDR(GiB(1)), SZ_1G, PTE_RW,
				true), 0);
	ck_assert_int_eq(pt_map(&pt, GiB(2), PADDR(GiB(2)), 2 * SZ_2M, PTE_RW,
				true), 0);
	rollback_every_n(op_protect_inside_1g);
	ck_assert_int_eq(level_of(GiB(1) + 5 * PAGE_SIZE), PT_LEVEL_PT);
	rollback_every_n(op_unmap_middle);
	ck_assert_uint_eq(xlate(GiB(2) + PAGE_SIZE, NULL, NULL), ~0ULL);
	ck_assert_uint_eq(xlate(GiB(2), NULL, NULL), GiB(2));
	rollback_every_n(op_map_across);
	ck_assert_uint_eq(xlate(GiB(2) - PAGE_SIZE, NULL, NULL), 0x100000 +
			  SZ_2M);
}
END_TEST

/* The single-address walk returns every entry it passed, last one as
 * pt_find sees it. */
START_TEST(walk_returns_path)
{
	struct pt_path path;
	int level;

	ck_assert_int_eq(pt_map(&pt, 0x201000, PADDR(0x5000), PAGE_SIZE, PTE_RW,
				false), 0);
	ck_assert_int_eq(pt_map(&pt, GiB(1), PADDR(GiB(1)), SZ_2M, PTE_RW,
				true), 0);
	pt_walk(pt.root, lv, 0x201008, &path);
	ck_assert_uint_eq(path.n, lv);
	for (unsigned int i = 0; i < path.n; i++) {
		int l = pt_top(lv) + (int)i;

		ck_assert_int_eq(path.step[i].level, l);
		ck_assert_uint_eq(path.step[i].e, *path.step[i].slot);
		ck_assert_uint_eq(path.step[i].base,
				  ALIGN_DOWN(0x201008, pt_span(l)));
	}
	ck_assert_str_eq(pt_levels[path.step[0].level].name,
			 lv == 5 ? "PML5" : "PML4");
	ck_assert_ptr_eq(path.step[lv - 1].slot,
			 pt_find(pt.root, lv, 0x201008, &level));
	ck_assert_uint_eq(path.step[lv - 1].e, PTE_P | PTE_RW | 0x5000);
	ck_assert(pt_is_table(pt_top(lv), path.step[0].e));
	pt_walk(pt.root, lv, GiB(1) + 0x3000, &path);
	ck_assert_uint_eq(path.n, lv - 1);
	ck_assert(pt_is_leaf(PT_LEVEL_PD, path.step[lv - 2].e));
	pt_walk(pt.root, lv, 0x7f0000000000ULL, &path);
	ck_assert_uint_eq(path.n, lv - 3);
	ck_assert_uint_eq(path.step[lv - 4].e, 0);
}
END_TEST

static int op_nonresident_range(void)
{
	/* 1 MiB before a 2 MiB boundary to 1 MiB after it: two new tables. */
	return pt_map_nonresident(&pt, GiB(3) - MiB(1), SZ_2M,
				  pte_paged_out(9, PTE_RW | PTE_XD));
}

/* One call writes the paged-out entry for every page of a range (over a
 * present page, which is flushed), or on -ENOMEM changes nothing. */
START_TEST(nonresident_range)
{
	uint64_t *e;
	int level;

	ck_assert_int_eq(pt_map(&pt, GiB(3), PADDR(0x200000), PAGE_SIZE, PTE_RW,
				false), 0);
	rollback_every_n(op_nonresident_range);
	ck_assert(flushed(GiB(3), PAGE_SIZE));
	for (vaddr_t va = GiB(3) - MiB(1); va < GiB(3) + MiB(1); va += PAGE_SIZE) {
		e = pt_find(pt.root, lv, va, &level);
		ck_assert_int_eq(level, PT_LEVEL_PT);
		ck_assert(pte_is_paged_out(*e));
		ck_assert_uint_eq(pte_paged_out_location(*e), 9);
	}
	ck_assert_uint_eq(xlate(GiB(3) - MiB(1) - PAGE_SIZE, NULL, NULL), ~0ULL);
	ck_assert(!pte_is_paged_out(*pt_find(pt.root, lv, GiB(3) + MiB(1), &level)));
	ck_assert_int_eq(pt_unmap(&pt, GiB(3) - MiB(1), SZ_2M), 0);
	ck_assert_uint_eq(tf.outstanding, 1);
}
END_TEST

START_TEST(paged_out_encoding)
{
	static const uint64_t locs[] = { 0, 1, 0x12345678, PTE_LOC_MAX };
	static const uint64_t prots[] = {
		0, PTE_RW, PTE_US | PTE_XD, PTE_PWT | PTE_PCD | PTE_PAT,
		PTE_SAVED_MASK,
	};

	for (size_t i = 0; i < ARRAY_SIZE(locs); i++) {
		for (size_t j = 0; j < ARRAY_SIZE(prots); j++) {
			uint64_t e = pte_paged_out(locs[i], prots[j]);

			ck_assert_uint_ne(e, 0);
			ck_assert(!(e & PTE_P));
			ck_assert(pte_is_paged_out(e));
			ck_assert_uint_eq(pte_paged_out_location(e), locs[i]);
			ck_assert_uint_eq(e & PTE_SAVED_MASK, prots[j]);
		}
	}
	ck_assert(!pte_is_paged_out(0));
	ck_assert(!pte_is_paged_out(PTE_P | PTE_SW_PAGED_OUT));
}
END_TEST

/* Pages va back in through the fault path's handle (arch_page_locate). */
static void page_in(vaddr_t va, paddr_t frame)
{
	struct arch_pte_ref ref;
	uint64_t loc;

	ck_assert_int_eq(arch_page_locate(va, &loc, &ref),
			 ARCH_PAGE_LOCATION_PAGED_OUT);
	arch_pte_page_in(&ref, frame);
}

START_TEST(paging_hooks_round_trip)
{
	const vaddr_t va = 0x7000000;
	uint64_t loc;
	uint32_t flags;
	paddr_t p;

	ck_assert_int_eq(arch_pt_init(&tf.alloc), 0);
	ck_assert_int_eq(arch_page_location_get(va, &loc), ARCH_PAGE_LOCATION_BAD);
	ck_assert_uint_eq(arch_page_info_get(va, NULL, false),
			  ARCH_DATA_PAGE_NOT_MAPPED);
	ck_assert_int_eq(arch_mem_map_nonresident(va, PAGE_SIZE, 0, K_MEM_PERM_RW |
						  K_MEM_PERM_USER), 0);
	ck_assert_int_eq(arch_mem_map_nonresident(va, PAGE_SIZE, PTE_LOC_MAX + 1,
						  0), -EINVAL);
	ck_assert_int_eq(arch_page_location_get(va, &loc),
			 ARCH_PAGE_LOCATION_PAGED_OUT);
	ck_assert_uint_eq(loc, 0);
	ck_assert_uint_eq(arch_page_info_get(va, NULL, false), 0);
	ck_assert_int_eq(arch_mem_translate(va, NULL, NULL), -EFAULT);
	page_in(va, PADDR(0x55000));
	ck_assert_uint_eq(arch_page_info_get(va, &p, false), ARCH_DATA_PAGE_LOADED);
	ck_assert_uint_eq(paddr_raw(p), 0x55000);
	ck_assert_int_eq(arch_mem_translate(va + 8, &p, &flags), 0);
	ck_assert_uint_eq(paddr_raw(p), 0x55008);
	ck_assert_uint_eq(flags, K_MEM_PERM_RW | K_MEM_PERM_USER);
	/* Accessed/dirty as the CPU would set them, then clear_accessed. */
	*pt_find(arch_pt_root(), lv, va, &(int){ 0 }) |= PTE_A | PTE_D;
	cpu_host_invlpg_reset();
	ck_assert_uint_eq(arch_page_info_get(va, NULL, true),
			  ARCH_DATA_PAGE_LOADED | ARCH_DATA_PAGE_ACCESSED |
			  ARCH_DATA_PAGE_DIRTY);
	ck_assert(flushed(va, PAGE_SIZE));
	ck_assert_uint_eq(arch_page_info_get(va, NULL, false),
			  ARCH_DATA_PAGE_LOADED | ARCH_DATA_PAGE_DIRTY);
	arch_mem_page_out(va, 0xabcdef);
	ck_assert(flushed(va, PAGE_SIZE));
	ck_assert_int_eq(arch_page_location_get(va, &loc),
			 ARCH_PAGE_LOCATION_PAGED_OUT);
	ck_assert_uint_eq(loc, 0xabcdef);
	page_in(va, PADDR(0x66000));
	ck_assert_uint_eq(arch_page_info_get(va, NULL, false), ARCH_DATA_PAGE_LOADED);
	ck_assert_int_eq(arch_mem_translate(va, &p, &flags), 0);
	ck_assert_uint_eq(flags, K_MEM_PERM_RW | K_MEM_PERM_USER);
	ck_assert_int_eq(arch_page_location_get(va, &loc),
			 ARCH_PAGE_LOCATION_PAGED_IN);
	ck_assert_uint_eq(loc, 0x66000);
	ck_assert_int_eq(arch_mem_unmap(va, PAGE_SIZE), 0);
	ck_assert_uint_eq(pt_count_tables(arch_pt_root(), lv), 1);
	ck_assert_uint_eq(tf.outstanding, 2);   /* the fixture's root too */
}
END_TEST

START_TEST(hooks_flags_and_wx)
{
	uint32_t flags;

	ck_assert_int_eq(arch_pt_init(&tf.alloc), 0);
	ck_assert_int_eq(arch_mem_map(0x1000, PADDR(0x1000), PAGE_SIZE,
				      K_MEM_PERM_RW | K_MEM_PERM_EXEC), -EINVAL);
	ck_assert_int_eq(arch_mem_map(0x1000, PADDR(0x1000), PAGE_SIZE, 5),
			 -EINVAL);
	ck_assert_int_eq(arch_mem_map(0x1000, PADDR(0x1000), PAGE_SIZE,
				      K_MEM_PERM_EXEC | K_MEM_CACHE_WT), 0);
	ck_assert_int_eq(arch_mem_translate(0x1000, NULL, &flags), 0);
	ck_assert_uint_eq(flags, K_MEM_PERM_EXEC | K_MEM_CACHE_WT);
	ck_assert_int_eq(arch_mem_protect(0x1000, PAGE_SIZE, K_MEM_PERM_RW |
					  K_MEM_CACHE_NONE), 0);
	ck_assert_int_eq(arch_mem_translate(0x1000, NULL, &flags), 0);
	ck_assert_uint_eq(flags, K_MEM_PERM_RW | K_MEM_CACHE_NONE);
	ck_assert_int_eq(arch_mem_protect(0x1000, 2 * PAGE_SIZE, 0), -EFAULT);
	ck_assert_int_eq(arch_mem_translate(0x1000, NULL, &flags), 0);
	ck_assert_uint_eq(flags, K_MEM_PERM_RW | K_MEM_CACHE_NONE);
	arch_pt_activate();
	ck_assert_uint_eq(cpu_read_cr3(), paddr_raw(arch_pt_root()));
}
END_TEST

START_TEST(no_nx_no_xd)
{
	uint32_t flags;

	cpu_host_set_nx(false);
	ck_assert_int_eq(arch_pt_init(&tf.alloc), 0);
	ck_assert_int_eq(arch_mem_map(0x1000, PADDR(0x1000), PAGE_SIZE,
				      K_MEM_PERM_RW), 0);
	ck_assert(!(*pt_find(arch_pt_root(), lv, 0x1000, &(int){ 0 }) & PTE_XD));
	ck_assert_int_eq(arch_mem_translate(0x1000, NULL, &flags), 0);
	ck_assert_uint_eq(flags, K_MEM_PERM_RW | K_MEM_PERM_EXEC);
}
END_TEST

START_TEST(page_out_unmapped_dies)
{
	ck_assert_int_eq(arch_pt_init(&tf.alloc), 0);
	arch_mem_page_out(0x5000, 1);
}
END_TEST

/* ---- payload address spaces (arch_as_create / arch_as_destroy) ---------- */

#define AS_LO 0x0000500000000000ULL
#define AS_HI 0x0000700000000000ULL

/* The PML4 under root (its first entry's table with five levels). */
static const uint64_t *pml4_of(paddr_t root)
{
	const uint64_t *t = arch_phys_to_ptr(root);

	return lv == 5 ? pt_table_ptr(PT_LEVEL_PML5, t[0]) : t;
}

/* A kernel page at 0x1000 and the kernel tables loaded. */
static void as_kernel(void)
{
	ck_assert_int_eq(arch_pt_init(&tf.alloc), 0);
	ck_assert_int_eq(arch_mem_map(0x1000, PADDR(0x9000), PAGE_SIZE, K_MEM_PERM_RW), 0);
	arch_pt_activate();
}

START_TEST(as_shares_kernel_owns_user)
{
	paddr_t kroot, uroot, p;
	size_t before;
	int level;

	as_kernel();
	kroot = arch_pt_root();
	before = tf.outstanding;
	ck_assert_int_eq(arch_as_create(AS_LO, AS_HI), 0);
	uroot = arch_pt_root();
	ck_assert_uint_ne(paddr_raw(uroot), paddr_raw(kroot));
	ck_assert_uint_eq(cpu_read_cr3(), paddr_raw(uroot));
	ck_assert_int_eq(arch_mem_map(AS_LO, PADDR(0xa000), PAGE_SIZE,
				      K_MEM_PERM_RW | K_MEM_PERM_USER), 0);
	/* the user page is in the payload's tables only, with U/S on the path */
	ck_assert_int_eq(arch_mem_translate(AS_LO, &p, NULL), 0);
	ck_assert_uint_eq(paddr_raw(p), 0xa000);
	ck_assert(*pt_find(uroot, lv, AS_LO, &level) & PTE_US);
	ck_assert_uint_eq(level, PT_LEVEL_PT);
	ck_assert(pml4_of(uroot)[pt_index(PT_LEVEL_PML4, AS_LO)] & PTE_US);
	/* with five levels the PML5E above the user slots is the payload's */
	ck_assert(lv == 4 || (((uint64_t *)arch_phys_to_ptr(uroot))[0] & PTE_US));
	pt_find(kroot, lv, AS_LO, &level);
	ck_assert_int_eq(level, PT_LEVEL_PML4);
	/* efimm's page: the same PML4 entry, supervisor-only, in both */
	ck_assert_ptr_ne(pml4_of(uroot), pml4_of(kroot));
	ck_assert_uint_eq(pml4_of(uroot)[0], pml4_of(kroot)[0]);
	ck_assert(!(*pt_find(uroot, lv, 0x1000, &level) & PTE_US));
	ck_assert_int_eq(arch_mem_unmap(AS_LO, PAGE_SIZE), 0);
	arch_as_destroy();
	ck_assert_uint_eq(cpu_read_cr3(), paddr_raw(kroot));
	ck_assert_uint_eq(paddr_raw(arch_pt_root()), paddr_raw(kroot));
	ck_assert_uint_eq(tf.outstanding, before);
	ck_assert_int_eq(arch_mem_translate(0x1000, &p, NULL), 0);
}
END_TEST

/* With PCIDs: the payload runs as PCID 1, flushed on entry; leaving keeps
 * PCID 0's entries (no-flush bit) unless a kernel mapping changed while
 * the payload's tables were loaded; INVPCID drops PCID 1's. */
START_TEST(as_pcid_switches)
{
	paddr_t kroot;

	cpu_host_set_pcid(true, true);
	as_kernel();
	kroot = arch_pt_root();
	ck_assert_int_eq(arch_as_create(AS_LO, AS_HI), 0);
	ck_assert_uint_eq(cpu_read_cr3(), paddr_raw(arch_pt_root()) | 1);
	arch_as_destroy();
	ck_assert_uint_eq(cpu_read_cr3(), paddr_raw(kroot) | (1ULL << 63));
	ck_assert_uint_eq(cpu_host_invpcid_count(), 1);
	ck_assert_int_eq(arch_as_create(AS_LO, AS_HI), 0);
	ck_assert_int_eq(arch_mem_unmap(0x1000, PAGE_SIZE), 0);
	arch_as_destroy();
	ck_assert_uint_eq(cpu_read_cr3(), paddr_raw(kroot));
	ck_assert_uint_eq(cpu_host_invpcid_count(), 2);
}
END_TEST

START_TEST(as_destroy_with_user_pages_dies)
{
	as_kernel();
	ck_assert_int_eq(arch_as_create(AS_LO, AS_HI), 0);
	ck_assert_int_eq(arch_mem_map(AS_LO, PADDR(0xa000), PAGE_SIZE,
				      K_MEM_PERM_USER), 0);
	arch_as_destroy();
}
END_TEST

/* ---- randomised test against a flat reference model -------------------- */

#define RND_BASE    rnd_base
#define RND_SPAN    GiB(2)
#define RND_PAGES   (RND_SPAN / PAGE_SIZE)
#define RND_FULL    250   /* full check every RND_FULL steps */

/* Check records a checkpoint (a file write) per ck_assert; the hot loops
 * below test plainly and call Check only on failure. */
#define REQUIRE(cond, ...) \
	do { \
		if (!(cond)) \
			ck_abort_msg(__VA_ARGS__); \
	} while (0)

struct model {
	uint64_t phys[RND_PAGES];  /* ~0: unmapped */
	uint64_t prot[RND_PAGES];
	int level[RND_PAGES];      /* leaf level before the current op */
};

static uint64_t rng_state;

static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static uint64_t rnd_below(uint64_t n)
{
	return rnd() % n;
}

static uint64_t rnd_prot(void)
{
	static const uint64_t perms[] = {
		RWNX, PTE_XD, 0, RWNX | PTE_US, PTE_US, PTE_XD | PTE_US,
	};
	static const uint64_t caches[] = { 0, 0, PTE_PWT, PTE_PCD | PTE_PWT };

	return perms[rnd_below(ARRAY_SIZE(perms))] |
	       caches[rnd_below(ARRAY_SIZE(caches))];
}

/* A random page-aligned range inside the window, of one of three scales. */
static void rnd_range(uint64_t *first, uint64_t *npages)
{
	uint64_t per_2m = SZ_2M / PAGE_SIZE, per_1g = SZ_1G / PAGE_SIZE;

	switch (rnd_below(16)) {
	case 0:
		*npages = per_1g;
		*first = rnd_below(2) * per_1g;
		return;
	case 1: case 2: case 3: case 4: case 5: case 6:
		*npages = (1 + rnd_below(3)) * per_2m + rnd_below(3) - 1 +
			  (rnd_below(2) ? 1 : 0);
		*first = rnd_below(RND_PAGES / per_2m - 4) * per_2m +
			 rnd_below(2) * rnd_below(per_2m);
		return;
	default:
		*npages = 1 + rnd_below(24);
		*first = rnd_below(RND_PAGES - 24);
		return;
	}
}

static void model_check_page(const struct model *m, uint64_t i)
{
	uint64_t prot = 0;
	uint64_t phys = xlate(RND_BASE + i * PAGE_SIZE, &prot, NULL);

	REQUIRE(phys == m->phys[i], "page %llu: phys 0x%llx, model 0x%llx",
		(unsigned long long)i, (unsigned long long)phys,
		(unsigned long long)m->phys[i]);
	REQUIRE(phys == ~0ULL || prot == m->prot[i],
		"page %llu: prot 0x%llx, model 0x%llx", (unsigned long long)i,
		(unsigned long long)prot, (unsigned long long)m->prot[i]);
}

/* Every non-root table has an entry; intermediate US matches below. */
static void check_table_invariants(int level, const uint64_t *t, bool root)
{
	bool any = false;

	for (unsigned int i = 0; i < PT_ENTRIES; i++) {
		bool user = false;
		const uint64_t *c;

		any = any || t[i];
		if (!pt_is_table(level, t[i]))
			continue;
		c = pt_table_ptr(level, t[i]);
		for (unsigned int j = 0; j < PT_ENTRIES; j++)
			user = user || (c[j] & PTE_US);
		REQUIRE(!!(t[i] & PTE_US) == user, "US mismatch at level %d", level);
		check_table_invariants(level + 1, c, false);
	}
	REQUIRE(root || any, "empty table left at level %d", level);
}

static void model_record_levels(struct model *m, uint64_t first, uint64_t n)
{
	for (uint64_t i = first; i < first + n; i++)
		m->level[i] = level_of(RND_BASE + i * PAGE_SIZE);
}

static int cmp_va(const void *a, const void *b)
{
	vaddr_t x = *(const vaddr_t *)a, y = *(const vaddr_t *)b;

	return x < y ? -1 : x > y;
}

/* True if the sorted log holds an address in [lo, lo + span). */
static bool sorted_flushed(const vaddr_t *log, size_t n, vaddr_t lo,
			   uint64_t span)
{
	size_t a = 0, b = n;

	while (a < b) {
		size_t mid = a + (b - a) / 2;

		if (log[mid] < lo)
			a = mid + 1;
		else
			b = mid;
	}
	return a < n && log[a] - lo < span;
}

/* Every page whose mapping was present and changed has been flushed. */
static void model_check_flushed(const struct model *m, uint64_t first,
				uint64_t n, const uint64_t *old_phys,
				const uint64_t *old_prot)
{
	size_t nlog;
	const vaddr_t *log = cpu_host_invlpg_log(&nlog);
	vaddr_t *sorted = malloc((nlog + 1) * sizeof(vaddr_t));

	ck_assert(sorted);
	if (nlog)
		memcpy(sorted, log, nlog * sizeof(vaddr_t));
	qsort(sorted, nlog, sizeof(vaddr_t), cmp_va);
	for (uint64_t i = first; i < first + n; i++) {
		vaddr_t va = RND_BASE + i * PAGE_SIZE;
		uint64_t span;

		if (old_phys[i - first] == ~0ULL)
			continue;
		if (old_phys[i - first] == m->phys[i] &&
		    old_prot[i - first] == m->prot[i])
			continue;
		span = pt_span(m->level[i]);
		REQUIRE(sorted_flushed(sorted, nlog, ALIGN_DOWN(va, span), span),
			"page 0x%lx changed without invlpg", va);
	}
	free(sorted);
}

/* One random op; updates the model as the op should have changed it. */
static void random_step(struct model *m, uint64_t *old_phys, uint64_t *old_prot)
{
	uint64_t first, n, prot = rnd_prot();
	vaddr_t va;
	int kind = (int)rnd_below(4), ret;
	bool all_mapped = true;

	rnd_range(&first, &n);
	va = RND_BASE + first * PAGE_SIZE;
	model_record_levels(m, first, n);
	for (uint64_t i = 0; i < n; i++) {
		old_phys[i] = m->phys[first + i];
		old_prot[i] = m->prot[first + i];
		all_mapped = all_mapped && old_phys[i] != ~0ULL;
	}
	cpu_host_invlpg_reset();
	if (kind <= 1) {
		uint64_t delta = rnd_below(2) ? rnd_below(64) * SZ_1G :
				 rnd_below(1 << 20) * PAGE_SIZE;
		uint64_t phys = first * PAGE_SIZE + delta;

		ck_assert_int_eq(pt_map(&pt, va, PADDR(phys), n * PAGE_SIZE, prot,
					rnd_below(2)), 0);
		for (uint64_t i = 0; i < n; i++) {
			m->phys[first + i] = phys + i * PAGE_SIZE;
			m->prot[first + i] = prot;
		}
	} else if (kind == 2) {
		ck_assert_int_eq(pt_unmap(&pt, va, n * PAGE_SIZE), 0);
		for (uint64_t i = 0; i < n; i++)
			m->phys[first + i] = ~0ULL;
	} else {
		ret = pt_protect(&pt, va, n * PAGE_SIZE, prot);
		ck_assert_int_eq(ret, all_mapped ? 0 : -EFAULT);
		for (uint64_t i = 0; all_mapped && i < n; i++)
			m->prot[first + i] = prot;
	}
	model_check_flushed(m, first, n, old_phys, old_prot);
	for (uint64_t i = first; i < first + n; i++)
		model_check_page(m, i);
}

static void random_run(bool has_1g, int steps)
{
	struct model *m = malloc(sizeof(*m));
	uint64_t *old_phys = malloc(RND_PAGES * sizeof(uint64_t));
	uint64_t *old_prot = malloc(RND_PAGES * sizeof(uint64_t));

	ck_assert(m && old_phys && old_prot);
	pt.has_1g = has_1g;
	rng_state = 0x9e3779b97f4a7c15ULL;
	memset(m->phys, 0xff, sizeof(m->phys));
	for (int step = 1; step <= steps; step++) {
		random_step(m, old_phys, old_prot);
		if (step % RND_FULL)
			continue;
		for (uint64_t i = 0; i < RND_PAGES; i++)
			model_check_page(m, i);
		check_table_invariants(pt_top(lv),
				       arch_phys_to_ptr(pt.root), true);
		ck_assert_uint_eq(pt_count_tables(pt.root, lv), tf.outstanding);
	}
	ck_assert_int_eq(pt_unmap(&pt, RND_BASE, RND_SPAN), 0);
	ck_assert_uint_eq(tf.outstanding, 1);
	free(m);
	free(old_phys);
	free(old_prot);
}

START_TEST(randomised_against_model)
{
	random_run(true, 2500);
}
END_TEST

START_TEST(randomised_against_model_no_1g)
{
	random_run(false, 1000);
}
END_TEST

/* Five levels only: map, split, merge and unmap near the top of the
 * 57-bit lower half and in its upper half, which four levels cannot
 * address; the walk starts at the PML5 entry for bits 56..48. */
START_TEST(la57_upper_range)
{
	const vaddr_t va = 0x00ff000000000000ULL - SZ_1G;
	const vaddr_t up = 0xff00000000001000ULL;
	struct pt_path path;

	ck_assert_int_eq(pt_map(&pt, va, PADDR(GiB(8)), SZ_1G, PTE_RW, true), 0);
	ck_assert_int_eq(level_of(va), PT_LEVEL_PDPT);
	ck_assert_int_eq(pt_unmap(&pt, va + SZ_2M + PAGE_SIZE, PAGE_SIZE), 0);
	ck_assert_int_eq(level_of(va), PT_LEVEL_PD);
	ck_assert_int_eq(level_of(va + SZ_2M), PT_LEVEL_PT);
	ck_assert_uint_eq(xlate(va + SZ_2M + PAGE_SIZE, NULL, NULL), ~0ULL);
	ck_assert_uint_eq(tf.outstanding, 5);
	ck_assert_int_eq(pt_map(&pt, va + SZ_2M + PAGE_SIZE,
				PADDR(GiB(8) + SZ_2M + PAGE_SIZE), PAGE_SIZE,
				PTE_RW, false), 0);
	ck_assert_uint_eq(pt_merge(&pt, va, SZ_1G), 2);
	ck_assert_int_eq(level_of(va + SZ_2M), PT_LEVEL_PDPT);
	ck_assert_uint_eq(xlate(va + SZ_1G - 1, NULL, NULL), GiB(9) - 1);
	ck_assert_int_eq(pt_map(&pt, up, PADDR(0x7000), PAGE_SIZE, PTE_XD,
				false), 0);
	ck_assert_uint_eq(xlate(up + 8, NULL, NULL), 0x7008);
	pt_walk(pt.root, lv, up, &path);
	ck_assert_uint_eq(path.n, 5);
	ck_assert_ptr_eq(path.step[0].slot,
			 (uint64_t *)arch_phys_to_ptr(pt.root) + 0x100);
	ck_assert_uint_eq(path.step[4].base, up);
	ck_assert_int_eq(pt_unmap(&pt, va, SZ_1G), 0);
	ck_assert_int_eq(pt_unmap(&pt, up, PAGE_SIZE), 0);
	ck_assert_uint_eq(tf.outstanding, 1);
}
END_TEST

/* The tests that run with both four and five levels. */
static void add_core_tests(TCase *tc)
{
	tcase_add_test(tc, map_translate_4k);
	tcase_add_test(tc, map_large_pages);
	tcase_add_test(tc, no_1g_without_cpuid);
	tcase_add_test(tc, noncanonical_einval);
	tcase_add_test(tc, split_keeps_other_pages);
	tcase_add_test(tc, split_1g_and_merge_up);
	tcase_add_test(tc, emptied_tables_freed);
	tcase_add_test(tc, user_bit_on_intermediates);
	tcase_add_test(tc, enomem_rollback_every_n);
	tcase_add_test(tc, walk_returns_path);
	tcase_add_test(tc, nonresident_range);
	tcase_add_test(tc, paged_out_encoding);
	tcase_add_test(tc, paging_hooks_round_trip);
	tcase_add_test(tc, hooks_flags_and_wx);
	tcase_add_test(tc, no_nx_no_xd);
	tcase_add_test_raise_signal(tc, page_out_unmapped_dies, SIGABRT);
	tcase_add_test(tc, as_shares_kernel_owns_user);
	tcase_add_test(tc, as_pcid_switches);
	tcase_add_test_raise_signal(tc, as_destroy_with_user_pages_dies, SIGABRT);
}

static void add_random_tests(TCase *tc)
{
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, randomised_against_model);
	tcase_add_test(tc, randomised_against_model_no_1g);
}

static Suite *pt_suite(void)
{
	Suite *s = suite_create("pt");
	TCase *tc = tcase_create("core");
	TCase *tc5 = tcase_create("core-la57");
	TCase *rnd_tc = tcase_create("random");
	TCase *rnd5 = tcase_create("random-la57");

	tcase_add_checked_fixture(tc, setup, teardown);
	add_core_tests(tc);
	suite_add_tcase(s, tc);
	tcase_add_checked_fixture(tc5, setup5, teardown);
	add_core_tests(tc5);
	tcase_add_test(tc5, la57_upper_range);
	suite_add_tcase(s, tc5);
	tcase_add_checked_fixture(rnd_tc, setup, teardown);
	add_random_tests(rnd_tc);
	suite_add_tcase(s, rnd_tc);
	tcase_add_checked_fixture(rnd5, setup5, teardown);
	add_random_tests(rnd5);
	suite_add_tcase(s, rnd5);
	return s;
}

UNIT_SUITE(pt_suite)
