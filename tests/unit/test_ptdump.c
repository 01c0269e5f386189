/*
 * tests/unit/test_ptdump.c - arch/x86_64/ptdump.c: the ranges view (merged
 * runs, markers, swapped, W+X audit), the grid view (letters, colours,
 * headers) and the single-address walk, on tables built with pt.c in the
 * host arena.
 */
#include <string.h>

#include "../../arch/x86_64/cpu.h"
#include "../../arch/x86_64/pt.h"
#include "../../arch/x86_64/ptdump.h"
#include "../../lib/kstring.h"
#include "../../lib/printf.h"
#include "../host/physmem_host.h"
#include "pt_testlib.h"
#include "unit.h"

static struct tframes tf;
static struct pt pt;

static const struct ptdump_marker markers[] = {
	{ 0, "Low" },
	{ 0x1000000, "Payload" },
	{ 0xffff800000000000ULL, "Kernel" },
};

/*
 * 0x200000:  2M identity RW NX;   0x1000000: 4 x 4K RW X (W+X);
 * 0x1004000: 4 x 4K RO X user;    0x1008000: paged out to slot 7;
 * 0xffffffff80000000: 1G RO NX UC.
 */
static unsigned int lv = 4;     /* levels of the fixture's tables */

static void setup(void)
{
	host_physmem_reset();
	tframes_init(&tf, GiB(1), 256);
	ck_assert_int_eq(pt_init(&pt, &tf.alloc, lv, true, true), 0);
	ck_assert_int_eq(pt_map(&pt, 0x200000, PADDR(0x200000), SZ_2M,
				PTE_RW | PTE_XD, true), 0);
	ck_assert_int_eq(pt_map(&pt, 0x1000000, PADDR(0x5000000), KiB(16),
				PTE_RW, false), 0);
	ck_assert_int_eq(pt_map(&pt, 0x1004000, PADDR(0x6000000), KiB(16),
				PTE_US, false), 0);
	ck_assert_int_eq(pt_map_nonresident(&pt, 0x1008000, PAGE_SIZE,
					    pte_paged_out(7, PTE_RW)), 0);
	ck_assert_int_eq(pt_map(&pt, 0xffffffff80000000ULL, PADDR(GiB(3)), SZ_1G,
				PTE_XD | PTE_PCD | PTE_PWT, true), 0);
	con_capture_reset();
}

/* The same tables with five levels, plus a page near the top of the
 * 57-bit lower half and one in its upper half (LA57_LOW, LA57_HIGH). */
#define LA57_LOW   0x00ff000000000000ULL
#define LA57_HIGH  0xff00000000000000ULL

static void setup5(void)
{
	lv = 5;
	setup();
	ck_assert_int_eq(pt_map(&pt, LA57_LOW, PADDR(0x7000000), PAGE_SIZE,
				PTE_XD, false), 0);
	ck_assert_int_eq(pt_map(&pt, LA57_HIGH, PADDR(0x7001000), PAGE_SIZE,
				PTE_RW | PTE_XD, false), 0);
	con_capture_reset();
}

static void teardown(void)
{
	tframes_fini(&tf);
	lv = 4;
}

/* The capture without the "{n}" colour markers of con_host.c. */
static const char *plain(void)
{
	static char buf[1 << 16];
	const char *s = con_capture();
	size_t n = 0;

	for (; *s && n + 1 < sizeof(buf); s++) {
		if (s[0] == '{' && s[1] && s[2] == '}') {
			s += 2;
			continue;
		}
		buf[n++] = *s;
	}
	buf[n] = '\0';
	return buf;
}

#define ASSERT_HAS(hay, needle) \
	ck_assert_msg(strstr(hay, needle), "missing [%s] in:\n%s", needle, hay)

START_TEST(ranges_view)
{
	struct ptdump_opts o = {
		.header = "Page tables: test (CR3=0x40000000)",
		.markers = markers, .nmarkers = ARRAY_SIZE(markers),
		.pat_known = true, .pat = cpu_read_pat(),
	};
	const char *out;

	ck_assert_uint_eq(ptdump_ranges(pt.root, pt.levels, &o), 4);
	out = con_capture();
	ck_assert(str_starts(out, "Page tables: test (CR3=0x40000000)\n"
			     "---[ Low ]---\n"));
	ASSERT_HAS(out, "0000000000200000-00000000003fffff     2M  RW  NX  S  WB   2M\n");
	ASSERT_HAS(out, "---[ Payload ]---\n"
		   "0000000001000000-0000000001003fff    16K  RW  X   S  WB   4K\n"
		   "0000000001004000-0000000001007fff    16K  RO  X   U  WB   4K\n"
		   "0000000001008000-0000000001008fff     4K  swapped\n"
		   "---[ Kernel ]---\n"
		   "ffffffff80000000-ffffffffbfffffff     1G  RO  NX  S  UC   1G\n"
		   "W+X audit: 4 W+X pages (FAIL)\n");
	/* Nothing else: header, 3 markers, 5 runs, audit. */
	for (int lines = 0; (out = strchr(out, '\n')); out++)
		ck_assert_int_le(++lines, 10);
}
END_TEST

START_TEST(ranges_merge_and_pass)
{
	struct ptdump_opts o = { .header = "h" };
	const char *out;

	/* Same attributes as the 2M page, contiguous: one run of 2M+8K, but a
	 * different page size starts a new line. */
	ck_assert_int_eq(pt_map(&pt, 0x400000, PADDR(0x400000), KiB(8),
				PTE_RW | PTE_XD, false), 0);
	ck_assert_int_eq(pt_protect(&pt, 0x1000000, KiB(16), PTE_RW | PTE_XD), 0);
	ck_assert_int_eq(pt_protect(&pt, 0x1004000, KiB(16), PTE_RW | PTE_XD), 0);
	ck_assert_uint_eq(ptdump_ranges(pt.root, pt.levels, &o), 0);
	out = con_capture();
	ASSERT_HAS(out, "0000000000400000-0000000000401fff     8K  RW  NX  S  -    4K\n");
	ASSERT_HAS(out, "0000000001000000-0000000001007fff    32K  RW  NX  S  -    4K\n");
	/* Unknown PAT: raw bits. */
	ASSERT_HAS(out, "ffffffff80000000-ffffffffbfffffff     1G  RO  NX  S  PCD+PWT  1G\n");
	ASSERT_HAS(out, "W+X audit: 0 W+X pages (PASS)\n");
	ck_assert_ptr_null(strstr(out, "---["));
}
END_TEST

START_TEST(wx_uses_effective_permissions)
{
	uint64_t *root = arch_phys_to_ptr(pt.root);

	ck_assert_uint_eq(ptdump_wx_count(pt.root, pt.levels), 4);
	/* A read-only PML4E makes everything below read-only. */
	root[0] &= ~PTE_RW;
	ck_assert_uint_eq(ptdump_wx_count(pt.root, pt.levels), 0);
	root[0] |= PTE_RW | PTE_XD;
	ck_assert_uint_eq(ptdump_wx_count(pt.root, pt.levels), 0);
	root[0] &= ~PTE_XD;
	/* A 1G RW+X page counts 262144 pages. */
	ck_assert_int_eq(pt_protect(&pt, 0xffffffff80000000ULL, SZ_1G, PTE_RW), 0);
	ck_assert_uint_eq(ptdump_wx_count(pt.root, pt.levels), 4 + 262144);
}
END_TEST

START_TEST(grid_view)
{
	char hdr[128], row[65];
	const char *out, *p;
	const uint64_t *pml4 = arch_phys_to_ptr(pt.root);
	const uint64_t *pdpt = pt_table_ptr(PT_LEVEL_PML4, pml4[0]);
	const uint64_t *pd = pt_table_ptr(PT_LEVEL_PDPT, pdpt[0]);
	uint64_t pt_phys = pd[8] & PTE_ADDR_MASK;   /* 0x1000000 >> 21 */

	ptdump_grid(pt.root, pt.levels);
	out = plain();
	ksnprintf(hdr, sizeof(hdr), "PML4 at 0x%016llx: entire address space\n",
		  (unsigned long long)paddr_raw(pt.root));
	ck_assert(strncmp(out, hdr, strlen(hdr)) == 0);
	/* The PT covering 0x1000000: RW+X x4, user RO+X x4, paged out. */
	ksnprintf(hdr, sizeof(hdr),
		  "PT at 0x%016llx: for 0x0000000001000000 - 0x00000000011fffff\n",
		  (unsigned long long)pt_phys);
	p = strstr(out, hdr);
	ck_assert_msg(p, "no PT header in:\n%s", out);
	memset(row, '.', 64);
	memcpy(row, "aaaaXXXXs", 9);
	row[64] = '\0';
	ck_assert(strncmp(p + strlen(hdr), row, 64) == 0);
	/* Rows 1..7 of that PT are empty: printed once, then counted. */
	p += strlen(hdr) + 65;
	memset(row, '.', 64);
	ck_assert(strncmp(p, row, 64) == 0);
	ck_assert(strncmp(p + 65, "  ... 6 identical rows\n", 23) == 0);
	ASSERT_HAS(out, ": for 0xffffff8000000000 - 0xffffffffffffffff\n");
	/* PD of the low 1G: entry 1 is the identity 2M page, entry 8 a table. */
	ASSERT_HAS(out, ".w......A");
	/* Colours: identity leaf yellow, table magenta, other leaves green,
	 * paged out red, not present grey. */
	ASSERT_HAS(con_capture(), "{7}.{3}w{7}......{5}A");
	ASSERT_HAS(con_capture(), "{2}aaaaXXXX{1}s{7}.");
}
END_TEST

START_TEST(walk_view)
{
	const char *out;
	char line[128];
	uint64_t pte;
	int level;

	ptdump_walk(pt.root, pt.levels, 0x1000123);
	out = con_capture();
	ck_assert(strncmp(out, "PML4E: 0x0000000000000000 -> 0x", 31) == 0);
	ASSERT_HAS(out, ": P RW US\nPDPTE: 0x0000000000000000 -> 0x");
	ASSERT_HAS(out, "\nPDE: 0x0000000001000000 -> 0x");
	ASSERT_HAS(out, "\nPTE: 0x0000000001000000 -> 0x0000000005000000: P RW\n");
	con_capture_reset();
	ptdump_walk(pt.root, pt.levels, 0x200000);
	ASSERT_HAS(con_capture(),
		   "PDE: 0x0000000000200000 -> 0x0000000000200000: P RW PS XD\n");
	con_capture_reset();
	ptdump_walk(pt.root, pt.levels, 0x1008000);
	ASSERT_HAS(con_capture(), "PTE: paged out to slot 7: RW\n");
	con_capture_reset();
	ptdump_walk(pt.root, pt.levels, 0x3000000000ULL);
	ASSERT_HAS(con_capture(), "PDPTE: not present\n");
	con_capture_reset();
	ptdump_walk(pt.root, pt.levels, 0x0000800000000000ULL);
	ASSERT_HAS(con_capture(), "ptdump: 0x0000800000000000 is not canonical\n");
	/* A and D set by the "CPU" show up. */
	pte = *pt_find(pt.root, pt.levels, 0x1004000, &level) |= PTE_A | PTE_D;
	con_capture_reset();
	ptdump_walk(pt.root, pt.levels, 0x1004000);
	ksnprintf(line, sizeof(line), "PTE: 0x0000000001004000 -> 0x%016llx: P US A D\n",
		  (unsigned long long)(pte & PTE_ADDR_MASK));
	ASSERT_HAS(con_capture(), line);
}
END_TEST

/* Five levels: the ranges reach above 2^47 and into the 57-bit upper
 * half, with addresses sign-extended from bit 56. */
START_TEST(la57_ranges)
{
	struct ptdump_opts o = { .header = "h" };
	const char *out;

	ck_assert_uint_eq(ptdump_ranges(pt.root, pt.levels, &o), 4);
	out = con_capture();
	ASSERT_HAS(out, "0000000001004000-0000000001007fff    16K  RO  X   U  -    4K\n");
	ASSERT_HAS(out, "00ff000000000000-00ff000000000fff     4K  RO  NX  S  -    4K\n"
		   "ff00000000000000-ff00000000000fff     4K  RW  NX  S  -    4K\n"
		   "ffffffff80000000-ffffffffbfffffff     1G  RO  NX  S  PCD+PWT  1G\n");
}
END_TEST

/* The grid starts with the PML5, then the PML4 under each entry. */
START_TEST(la57_grid)
{
	char hdr[128];
	const char *out;

	ptdump_grid(pt.root, pt.levels);
	out = plain();
	ksnprintf(hdr, sizeof(hdr), "PML5 at 0x%016llx: entire address space\n",
		  (unsigned long long)paddr_raw(pt.root));
	ck_assert_msg(strncmp(out, hdr, strlen(hdr)) == 0, "got:\n%.300s", out);
	ASSERT_HAS(out, ": for 0x0000000000000000 - 0x0000ffffffffffff\n");
	ASSERT_HAS(out, ": for 0x00ff000000000000 - 0x00ffffffffffffff\n");
	ASSERT_HAS(out, ": for 0xff00000000000000 - 0xff00ffffffffffff\n");
	ASSERT_HAS(out, ": for 0xffff000000000000 - 0xffffffffffffffff\n");
	ck_assert_ptr_null(strstr(out, "entire address space\nPML4 at"));
}
END_TEST

/* The walk of one address names five levels, PML5E first; 2^47 is
 * canonical now, 2^56 is not. */
START_TEST(la57_walk)
{
	const char *out;

	ptdump_walk(pt.root, pt.levels, 0x1000123);
	out = con_capture();
	ck_assert(strncmp(out, "PML5E: 0x0000000000000000 -> 0x", 31) == 0);
	ASSERT_HAS(out, "\nPML4E: 0x0000000000000000 -> 0x");
	ASSERT_HAS(out, "\nPTE: 0x0000000001000000 -> 0x0000000005000000: P RW\n");
	con_capture_reset();
	ptdump_walk(pt.root, pt.levels, LA57_HIGH + 8);
	out = con_capture();
	ASSERT_HAS(out, "PML5E: 0xff00000000000000 -> 0x");
	ASSERT_HAS(out, "PTE: 0xff00000000000000 -> 0x0000000007001000: P RW XD\n");
	con_capture_reset();
	ptdump_walk(pt.root, pt.levels, 0x0000800000000000ULL);
	ASSERT_HAS(con_capture(), "PML4E: not present\n");
	con_capture_reset();
	ptdump_walk(pt.root, pt.levels, 0x0100000000000000ULL);
	ASSERT_HAS(con_capture(), "ptdump: 0x0100000000000000 is not canonical\n");
}
END_TEST

static Suite *ptdump_suite(void)
{
	Suite *s = suite_create("ptdump");
	TCase *tc = tcase_create("core");
	TCase *tc5 = tcase_create("la57");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, ranges_view);
	tcase_add_test(tc, ranges_merge_and_pass);
	tcase_add_test(tc, wx_uses_effective_permissions);
	tcase_add_test(tc, grid_view);
	tcase_add_test(tc, walk_view);
	suite_add_tcase(s, tc);
	tcase_add_checked_fixture(tc5, setup5, teardown);
	tcase_add_test(tc5, la57_ranges);
	tcase_add_test(tc5, la57_grid);
	tcase_add_test(tc5, la57_walk);
	suite_add_tcase(s, tc5);
	return s;
}

UNIT_SUITE(ptdump_suite)
