/*
 * tests/unit/test_pt_deny.c - arch/x86_64/pt_deny.c: the access-rights
 * verdict of a #PF (not present, U/S, R/W, XD, SMEP, SMAP) on tables
 * built by pt.c in the host arena, upper-level bits changed by hand
 * where pt.c would never leave them; and the report texts.
 */
#include <string.h>

#include "../../arch/x86_64/pt.h"
#include "../../arch/x86_64/pt_deny.h"
#include "../host/physmem_host.h"
#include "pt_testlib.h"
#include "unit.h"

#define FRAMES_BASE  GiB(1)
#define NFRAMES      256

/*
 * One page table holds four 4 KiB pages:
 *   USER_RW   0x400000  user, writable
 *   SUPER_RW  0x401000  supervisor, writable  (U/S clear in the PTE only)
 *   USER_RO   0x402000  user, read-only
 *   USER_NX   0x403000  user, writable, XD
 *   SWAPPED   0x404000  paged out
 * LARGE 0x40000000: a 2 MiB user read-only leaf (PDE);
 * LARGE_SUP 0x40200000: a 2 MiB supervisor writable leaf.
 */
#define USER_RW    0x400000UL
#define SUPER_RW   0x401000UL
#define USER_RO    0x402000UL
#define USER_NX    0x403000UL
#define SWAPPED    0x404000UL
#define LARGE      0x40000000UL
#define LARGE_SUP  0x40200000UL

static struct tframes tf;
static struct pt pt;

static void setup(void)
{
	host_physmem_reset();
	tframes_init(&tf, FRAMES_BASE, NFRAMES);
	ck_assert_int_eq(pt_init(&pt, &tf.alloc, 4, true, true), 0);
	ck_assert_int_eq(pt_map(&pt, USER_RW, PADDR(0x10000000), PAGE_SIZE,
				PTE_US | PTE_RW, false), 0);
	ck_assert_int_eq(pt_map(&pt, SUPER_RW, PADDR(0x10001000), PAGE_SIZE,
				PTE_RW, false), 0);
	ck_assert_int_eq(pt_map(&pt, USER_RO, PADDR(0x10002000), PAGE_SIZE,
				PTE_US, false), 0);
	ck_assert_int_eq(pt_map(&pt, USER_NX, PADDR(0x10003000), PAGE_SIZE,
				PTE_US | PTE_RW | PTE_XD, false), 0);
	ck_assert_int_eq(pt_map_nonresident(&pt, SWAPPED, PAGE_SIZE,
					    pte_paged_out(7, PTE_US | PTE_RW)),
			 0);
	ck_assert_int_eq(pt_map(&pt, LARGE, PADDR(0x20000000), SZ_2M, PTE_US,
				true), 0);
	ck_assert_int_eq(pt_map(&pt, LARGE_SUP, PADDR(0x20200000), SZ_2M,
				PTE_RW, true), 0);
}

static void teardown(void)
{
	tframes_fini(&tf);
}

static const struct pt_access user_read = { .user = true, .nxe = true };
static const struct pt_access user_write = { .user = true, .write = true,
					     .wp = true, .nxe = true };
static const struct pt_access user_exec = { .user = true, .exec = true,
					    .nxe = true };

/* Checks the verdict for va. */
static void expect(vaddr_t va, const struct pt_access *a,
		   enum pt_deny_why why, int level)
{
	struct pt_deny d = pt_deny_check(pt.root, pt.levels, va, a);

	ck_assert_msg(d.why == why && d.level == level,
		      "va %#lx: got why %d level %d, want why %d level %d",
		      (unsigned long)va, d.why, d.level, why, level);
}

/* Clears (or sets) bit in va's entry at level, as no pt.c call would. */
static void poke(vaddr_t va, int level, uint64_t clear, uint64_t set)
{
	struct pt_path path;
	unsigned int i = (unsigned int)(level - pt_top(pt.levels));

	pt_walk(pt.root, pt.levels, va, &path);
	ck_assert_uint_gt(path.n, i);
	*path.step[i].slot = (path.step[i].e & ~clear) | set;
}

START_TEST(not_present_at_each_level)
{
	/* Another PML4 slot, PDPT slot, PD slot, PT slot. */
	expect(0x008000000000UL, &user_read, PT_DENY_NOT_PRESENT,
	       PT_LEVEL_PML4);
	expect(0x000080000000UL, &user_read, PT_DENY_NOT_PRESENT,
	       PT_LEVEL_PDPT);
	expect(0x000000800000UL, &user_read, PT_DENY_NOT_PRESENT,
	       PT_LEVEL_PD);
	expect(0x000000405000UL, &user_read, PT_DENY_NOT_PRESENT,
	       PT_LEVEL_PT);
	/* A paged-out PTE is non-present too, whatever its saved bits. */
	expect(SWAPPED, &user_read, PT_DENY_NOT_PRESENT, PT_LEVEL_PT);
	/* Not present wins over everything else (supervisor, SMAP on). */
	expect(0x000000405000UL,
	       &(struct pt_access){ .write = true, .smap = true, .wp = true },
	       PT_DENY_NOT_PRESENT, PT_LEVEL_PT);
}
END_TEST

START_TEST(user_needs_us_everywhere)
{
	expect(USER_RW, &user_read, PT_DENY_NONE, -1);
	expect(USER_RW, &user_write, PT_DENY_NONE, -1);
	expect(USER_RW, &user_exec, PT_DENY_NONE, -1);
	/* The leaf lacks U/S; the tables above have it (a user page shares
	 * them). */
	expect(SUPER_RW, &user_read, PT_DENY_US, PT_LEVEL_PT);
	/* An upper entry without U/S decides, for every page below it. */
	poke(USER_RW, PT_LEVEL_PDPT, PTE_US, 0);
	expect(USER_RW, &user_read, PT_DENY_US, PT_LEVEL_PDPT);
	expect(SUPER_RW, &user_read, PT_DENY_US, PT_LEVEL_PDPT);
	poke(USER_RW, PT_LEVEL_PML4, PTE_US, 0);
	expect(USER_RO, &user_write, PT_DENY_US, PT_LEVEL_PML4);
	/* Supervisor accesses do not care. */
	expect(USER_RW, &(struct pt_access){ .smap = true, .smep = true },
	       PT_DENY_NONE, -1);
}
END_TEST

START_TEST(us_before_rw_and_xd)
{
	poke(SUPER_RW, PT_LEVEL_PT, PTE_RW, PTE_XD);
	expect(SUPER_RW, &user_write, PT_DENY_US, PT_LEVEL_PT);
	expect(SUPER_RW, &user_exec, PT_DENY_US, PT_LEVEL_PT);
}
END_TEST

START_TEST(rw_user_and_wp)
{
	struct pt_access sw = { .write = true, .wp = true };

	expect(USER_RO, &user_write, PT_DENY_RW, PT_LEVEL_PT);
	expect(USER_RO, &user_read, PT_DENY_NONE, -1);
	/* A user write needs R/W even with CR0.WP clear. */
	expect(USER_RO, &(struct pt_access){ .user = true, .write = true },
	       PT_DENY_RW, PT_LEVEL_PT);
	/* Supervisor: R/W counts only with CR0.WP. */
	expect(USER_RO, &sw, PT_DENY_RW, PT_LEVEL_PT);
	sw.wp = false;
	expect(USER_RO, &sw, PT_DENY_NONE, -1);
	/* R/W clear in the PD entry: the first level lacking it decides. */
	poke(SUPER_RW, PT_LEVEL_PD, PTE_RW, 0);
	sw.wp = true;
	expect(SUPER_RW, &sw, PT_DENY_RW, PT_LEVEL_PD);
	expect(USER_RO, &user_write, PT_DENY_RW, PT_LEVEL_PD);
	sw.wp = false;
	expect(SUPER_RW, &sw, PT_DENY_NONE, -1);
}
END_TEST

START_TEST(xd_leaf_upper_and_nxe)
{
	struct pt_access exec_no_nxe = { .user = true, .exec = true };

	expect(USER_NX, &user_exec, PT_DENY_XD, PT_LEVEL_PT);
	expect(USER_NX, &user_read, PT_DENY_NONE, -1);
	expect(USER_NX, &user_write, PT_DENY_NONE, -1);
	/* EFER.NXE clear: XD is not a permission. */
	expect(USER_NX, &exec_no_nxe, PT_DENY_NONE, -1);
	/* XD in the PML4 entry covers everything below; the highest wins. */
	poke(USER_RW, PT_LEVEL_PML4, 0, PTE_XD);
	expect(USER_RW, &user_exec, PT_DENY_XD, PT_LEVEL_PML4);
	expect(USER_NX, &user_exec, PT_DENY_XD, PT_LEVEL_PML4);
	expect(USER_RW, &exec_no_nxe, PT_DENY_NONE, -1);
	/* R/W before XD. */
	poke(USER_NX, PT_LEVEL_PT, PTE_RW, 0);
	expect(USER_NX, &(struct pt_access){ .user = true, .write = true,
					     .exec = true, .nxe = true },
	       PT_DENY_RW, PT_LEVEL_PT);
}
END_TEST

START_TEST(smep)
{
	struct pt_access sx = { .exec = true, .nxe = true, .smep = true };

	expect(USER_RW, &sx, PT_DENY_SMEP, -1);
	/* SMEP before XD. */
	expect(USER_NX, &sx, PT_DENY_SMEP, -1);
	/* A supervisor page is no SMEP matter. */
	expect(SUPER_RW, &sx, PT_DENY_NONE, -1);
	/* U/S clear above the leaf makes it a supervisor page. */
	poke(USER_RW, PT_LEVEL_PD, PTE_US, 0);
	expect(USER_RW, &sx, PT_DENY_NONE, -1);
	sx.smep = false;
	expect(USER_NX, &sx, PT_DENY_XD, PT_LEVEL_PT);
	/* SMAP does not cover fetches. */
	sx.smap = true;
	expect(USER_NX, &sx, PT_DENY_XD, PT_LEVEL_PT);
}
END_TEST

START_TEST(smap_and_ac)
{
	struct pt_access sr = { .smap = true, .smep = true, .wp = true };

	expect(USER_RW, &sr, PT_DENY_SMAP, -1);
	sr.write = true;
	/* SMAP before R/W. */
	expect(USER_RO, &sr, PT_DENY_SMAP, -1);
	/* RFLAGS.AC lifts SMAP for explicit accesses; R/W still counts. */
	sr.ac = true;
	expect(USER_RW, &sr, PT_DENY_NONE, -1);
	expect(USER_RO, &sr, PT_DENY_RW, PT_LEVEL_PT);
	/* SMAP off. */
	sr.ac = false;
	sr.smap = false;
	expect(USER_RW, &sr, PT_DENY_NONE, -1);
	/* A supervisor page is no SMAP matter. */
	sr.smap = true;
	expect(SUPER_RW, &sr, PT_DENY_NONE, -1);
}
END_TEST

/* Five levels: the PML5E decides too, and an empty one is named. */
START_TEST(five_levels_pml5e)
{
	pt_destroy(&pt);
	ck_assert_int_eq(pt_init(&pt, &tf.alloc, 5, true, true), 0);
	ck_assert_int_eq(pt_map(&pt, USER_RW, PADDR(0x10000000), PAGE_SIZE,
				PTE_US | PTE_RW, false), 0);
	expect(USER_RW, &user_write, PT_DENY_NONE, -1);
	expect(0x0001000000000000UL, &user_read, PT_DENY_NOT_PRESENT,
	       PT_LEVEL_PML5);
	poke(USER_RW, PT_LEVEL_PML5, PTE_US, 0);
	expect(USER_RW, &user_read, PT_DENY_US, PT_LEVEL_PML5);
	poke(USER_RW, PT_LEVEL_PML5, 0, PTE_XD);
	expect(USER_RW, &(struct pt_access){ .exec = true, .nxe = true },
	       PT_DENY_XD, PT_LEVEL_PML5);
}
END_TEST

START_TEST(large_page_leaf)
{
	struct pt_path path;

	pt_walk(pt.root, pt.levels, LARGE + 0x1234, &path);
	ck_assert_uint_eq(path.n, 3);
	expect(LARGE + 0x1234, &user_read, PT_DENY_NONE, -1);
	expect(LARGE + 0x1234, &user_write, PT_DENY_RW, PT_LEVEL_PD);
	expect(LARGE_SUP + SZ_2M - 1, &user_read, PT_DENY_US, PT_LEVEL_PD);
	expect(LARGE, &(struct pt_access){ .smap = true }, PT_DENY_SMAP, -1);
	poke(LARGE, PT_LEVEL_PD, 0, PTE_XD);
	expect(LARGE, &user_exec, PT_DENY_XD, PT_LEVEL_PD);
	/* 0x40400000: the next PDE is empty. */
	expect(LARGE + 2 * SZ_2M, &user_read, PT_DENY_NOT_PRESENT,
	       PT_LEVEL_PD);
}
END_TEST

static const char *text(enum pt_deny_why why, int level)
{
	static char buf[128];
	struct pt_deny d = { why, level };

	ck_assert_ptr_eq(pt_deny_text(&d, buf, sizeof(buf)), buf);
	return buf;
}

START_TEST(texts)
{
	ck_assert_str_eq(text(PT_DENY_NOT_PRESENT, PT_LEVEL_PDPT),
			 "not present: the PDPTE is empty");
	ck_assert_str_eq(text(PT_DENY_NOT_PRESENT, PT_LEVEL_PT),
			 "not present: the PTE is empty");
	ck_assert_str_eq(text(PT_DENY_US, PT_LEVEL_PD),
			 "U/S clear in the PDE (supervisor-only)");
	ck_assert_str_eq(text(PT_DENY_US, PT_LEVEL_PML4),
			 "U/S clear in the PML4E (supervisor-only)");
	ck_assert_str_eq(text(PT_DENY_RW, PT_LEVEL_PT),
			 "R/W clear in the PTE (read-only)");
	ck_assert_str_eq(text(PT_DENY_XD, PT_LEVEL_PML4),
			 "XD set in the PML4E (no-execute)");
	ck_assert_str_eq(text(PT_DENY_US, PT_LEVEL_PML5),
			 "U/S clear in the PML5E (supervisor-only)");
	ck_assert_str_eq(text(PT_DENY_SMAP, -1),
			 "SMAP: a supervisor-mode data access to a user page "
			 "(U/S set at every level)");
	ck_assert_str_eq(text(PT_DENY_SMEP, -1),
			 "SMEP: a supervisor-mode instruction fetch from a "
			 "user page");
	ck_assert_str_eq(text(PT_DENY_NONE, -1),
			 "nothing denies it (a stale TLB entry?)");
	ck_assert_str_eq(text(PT_DENY_RW, 7), "R/W clear in the ? (read-only)");
}
END_TEST

/* A verdict from a walk, printed: the two together as the report uses
 * them; a small buffer is cut, not overrun. */
START_TEST(text_of_a_verdict_and_cut)
{
	struct pt_deny d = pt_deny_check(pt.root, pt.levels, SUPER_RW, &user_read);
	char buf[16];

	memset(buf, 'X', sizeof(buf));
	ck_assert_str_eq(text(d.why, d.level),
			 "U/S clear in the PTE (supervisor-only)");
	pt_deny_text(&d, buf, 10);
	ck_assert_str_eq(buf, "U/S clear");
	ck_assert_int_eq(buf[10], 'X');
}
END_TEST

static Suite *pt_deny_suite(void)
{
	Suite *s = suite_create("pt_deny");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, not_present_at_each_level);
	tcase_add_test(tc, user_needs_us_everywhere);
	tcase_add_test(tc, us_before_rw_and_xd);
	tcase_add_test(tc, rw_user_and_wp);
	tcase_add_test(tc, xd_leaf_upper_and_nxe);
	tcase_add_test(tc, smep);
	tcase_add_test(tc, smap_and_ac);
	tcase_add_test(tc, large_page_leaf);
	tcase_add_test(tc, five_levels_pml5e);
	tcase_add_test(tc, texts);
	tcase_add_test(tc, text_of_a_verdict_and_cut);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_SUITE(pt_deny_suite)
