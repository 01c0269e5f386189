/*
 * tests/unit/test_snapfile.c - pure/snapfile.c: a crafted snapshot
 * written and read back field for field (and audited the same way), then
 * each refusal of the reader on a file damaged in one place, checked on
 * its reason; every truncation is refused (ASan catches a read outside).
 */
#include <stdlib.h>
#include <string.h>

#include "../../lib/errno.h"
#include "../../pure/audit.h"
#include "../../pure/snapfile.h"
#include "unit.h"

#define TBASE  0x100000ULL      /* physical address of table page 0 */
#define DSIZE  48
#define P_RW   (FWSNAP_PTE_P | FWSNAP_PTE_RW)

static uint64_t pages[4][512];
static struct fwsnap_ptpage slots[4];
static struct fwsnap_image imgs[2];
static uint8_t map[3 * DSIZE];
static uint8_t mat[16 + DSIZE];
static struct fwsnap src;
static struct snapfile_meta meta;
static struct snapfile back;
static char why[SNAPFILE_WHY_MAX];

static const struct fw_desc descs[] = {
	{ FW_BS_CODE, 0, 0x0, 0, 1, FW_ATTR_WB },
	{ FW_CONVENTIONAL, 0, 0x1000, 0, 0x3ff, FW_ATTR_WB },
	{ FW_RT_CODE, 0, 0x400000, 0, 4, FW_ATTR_WB | FW_ATTR_RUNTIME },
};

/* PML4 -> PDPT -> PD with one 2 MiB leaf at 0 and a PT for 2 MiB. */
static void make_tables(void)
{
	memset(pages, 0, sizeof(pages));
	pages[0][0] = (TBASE + 0x1000) | P_RW;
	pages[1][0] = (TBASE + 0x2000) | P_RW;
	pages[2][0] = 0 | P_RW | FWSNAP_PTE_PS | FWSNAP_PTE_XD;
	pages[2][1] = (TBASE + 0x3000) | P_RW;
	for (int i = 0; i < 512; i++)
		pages[3][i] = (0x200000 + i * 4096ULL) | FWSNAP_PTE_P;
	for (int i = 0; i < 4; i++)
		ck_assert_int_eq(fwsnap_pt_add(&src, TBASE + i * 0x1000ULL,
					       (const uint8_t *)pages[i]), 0);
}

static void make_image(void)
{
	struct fwsnap_image *im = &imgs[0];

	memset(imgs, 0, sizeof(imgs));
	strcpy(im->name, "DxeCore.efi");
	im->base = 0x400000;
	im->size = 0x4000;
	im->pe_ok = true;
	im->nsect = 2;
	im->nsect_total = 2;
	im->sect[0] = (struct fwsnap_section){ ".text", 0x1000, 0x2000, 0x60000020 };
	im->sect[1] = (struct fwsnap_section){ ".reloc8x", 0x3000, 0x100, 0x42000040 };
	strcpy(imgs[1].name, "image@0x500000");
	imgs[1].base = 0x500000;
	src.nimg = 2;
	src.img_dropped = 3;
}

static void make_meta(void)
{
	struct fwsnap_mat_header h = { 1, 1, DSIZE, 0 };
	struct fw_desc md = { FW_RT_CODE, 0, 0x400000, 0, 4, FW_ATTR_RO | FW_ATTR_RUNTIME };

	memset(&meta, 0, sizeof(meta));
	strcpy(meta.version, "efimm test 1.0");
	meta.pat = 0x0007040600070406ULL;
	meta.ncpuid = 2;
	meta.cpuid[0] = (struct snapfile_cpuid){ 1, 0, 0x806f8, 0, 0x80202001, 0x78bfbff };
	meta.cpuid[1] = (struct snapfile_cpuid){ 0x80000001, 0, 0, 0, 0x121, 0x2c100800 };
	meta.has_layout = true;
	meta.layout = (struct snapfile_layout){
		.text = 0x1000000, .text_end = 0x1010000, .rodata = 0x1010000,
		.rodata_end = 0x1012000, .data = 0x1012000, .data_end = 0x1020000,
		.owned = 0x2000000, .owned_end = 0x2100000, .nextra = 1,
	};
	meta.layout.extra[0] = (struct snapfile_extra){ 0x80000000, 0x300000, 2, 0 };
	memcpy(mat, &h, sizeof(h));
	memset(mat + 16, 0xcd, DSIZE);
	memcpy(mat + 16, &md, sizeof(md));
}

/* The crafted snapshot in src and meta. */
static void make_snapshot(void)
{
	fwsnap_init(&src);
	src.pt = slots;
	src.pt_cap = 4;
	src.img = imgs;
	src.img_cap = 2;
	memset(map, 0xab, sizeof(map));
	for (int i = 0; i < 3; i++)
		memcpy(map + i * DSIZE, &descs[i], sizeof(descs[i]));
	src.map = map;
	src.map_size = sizeof(map);
	src.desc_size = DSIZE;
	src.desc_version = 1;
	src.mat = mat;
	src.mat_size = sizeof(mat);
	src.cr0 = 0x80010033;
	src.cr3 = TBASE;
	src.cr4 = 0x668;
	src.efer = 0xd00;
	src.rsp = 0x1ffa0;
	src.mem_attr_protocol = true;
	make_tables();
	make_image();
	make_meta();
}

/* The file of the current src/meta, malloc'd (8-byte aligned). */
static uint8_t *write_file(size_t *len)
{
	size_t n = snapfile_size(&src, &meta);
	uint8_t *buf = malloc(n);

	ck_assert_ptr_nonnull(buf);
	ck_assert_int_eq(snapfile_write(&src, &meta, buf, n), (long)n);
	*len = n;
	return buf;
}

/* Reads buf/len back, expecting a refusal whose reason contains want. */
static void refused(const uint8_t *buf, size_t len, const char *want)
{
	uint8_t *copy = malloc(len ? len : 1);

	memcpy(copy, buf, len);
	ck_assert_int_eq(snapfile_read(copy, len, &back, why), -EINVAL);
	ck_assert_msg(strstr(why, want), "reason '%s' lacks '%s'", why, want);
	ck_assert_ptr_null(strchr(why, '\n'));
	free(copy);
}

/* Offset of the first section of type in a good file. */
static size_t find_section(const uint8_t *buf, uint32_t type)
{
	size_t off = SNAPFILE_HEADER_SIZE;
	uint32_t t;
	uint64_t n;

	for (;;) {
		memcpy(&t, buf + off, 4);
		memcpy(&n, buf + off + 8, 8);
		if (t == type)
			return off;
		off += SNAPFILE_SEC_HEADER + (n + 7) / 8 * 8;
	}
}

START_TEST(round_trip)
{
	static struct audit_report ra, rb;
	struct snapfile_cpuid c;
	size_t len;
	uint8_t *buf;

	make_snapshot();
	buf = write_file(&len);
	ck_assert_int_eq(snapfile_write(&src, &meta, buf, len - 1), -ENOSPC);
	ck_assert_int_eq(len % 8, 0);
	ck_assert_int_eq(snapfile_read(buf, len, &back, why), 0);
	ck_assert_mem_eq(back.s.map, map, sizeof(map));
	ck_assert_uint_eq(back.s.map_size, sizeof(map));
	ck_assert_uint_eq(back.s.desc_size, DSIZE);
	ck_assert_mem_eq(back.s.mat, mat, sizeof(mat));
	ck_assert_uint_eq(back.s.cr3, TBASE);
	ck_assert_uint_eq(back.s.cr0, src.cr0);
	ck_assert_uint_eq(back.s.cr4, src.cr4);
	ck_assert_uint_eq(back.s.efer, src.efer);
	ck_assert_uint_eq(back.s.rsp, src.rsp);
	ck_assert(back.s.mem_attr_protocol);
	ck_assert_uint_eq(back.s.npt, 4);
	for (int i = 0; i < 4; i++) {
		ck_assert_uint_eq(back.s.pt[i].phys, TBASE + i * 0x1000ULL);
		ck_assert_mem_eq(back.s.pt[i].data, pages[i], 4096);
	}
	ck_assert_uint_eq(back.s.nimg, 2);
	ck_assert_uint_eq(back.s.img_dropped, 3);
	ck_assert_mem_eq(&back.img[0], &imgs[0], sizeof(imgs[0]) - sizeof(imgs[0].sect));
	ck_assert_str_eq(back.img[0].sect[1].name, ".reloc8x");
	ck_assert_uint_eq(back.img[0].sect[0].characteristics, 0x60000020);
	ck_assert_str_eq(back.m.version, "efimm test 1.0");
	ck_assert_uint_eq(back.m.pat, meta.pat);
	ck_assert(snapfile_cpuid_get(&back.m, 0x80000001, 0, &c));
	ck_assert_uint_eq(c.edx, 0x2c100800);
	ck_assert(!snapfile_cpuid_get(&back.m, 7, 0, &c));
	ck_assert(back.m.has_layout);
	ck_assert_mem_eq(&back.m.layout, &meta.layout, sizeof(meta.layout));
	audit_run(&src, &ra);
	audit_run(&back.s, &rb);
	ck_assert_mem_eq(&ra, &rb, sizeof(ra));
	free(buf);
}
END_TEST

START_TEST(optional_sections_and_unknown_types)
{
	size_t len, off;
	uint8_t *buf;
	uint32_t foreign = 99;

	make_snapshot();
	src.mat = NULL;
	meta.has_layout = false;
	buf = write_file(&len);
	ck_assert_int_eq(snapfile_read(buf, len, &back, why), 0);
	ck_assert_ptr_null(back.s.mat);
	ck_assert(!back.m.has_layout);
	/* A later writer's section type is skipped. */
	off = find_section(buf, SNAPFILE_SEC_EFIMM);
	memcpy(buf + off, &foreign, 4);
	refused(buf, len, "no EFIMM section");
	free(buf);
}
END_TEST

START_TEST(every_truncation_refused)
{
	size_t len;
	uint8_t *buf;

	make_snapshot();
	buf = write_file(&len);
	refused(buf, 0, "truncated: 0 bytes, shorter than the 32-byte header");
	refused(buf, 100, "truncated: 100 bytes, the header says");
	for (size_t n = 0; n < len; n += (n < 256 ? 1 : 509))
		refused(buf, n, "truncated");
	free(buf);
}
END_TEST

START_TEST(header_refusals)
{
	size_t len;
	uint8_t *buf, *big;
	uint32_t v = 2, nsec = 100;

	make_snapshot();
	buf = write_file(&len);
	buf[0] = 'X';
	refused(buf, len, "not an efimm snapshot (no EFIMMSNP magic)");
	buf[0] = 'E';
	memcpy(buf + 8, &v, 4);
	refused(buf, len, "snapshot format version 2, this reader knows 1");
	v = 1;
	memcpy(buf + 8, &v, 4);
	big = calloc(1, len + 8);
	memcpy(big, buf, len);
	refused(big, len + 8, "(data after the end)");
	memcpy(buf + 12, &nsec, 4);
	refused(buf, len, "section 8: header past the end of the file");
	nsec = 5;
	memcpy(buf + 12, &nsec, 4);
	refused(buf, len, "bytes after the last of 5 sections");
	free(big);
	free(buf);
}
END_TEST

START_TEST(section_refusals)
{
	size_t len, off;
	uint8_t *buf;
	uint64_t huge = 1ULL << 40, n;
	uint32_t t, ds = 44;

	make_snapshot();
	buf = write_file(&len);
	off = find_section(buf, SNAPFILE_SEC_MEMMAP);
	memcpy(&n, buf + off + 8, 8);
	memcpy(buf + off + 8, &huge, 8);
	refused(buf, len, "section 1 (type 4): 1099511627776 bytes run past the end of the file");
	memcpy(buf + off + 8, &n, 8);
	memcpy(buf + off + 16, &ds, 4);
	refused(buf, len, "MEMMAP section: descriptor size 44");
	ds = DSIZE;
	memcpy(buf + off + 16, &ds, 4);
	/* The REGS section retyped as a second MEMMAP. */
	t = SNAPFILE_SEC_MEMMAP;
	memcpy(buf + find_section(buf, SNAPFILE_SEC_REGS), &t, 4);
	refused(buf, len, "a second MEMMAP section");
	free(buf);
}
END_TEST

START_TEST(payload_refusals)
{
	size_t len, off;
	uint8_t *buf;
	uint32_t n = FWSNAP_MAX_SECTIONS + 1;

	make_snapshot();
	buf = write_file(&len);
	off = find_section(buf, SNAPFILE_SEC_EFIMM) + SNAPFILE_SEC_HEADER;
	buf[off + strlen(meta.version)] = 'x';
	refused(buf, len, "EFIMM section: 15 bytes, not a NUL-terminated version of at most 64");
	buf[off + strlen(meta.version)] = 0;
	off = find_section(buf, SNAPFILE_SEC_IMAGES) + SNAPFILE_SEC_HEADER + 8;
	memcpy(buf + off + 68, &n, 4);
	refused(buf, len, "IMAGES section: image 0 has 17 sections, at most 16");
	n = 2;
	memcpy(buf + off + 68, &n, 4);
	memset(buf + off, 'x', FWSNAP_NAME_MAX);
	refused(buf, len, "IMAGES section: image 0's name is not NUL-terminated");
	buf[off + FWSNAP_NAME_MAX - 1] = 0;
	off = find_section(buf, SNAPFILE_SEC_LAYOUT) + SNAPFILE_SEC_HEADER;
	n = 2;
	memcpy(buf + off + 64, &n, 4);
	refused(buf, len, "LAYOUT section: 96 bytes for 2 extra ranges (at most 256)");
	free(buf);
}
END_TEST

START_TEST(table_refusals)
{
	size_t len;
	uint8_t *buf;

	make_snapshot();
	pages[2][1] = 0x7000000 | P_RW;         /* a PT not in the file */
	buf = write_file(&len);
	refused(buf, len, "page tables: an entry points to 0x7000000, a table page not in the file");
	free(buf);

	make_snapshot();
	pages[1][1] = TBASE | P_RW;             /* the PDPT points at the PML4 */
	buf = write_file(&len);
	refused(buf, len, "page tables: the table at 0x100000 is its own ancestor (a loop)");
	free(buf);

	make_snapshot();
	src.pt[3].phys = TBASE + 0x3008;
	buf = write_file(&len);
	refused(buf, len, "table page at 0x103008 is not 4 KiB aligned");
	free(buf);

	make_snapshot();
	src.pt[3].phys = TBASE;
	buf = write_file(&len);
	refused(buf, len, "table page at 0x100000 appears twice");
	free(buf);

	/* Dropped pages: the file is accepted, the audit reports it. */
	make_snapshot();
	pages[2][1] = 0x7000000 | P_RW;
	src.pt_dropped = 1;
	buf = write_file(&len);
	ck_assert_int_eq(snapfile_read(buf, len, &back, why), 0);
	free(buf);
}
END_TEST

START_TEST(writer_refuses_what_the_format_cannot_hold)
{
	make_snapshot();
	src.desc_size = 0;
	ck_assert_int_eq(snapfile_write(&src, &meta, NULL, 0), -EINVAL);
	make_snapshot();
	meta.ncpuid = SNAPFILE_MAX_CPUID + 1;
	ck_assert_int_eq(snapfile_write(&src, &meta, NULL, 0), -EINVAL);
}
END_TEST

static Suite *snapfile_suite(void)
{
	Suite *s = suite_create("snapfile");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, round_trip);
	tcase_add_test(tc, optional_sections_and_unknown_types);
	tcase_add_test(tc, every_truncation_refused);
	tcase_add_test(tc, header_refusals);
	tcase_add_test(tc, section_refusals);
	tcase_add_test(tc, payload_refusals);
	tcase_add_test(tc, table_refusals);
	tcase_add_test(tc, writer_refuses_what_the_format_cannot_hold);
	suite_add_tcase(s, tc);
	return s;
}
UNIT_SUITE(snapfile_suite)
