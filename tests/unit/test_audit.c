/*
 * tests/unit/test_audit.c - pure/fwsnap.c and pure/audit.c: crafted
 * snapshots on which every rule passes, then one change each that makes
 * a rule fail (or warn, or skip), checked on the exact printed line;
 * the snapshot's readers on bad input (loops, missing pages, too much
 * work, truncated PE images: ASan catches any read outside a buffer).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../lib/errno.h"
#include "../../pure/audit.h"
#include "unit.h"

#define NPAGES 32
#define TBASE 0x7000000ULL      /* physical address of table page 0 */
#define DSIZE 48                /* descriptor stride (> 40 on purpose) */
#define NDESC 16
#define F_W 1u
#define F_X 2u

struct tsnap {
	struct fwsnap s;
	struct fwsnap_ptpage slots[NPAGES];
	uint64_t pages[NPAGES][512];
	size_t used;
	uint8_t map[NDESC * DSIZE];
	uint8_t mat[16 + NDESC * DSIZE];
	struct fwsnap_image img[2];
};

static struct tsnap t;

/* ---- building tables ------------------------------------------------------ */

static uint64_t new_table(void)
{
	uint64_t phys = TBASE + t.used * 4096;

	ck_assert_uint_lt(t.used, NPAGES);
	memset(t.pages[t.used], 0, 4096);
	ck_assert_int_eq(fwsnap_pt_add(&t.s, phys, (const uint8_t *)t.pages[t.used]), 0);
	t.used++;
	return phys;
}

static uint64_t *entry(uint64_t table, uint64_t va, int level)
{
	static const unsigned int sh[5] = { 0, 12, 21, 30, 39 };

	return &t.pages[(table - TBASE) / 4096][(va >> sh[level]) & 511];
}

/* The entry that maps va at level (1: 4 KiB, 2: 2 MiB), tables made. */
static uint64_t *leaf_slot(uint64_t va, int level)
{
	uint64_t table = t.s.cr3;

	for (int l = 4; l > level; l--) {
		uint64_t *e = entry(table, va, l);

		if (!(*e & FWSNAP_PTE_P))
			*e = new_table() | FWSNAP_PTE_P | FWSNAP_PTE_RW | FWSNAP_PTE_US;
		table = *e & FWSNAP_PTE_ADDR;
	}
	return entry(table, va, level);
}

/* Identity-maps [va, va + n pages) with flags (4 KiB pages). */
static void map4k(uint64_t va, unsigned int n, unsigned int flags)
{
	for (unsigned int i = 0; i < n; i++, va += 4096)
		*leaf_slot(va, 1) = va | FWSNAP_PTE_P | ((flags & F_W) ? FWSNAP_PTE_RW : 0) |
				    ((flags & F_X) ? 0 : FWSNAP_PTE_XD);
}

static void map2m(uint64_t va, unsigned int flags)
{
	*leaf_slot(va, 2) = va | FWSNAP_PTE_P | FWSNAP_PTE_PS |
			    ((flags & F_W) ? FWSNAP_PTE_RW : 0) |
			    ((flags & F_X) ? 0 : FWSNAP_PTE_XD);
}

/* ---- the memory map, the MAT, images ---------------------------------------- */

static void set_descs(uint8_t *buf, const struct fw_desc *d, size_t n)
{
	memset(buf, 0xAB, n * DSIZE);
	for (size_t i = 0; i < n; i++)
		memcpy(buf + i * DSIZE, &d[i], sizeof(d[i]));
}

static void set_map(const struct fw_desc *d, size_t n)
{
	set_descs(t.map, d, n);
	t.s.map = t.map;
	t.s.map_size = n * DSIZE;
	t.s.desc_size = DSIZE;
	t.s.desc_version = 1;
}

static void set_mat(const struct fw_desc *d, size_t n)
{
	struct fwsnap_mat_header h = { 1, (uint32_t)n, DSIZE, 0 };

	memcpy(t.mat, &h, sizeof(h));
	set_descs(t.mat + sizeof(h), d, n);
	t.s.mat = t.mat;
	t.s.mat_size = sizeof(h) + n * DSIZE;
}

#define RT (FW_ATTR_RUNTIME | FW_ATTR_WB)

static const struct fw_desc good_map[] = {
	{ FW_BS_CODE, 0, 0x0, 0, 1, FW_ATTR_WB },
	{ FW_CONVENTIONAL, 0, 0x200000, 0, 512, FW_ATTR_WB },
	{ FW_RT_CODE, 0, 0x400000, 0, 16, RT },
	{ FW_RT_DATA, 0, 0x410000, 0, 4, RT },
	{ FW_BS_DATA, 0, 0x5ef000, 0, 17, FW_ATTR_WB },
	{ FW_BS_CODE, 0, 0x600000, 0, 3, FW_ATTR_WB },
	{ FW_MMIO, 0, 0xfec00000, 0, 1, FW_ATTR_RUNTIME | FW_ATTR_UC },
};

static const struct fw_desc good_mat[] = {
	{ FW_RT_CODE, 0, 0x400000, 0, 4, RT | FW_ATTR_RO },
	{ FW_RT_CODE, 0, 0x404000, 0, 12, RT | FW_ATTR_XP },
	{ FW_RT_DATA, 0, 0x410000, 0, 4, RT | FW_ATTR_XP },
};

static void set_image(void)
{
	struct fwsnap_image *im = &t.img[0];

	memset(t.img, 0, sizeof(t.img));
	strcpy(im->name, "test.efi");
	im->base = 0x600000;
	im->size = 0x3000;
	im->pe_ok = true;
	im->nsect = im->nsect_total = 2;
	im->sect[0] = (struct fwsnap_section){ ".text", 0x1000, 0x1000,
		FWSNAP_SCN_CNT_CODE | FWSNAP_SCN_MEM_EXEC | 0x40000000u };
	im->sect[1] = (struct fwsnap_section){ ".data", 0x2000, 0x800,
		FWSNAP_SCN_MEM_WRITE | 0x40000000u };
	t.s.img = t.img;
	t.s.nimg = 1;
	t.s.img_cap = 2;
}

/* The snapshot on which every rule passes. */
static void good(void)
{
	fwsnap_init(&t.s);
	t.used = 0;
	t.s.pt = t.slots;
	t.s.pt_cap = NPAGES;
	t.s.cr3 = new_table();
	t.s.cr0 = FWSNAP_CR0_WP | 1;
	t.s.efer = FWSNAP_EFER_NXE;
	t.s.rsp = 0x5ff800;
	t.s.mem_attr_protocol = true;
	map2m(0x200000, F_W);
	map4k(0x400000, 4, F_X);
	map4k(0x404000, 12, F_W);
	map4k(0x410000, 4, F_W);
	map4k(0x5f0000, 16, F_W);
	map4k(0x600000, 1, 0);
	map4k(0x601000, 1, F_X);
	map4k(0x602000, 1, F_W);
	map4k(0xfec00000, 1, F_W);
	set_map(good_map, ARRAY_SIZE(good_map));
	set_mat(good_mat, ARRAY_SIZE(good_mat));
	set_image();
}

/* ---- running and reading the output ---------------------------------------- */

static struct audit_report rep;

static const char *run(void)
{
	con_capture_reset();
	audit_run(&t.s, &rep);
	audit_print(&rep);
	return con_capture();
}

/* The printed line of rule (without its newline), or "". */
static const char *line(const char *out, const char *rule)
{
	static char buf[512];
	char key[64];
	const char *p, *end;

	snprintf(key, sizeof(key), "audit: %s ", rule);
	for (p = out; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (!strncmp(p, key, strlen(key)))
			break;
	if (!p || !*p)
		return "";
	end = strchr(p, '\n');
	snprintf(buf, sizeof(buf), "%.*s", (int)(end ? end - p : (long)strlen(p)), p);
	return buf;
}

#define EXPECT(rule, text) ck_assert_str_eq(line(run(), rule), text)

START_TEST(all_pass_on_the_good_snapshot)
{
	const char *out;

	good();
	out = run();
	ck_assert_str_eq(out,
		"audit: page-tables PASS 7 table pages from CR3 0x7000000, 2 MiB mapped\n"
		"audit: write-protect PASS CR0.WP set\n"
		"audit: nx-enabled PASS EFER.NXE set\n"
		"audit: null-page PASS page 0 not present\n"
		"audit: no-wx PASS no page both writable and executable\n"
		"audit: mmio-nx PASS 1 MMIO/reserved ranges, none executable\n"
		"audit: free-nx PASS 1 free ranges, none executable\n"
		"audit: image-code-ro PASS 1 code sections of 1 images read-only\n"
		"audit: image-data-nx PASS 1 data sections of 1 images non-executable\n"
		"audit: stack-nx-guard PASS stack 0x5f0000-0x5fffff non-executable, guard page 0x5ef000 unmapped\n"
		"audit: mat-present PASS version 1, 3 entries, flags 0x0\n"
		"audit: mat-sorted PASS 3 entries sorted, no overlaps\n"
		"audit: mat-in-runtime PASS 3 entries inside runtime ranges\n"
		"audit: mat-code-rox PASS 1 code entries RO+X\n"
		"audit: mat-data-nx PASS 1 data entries NX\n"
		"audit: mat-agrees PASS live tables agree with 3 entries\n"
		"audit: memmap-sane PASS 7 entries aligned, no overlaps, attributes consistent\n"
		"audit: memory-attribute-protocol PASS EFI_MEMORY_ATTRIBUTE_PROTOCOL installed\n"
		"audit: 18 passed, 0 failed, 0 warnings, 0 skipped\n");
	ck_assert_uint_eq(rep.n, AUDIT_NRULES);
}
END_TEST

START_TEST(page_tables_loop_missing_la57)
{
	good();
	/* the PD's first entry (0..2 MiB) points back at the PDPT */
	t.pages[2][0] = (TBASE + 0x1000) | FWSNAP_PTE_P;
	EXPECT("page-tables", "audit: page-tables FAIL 1 table is its own ancestor (a loop): "
	       "table 0x7001000-0x7001fff");
	EXPECT("no-wx", "audit: no-wx SKIP page tables not walkable (see page-tables)");
	ck_assert_ptr_nonnull(strstr(con_capture(),
				     "audit: 9 passed, 1 failed, 0 warnings, 8 skipped\n"));
	good();
	t.pages[2][0] = 0x9000000 | FWSNAP_PTE_P;
	EXPECT("page-tables", "audit: page-tables SKIP table page 0x9000000 not in the snapshot "
	       "(7 kept, 0 dropped)");
	good();
	t.s.cr4 = FWSNAP_CR4_LA57;
	EXPECT("page-tables", "audit: page-tables SKIP 5-level paging (CR4.LA57) not supported");
	good();
	t.s.npt = 0;
	EXPECT("page-tables", "audit: page-tables SKIP no page tables in the snapshot");
	EXPECT("null-page", "audit: null-page SKIP page tables not walkable (see page-tables)");
}
END_TEST

START_TEST(cpu_bits)
{
	good();
	t.s.cr0 = 1;
	EXPECT("write-protect", "audit: write-protect FAIL CR0.WP clear: ring 0 writes ignore "
	       "read-only pages");
	good();
	t.s.efer = 0;
	EXPECT("nx-enabled", "audit: nx-enabled FAIL EFER.NXE clear: no page can be non-executable");
	/* without NXE the XD bits mean nothing: every writable page is W+X */
	ck_assert(strstr(line(con_capture(), "no-wx"), "audit: no-wx FAIL 5 W+X ranges") != NULL);
}
END_TEST

START_TEST(null_page_and_no_wx)
{
	good();
	map4k(0, 1, 0);
	EXPECT("null-page", "audit: null-page FAIL 1 range: page 0 is mapped: 0x0-0xfff");
	good();
	map4k(0x700000, 2, F_W | F_X);      /* merged into one range */
	map4k(0x703000, 1, F_W | F_X);
	map4k(0x705000, 1, F_W | F_X);
	map4k(0x707000, 1, F_W | F_X);
	EXPECT("no-wx", "audit: no-wx FAIL 4 W+X ranges (5 pages): 0x700000-0x701fff, "
	       "0x703000-0x703fff, 0x705000-0x705fff, ...");
	good();
	map4k(0x700000, 1, F_X);            /* R+X is fine */
	EXPECT("no-wx", "audit: no-wx PASS no page both writable and executable");
}
END_TEST

START_TEST(mmio_and_free_nx)
{
	good();
	map4k(0xfec00000, 1, F_W | F_X);
	EXPECT("mmio-nx", "audit: mmio-nx FAIL 1 executable MMIO/reserved ranges (1 pages): "
	       "MMIO 0xfec00000-0xfec00fff");
	good();
	map2m(0x200000, F_X);
	EXPECT("free-nx", "audit: free-nx FAIL 1 executable free ranges (512 pages): "
	       "Available 0x200000-0x3fffff");
	good();
	t.s.map_size = 7;
	EXPECT("free-nx", "audit: free-nx SKIP memory map unreadable");
}
END_TEST

START_TEST(image_rules)
{
	good();
	map4k(0x601000, 1, F_W | F_X);
	EXPECT("image-code-ro", "audit: image-code-ro FAIL 1 writable code ranges (1 pages): "
	       "test.efi .text 0x601000-0x601fff");
	good();
	map4k(0x602000, 1, F_W | F_X);
	EXPECT("image-data-nx", "audit: image-data-nx FAIL 1 executable data ranges (1 pages): "
	       "test.efi .data 0x602000-0x602fff");
	good();
	strcpy(t.img[1].name, "image@0x800000");
	t.img[1].base = 0x800000;
	t.s.nimg = 2;
	EXPECT("image-code-ro", "audit: image-code-ro WARN 1 code sections of 2 images fine; "
	       "1 images without readable PE headers");
	good();
	t.s.nimg = 0;
	EXPECT("image-data-nx", "audit: image-data-nx SKIP no loaded images in the snapshot");
}
END_TEST

START_TEST(stack_rules)
{
	good();
	map4k(0x5fe000, 1, F_W | F_X);
	EXPECT("stack-nx-guard", "audit: stack-nx-guard FAIL 1 executable stack ranges at or "
	       "below RSP 0x5ff800: stack 0x5fe000-0x5fefff");
	good();
	map2m(0x800000, F_W);
	t.s.rsp = 0x9ff800;
	EXPECT("stack-nx-guard", "audit: stack-nx-guard FAIL 1 range: no unmapped guard page in "
	       "the 1024 KiB below RSP 0x9ff800: stack 0x8ff000-0x9fffff");
	good();
	map2m(0x800000, F_W | F_X);
	t.s.rsp = 0x9ff800;
	EXPECT("stack-nx-guard", "audit: stack-nx-guard FAIL 1 executable stack ranges at or "
	       "below RSP 0x9ff800, no unmapped guard page below: stack 0x8ff000-0x9fffff");
	good();
	t.s.rsp = 0;
	EXPECT("stack-nx-guard", "audit: stack-nx-guard SKIP no stack pointer in the snapshot");
}
END_TEST

START_TEST(mat_present_sorted_runtime)
{
	struct fw_desc m[3];

	good();
	t.s.mat = NULL;
	EXPECT("mat-present", "audit: mat-present FAIL no Memory Attributes Table");
	EXPECT("mat-agrees", "audit: mat-agrees SKIP no usable Memory Attributes Table "
	       "(see mat-present)");
	good();
	t.mat[8] = 8;                       /* descriptor size 8 */
	EXPECT("mat-present", "audit: mat-present FAIL Memory Attributes Table malformed: "
	       "bad descriptor size");
	good();
	t.s.mat_size = 40;
	EXPECT("mat-present", "audit: mat-present FAIL Memory Attributes Table malformed: "
	       "entries beyond the table's size");
	good();
	memcpy(m, good_mat, sizeof(m));
	m[1] = good_mat[0];
	m[0] = good_mat[1];
	set_mat(m, 3);
	EXPECT("mat-sorted", "audit: mat-sorted FAIL 1 entries out of order or overlapping: "
	       "RT_Code 0x400000-0x403fff");
	good();
	memcpy(m, good_mat, sizeof(m));
	m[2].num_pages = 8;                 /* 4 pages past the RT_Data range */
	set_mat(m, 3);
	EXPECT("mat-in-runtime", "audit: mat-in-runtime FAIL 1 ranges outside the map's runtime "
	       "ranges (4 pages): RT_Data 0x414000-0x417fff");
	good();
	memcpy(m, good_mat, sizeof(m));
	m[2].phys_start = 0xfffffffffffff000ULL;   /* the last page, outside */
	m[2].num_pages = 1;
	set_mat(m, 3);
	EXPECT("mat-in-runtime", "audit: mat-in-runtime FAIL 1 ranges outside the map's runtime "
	       "ranges (1 pages): RT_Data 0xfffffffffffff000-0xffffffffffffffff");
}
END_TEST

START_TEST(mat_attributes_and_agreement)
{
	struct fw_desc m[3];

	good();
	memcpy(m, good_mat, sizeof(m));
	m[0].attribute = RT;
	set_mat(m, 3);
	EXPECT("mat-code-rox", "audit: mat-code-rox FAIL 1 code entries without RO: "
	       "RT_Code 0x400000-0x403fff");
	good();
	memcpy(m, good_mat, sizeof(m));
	m[2].attribute = RT;
	set_mat(m, 3);
	EXPECT("mat-data-nx", "audit: mat-data-nx FAIL 1 data entries without XP: "
	       "RT_Data 0x410000-0x413fff");
	good();
	map4k(0x411000, 1, F_W | F_X);
	map4k(0x401000, 1, F_W | F_X);
	EXPECT("mat-agrees", "audit: mat-agrees FAIL 2 ranges mapped with more rights than the "
	       "MAT gives (2 pages): RO but writable 0x401000-0x401fff, "
	       "XP but executable 0x411000-0x411fff");
}
END_TEST

START_TEST(memmap_sane_and_protocol)
{
	struct fw_desc m[ARRAY_SIZE(good_map) + 1];

	good();
	memcpy(m, good_map, sizeof(good_map));
	m[1].phys_start = 0x200800;         /* misaligned */
	m[2].attribute = FW_ATTR_WB;        /* RT_Code without RUNTIME */
	m[7] = (struct fw_desc){ FW_BS_DATA, 0, 0x5f8000, 0, 1, FW_ATTR_WB }; /* overlap */
	set_map(m, 8);
	EXPECT("memmap-sane", "audit: memmap-sane FAIL 3 bad entries of 8: misaligned "
	       "0x200800-0x4007ff, runtime type without RUNTIME 0x400000-0x40ffff, "
	       "overlap 0x5f8000-0x5f8fff");
	good();
	memcpy(m, good_map, sizeof(good_map));
	m[0].type = 0x20;                   /* neither UEFI's nor OEM/OS */
	m[5].attribute |= FW_ATTR_RUNTIME;  /* BS_Code kept at runtime */
	m[7] = (struct fw_desc){ FW_RESERVED, 0, 0xfffffffffffff000ULL, 0, 2, 0 };
	set_map(m, 8);
	EXPECT("memmap-sane", "audit: memmap-sane FAIL 3 bad entries of 8: unknown type "
	       "0x0-0xfff, boot type with RUNTIME 0x600000-0x602fff, "
	       "wraps 0xfffffffffffff000-0xffffffffffffffff");
	good();
	memcpy(m, good_map, sizeof(good_map));
	m[7] = (struct fw_desc){ FW_CONVENTIONAL, 0, 0x1000000, 0, 0, FW_ATTR_WB };
	set_map(m, 8);
	EXPECT("memmap-sane", "audit: memmap-sane WARN 8 entries, 1 with no pages, "
	       "descriptor version 1");
	good();
	t.s.desc_size = 24;
	EXPECT("memmap-sane", "audit: memmap-sane FAIL memory map unreadable: descriptor size "
	       "smaller than 40 bytes");
	good();
	t.s.mem_attr_protocol = false;
	EXPECT("memory-attribute-protocol", "audit: memory-attribute-protocol FAIL "
	       "EFI_MEMORY_ATTRIBUTE_PROTOCOL not installed");
	ck_assert_ptr_nonnull(strstr(con_capture(), "audit: 17 passed, 1 failed, 0 warnings, "
				     "0 skipped\n"));
}
END_TEST

/* ---- the snapshot's readers ------------------------------------------------- */

START_TEST(pt_add_keeps_order_and_bounds)
{
	struct fwsnap s;
	struct fwsnap_ptpage slots[3];
	static const uint8_t page[4096];

	fwsnap_init(&s);
	ck_assert_int_eq(fwsnap_pt_add(&s, 0x1000, page), -ENOSPC);
	s.pt = slots;
	s.pt_cap = 3;
	ck_assert_int_eq(fwsnap_pt_add(&s, 0x3000, page), 0);
	ck_assert_int_eq(fwsnap_pt_add(&s, 0x1000, page), 0);
	ck_assert_int_eq(fwsnap_pt_add(&s, 0x2000, page), 0);
	ck_assert_int_eq(fwsnap_pt_add(&s, 0x2000, page), -EEXIST);
	ck_assert_int_eq(fwsnap_pt_add(&s, 0x2001, page), -EINVAL);
	ck_assert_int_eq(fwsnap_pt_add(&s, 0x4000, page), -ENOSPC);
	ck_assert_uint_eq(s.pt_dropped, 2);
	ck_assert_uint_eq(slots[0].phys, 0x1000);
	ck_assert_uint_eq(slots[2].phys, 0x3000);
	ck_assert_ptr_eq(fwsnap_pt_page(&s, 0x2000), page);
	ck_assert_ptr_null(fwsnap_pt_page(&s, 0x5000));
}
END_TEST

/* "Physical memory" for the capture: t's table pages. */
static int read_t(void *ctx, uint64_t phys, uint8_t *dst)
{
	UNUSED(ctx);
	if (phys < TBASE || phys >= TBASE + NPAGES * 4096)
		return -EFAULT;
	memcpy(dst, t.pages[(phys - TBASE) / 4096], 4096);
	return 0;
}

START_TEST(capture_copies_what_is_reachable_once)
{
	static uint8_t store[NPAGES][4096];
	struct fwsnap_ptpage slots[NPAGES];
	struct fwsnap s;
	struct fwsnap_leaf l;

	good();
	/* a self-reference and a table outside "memory": both survive */
	*entry(t.s.cr3, 0x8000000000ULL, 4) = t.s.cr3 | FWSNAP_PTE_P;
	t.pages[2][0] = 0x9000000 | FWSNAP_PTE_P;
	fwsnap_init(&s);
	s.cr3 = t.s.cr3;
	s.efer = FWSNAP_EFER_NXE;
	s.pt = slots;
	s.pt_cap = NPAGES;
	ck_assert_int_eq(fwsnap_pt_capture(&s, store, NPAGES, read_t, NULL), 0);
	ck_assert_uint_eq(s.npt, t.used);
	ck_assert_int_eq(fwsnap_lookup(&s, 0x601000, &l), 1);
	ck_assert(!l.write && l.exec && l.level == 1 && l.phys == 0x601000);
	ck_assert_int_eq(fwsnap_lookup(&s, 0x5ef000, &l), 0);
	/* too small a store: pages dropped, counted */
	fwsnap_init(&s);
	s.cr3 = t.s.cr3;
	s.pt = slots;
	s.pt_cap = 3;
	ck_assert_int_eq(fwsnap_pt_capture(&s, store, NPAGES, read_t, NULL), -ENOSPC);
	ck_assert_uint_eq(s.npt, 3);
	ck_assert_uint_gt(s.pt_dropped, 0);
}
END_TEST

static void count_leaf(void *ctx, const struct fwsnap_leaf *l)
{
	UNUSED(l);
	(*(size_t *)ctx)++;
}

START_TEST(walk_is_bounded)
{
	uint64_t bad = 0;
	size_t n = 0;

	/* every entry of every level points at the next table: 512^3 paths */
	good();
	for (unsigned int i = 0; i < 512; i++) {
		t.pages[0][i] = (TBASE + 0x1000) | FWSNAP_PTE_P;
		t.pages[1][i] = (TBASE + 0x2000) | FWSNAP_PTE_P;
		t.pages[2][i] = (TBASE + 0x3000) | FWSNAP_PTE_P;
	}
	ck_assert_int_eq(fwsnap_walk(&t.s, 0, FWSNAP_VA_END - 1, count_leaf, &n, &bad), -E2BIG);
	ck_assert_int_eq(fwsnap_walk(&t.s, 1, 0, count_leaf, &n, &bad), -EINVAL);
	ck_assert_int_eq(fwsnap_walk(&t.s, 0, FWSNAP_VA_END, count_leaf, &n, &bad), -EINVAL);
	EXPECT("page-tables", "audit: page-tables SKIP over 65536 table visits");
}
END_TEST

START_TEST(walk_reports_canonical_upper_half_and_effective_rights)
{
	struct fwsnap_leaf l;

	good();
	/* PML4 slot 511: 0xffffff8000000000; RW clear in the PDPT entry */
	map4k(0xff8000000000ULL, 1, F_W);
	*entry(*entry(t.s.cr3, 0xff8000000000ULL, 4) & FWSNAP_PTE_ADDR, 0xff8000000000ULL, 3) &=
		~FWSNAP_PTE_RW;
	ck_assert_int_eq(fwsnap_lookup(&t.s, 0xff8000000000ULL, &l), 1);
	ck_assert_uint_eq(l.va, 0xffffff8000000000ULL);
	ck_assert(!l.write && !l.exec && !l.user);
	/* a PS bit in a PML4 entry is reserved: not a mapping */
	good();
	*entry(t.s.cr3, 0x8000000000ULL, 4) = FWSNAP_PTE_P | FWSNAP_PTE_PS | FWSNAP_PTE_RW;
	ck_assert_int_eq(fwsnap_lookup(&t.s, 0x8000000000ULL, &l), 0);
}
END_TEST

/* ---- PE images -------------------------------------------------------------- */

#define PE_NT 0x80
#define PE_OPT (PE_NT + 24)
#define PE_SECT (PE_OPT + 240)
#define PE_DBG 0x400
#define PE_CV 0x420
#define PE_SIZE 0x500

static void put16(uint8_t *p, unsigned int v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v & 0xFFFF);
	put16(p + 2, v >> 16);
}

/* A loaded PE32+ image: .text and .data, a CodeView debug entry. */
static void make_image(uint8_t *img)
{
	memset(img, 0, PE_SIZE);
	img[0] = 'M';
	img[1] = 'Z';
	put32(img + 0x3C, PE_NT);
	memcpy(img + PE_NT, "PE\0\0", 4);
	put16(img + PE_NT + 4, 0x8664);
	put16(img + PE_NT + 6, 2);
	put16(img + PE_NT + 20, 240);
	put16(img + PE_OPT, 0x20B);
	put32(img + PE_OPT + 108, 16);
	put32(img + PE_OPT + 112 + 48, PE_DBG);
	put32(img + PE_OPT + 112 + 52, 28);
	memcpy(img + PE_SECT, ".text", 5);
	put32(img + PE_SECT + 8, 0x1234);
	put32(img + PE_SECT + 12, 0x1000);
	put32(img + PE_SECT + 36, 0x60000020);
	memcpy(img + PE_SECT + 40, ".data", 5);
	put32(img + PE_SECT + 40 + 16, 0x200);  /* VirtualSize 0: raw size */
	put32(img + PE_SECT + 40 + 12, 0x3000);
	put32(img + PE_SECT + 40 + 36, 0xC0000040);
	put32(img + PE_DBG + 12, 2);
	put32(img + PE_DBG + 16, 0x40);
	put32(img + PE_DBG + 20, PE_CV);
	memcpy(img + PE_CV, "RSDS", 4);
	strcpy((char *)img + PE_CV + 24, "/build/X64/DxeCore.dll");
}

START_TEST(pe_sections_and_debug_name)
{
	static uint8_t img[PE_SIZE];
	struct fwsnap_image im;
	char name[FWSNAP_NAME_MAX];

	make_image(img);
	ck_assert_int_eq(fwsnap_pe_sections(img, PE_SIZE, &im), 0);
	ck_assert(im.pe_ok);
	ck_assert_uint_eq(im.nsect, 2);
	ck_assert_str_eq(im.sect[0].name, ".text");
	ck_assert_uint_eq(im.sect[0].size, 0x1234);
	ck_assert_uint_eq(im.sect[1].rva, 0x3000);
	ck_assert_uint_eq(im.sect[1].size, 0x200);
	ck_assert_uint_eq(im.sect[1].characteristics, 0xC0000040);
	ck_assert_int_eq(fwsnap_pe_debug_name(img, PE_SIZE, name, sizeof(name)), 0);
	ck_assert_str_eq(name, "DxeCore.dll");
	/* FWSNAP_MAX_SECTIONS kept, one more only counted */
	put16(img + PE_NT + 6, FWSNAP_MAX_SECTIONS);
	ck_assert_int_eq(fwsnap_pe_sections(img, PE_SIZE, &im), 0);
	ck_assert_uint_eq(im.nsect, FWSNAP_MAX_SECTIONS);
	ck_assert_uint_eq(im.nsect_total, FWSNAP_MAX_SECTIONS);
	put16(img + PE_NT + 6, FWSNAP_MAX_SECTIONS + 1);
	ck_assert_int_eq(fwsnap_pe_sections(img, PE_SIZE, &im), 0);
	ck_assert_uint_eq(im.nsect, FWSNAP_MAX_SECTIONS);
	ck_assert_uint_eq(im.nsect_total, FWSNAP_MAX_SECTIONS + 1);
	ck_assert_str_eq(im.sect[1].name, ".data");
	put16(img + PE_NT + 6, 40);             /* more sections than kept, past the end */
	ck_assert_int_eq(fwsnap_pe_sections(img, PE_SIZE, &im), -ENOEXEC);
	ck_assert(!im.pe_ok);
}
END_TEST

START_TEST(pe_every_truncation_reads_inside)
{
	uint8_t full[PE_SIZE];
	struct fwsnap_image im;
	char name[FWSNAP_NAME_MAX];

	make_image(full);
	for (size_t n = 0; n <= PE_SIZE; n++) {
		uint8_t *copy = malloc(n ? n : 1);
		int want = n >= PE_SECT + 80 ? 0 : -ENOEXEC;

		memcpy(copy, full, n);
		ck_assert_int_eq(fwsnap_pe_sections(copy, n, &im), want);
		if (n < PE_CV + 24 + 23)
			ck_assert_int_eq(fwsnap_pe_debug_name(copy, n, name, sizeof(name)),
					 -ENOENT);
		free(copy);
	}
}
END_TEST

static Suite *audit_suite(void)
{
	Suite *s = suite_create("audit");
	TCase *rules = tcase_create("rules");
	TCase *snap = tcase_create("fwsnap");

	tcase_add_test(rules, all_pass_on_the_good_snapshot);
	tcase_add_test(rules, page_tables_loop_missing_la57);
	tcase_add_test(rules, cpu_bits);
	tcase_add_test(rules, null_page_and_no_wx);
	tcase_add_test(rules, mmio_and_free_nx);
	tcase_add_test(rules, image_rules);
	tcase_add_test(rules, stack_rules);
	tcase_add_test(rules, mat_present_sorted_runtime);
	tcase_add_test(rules, mat_attributes_and_agreement);
	tcase_add_test(rules, memmap_sane_and_protocol);
	tcase_add_test(snap, pt_add_keeps_order_and_bounds);
	tcase_add_test(snap, capture_copies_what_is_reachable_once);
	tcase_add_test(snap, walk_is_bounded);
	tcase_add_test(snap, walk_reports_canonical_upper_half_and_effective_rights);
	tcase_add_test(snap, pe_sections_and_debug_name);
	tcase_add_test(snap, pe_every_truncation_reads_inside);
	suite_add_tcase(s, rules);
	suite_add_tcase(s, snap);
	return s;
}
UNIT_SUITE(audit_suite)
