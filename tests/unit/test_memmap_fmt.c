/*
 * tests/unit/test_memmap_fmt.c - pure/memmap_fmt.c: the memmap formatter
 * and sorter (the UEFI Shell's format, odd descriptor sizes, zero-page
 * entries, overlaps, malformed maps).
 */
#include <stdlib.h>
#include <string.h>

#include "../../pure/memmap_fmt.h"
#include "../../lib/errno.h"
#include "unit.h"

/* A map buffer with descriptors dsize bytes apart (padding = 0xAB). */
static size_t make_map(uint8_t *buf, size_t dsize, const struct fw_desc *d, size_t n)
{
	memset(buf, 0xAB, dsize * n);
	for (size_t i = 0; i < n; i++)
		memcpy(buf + i * dsize, &d[i], sizeof(d[i]));
	return dsize * n;
}

static const struct fw_desc sample[] = {
	{ FW_BS_DATA, 0, 0x100000, 0, 0x10, 0xF },
	{ FW_CONVENTIONAL, 0, 0x0, 0, 0xA0, 0xF },
	{ FW_BS_DATA, 0, 0x110000, 0, 0x10, 0xF },
	{ FW_RT_CODE, 0, 0x200000, 0, 0, 0x800000000000000FULL },
	{ FW_MMIO, 0, 0xFFC00000, 0, 0x400, 0x8000000000000001ULL },
	{ FW_ACPI_NVS, 0, 0x10F000, 0, 0x2, 0xF },
};

START_TEST(memmap_shell_format)
{
	uint8_t buf[64 * 8];
	size_t sz = make_map(buf, 48, sample, 6);

	con_capture_reset();
	ck_assert_int_eq(memmap_fmt_print(buf, sz, 48), 0);
	ck_assert_ptr_nonnull(strstr(con_capture(),
		"Type       Start            End              # Pages          Attributes\n"
		"BS_Data    0000000000100000-000000000010FFFF 0000000000000010 000000000000000F\n"
		"Available  0000000000000000-000000000009FFFF 00000000000000A0 000000000000000F\n"));
	ck_assert_ptr_nonnull(strstr(con_capture(),
		"MMIO       00000000FFC00000-00000000FFFFFFFF 0000000000000400 8000000000000001\n"));
	ck_assert_ptr_nonnull(strstr(con_capture(),
		"  Available :            160 Pages (655,360 Bytes)\n"));
	ck_assert_ptr_nonnull(strstr(con_capture(),
		"  MMIO      :          1,024 Pages (4,194,304 Bytes)\n"));
	/* 0xA0 + 0x20 + 0x2 pages; MMIO not counted */
	ck_assert_ptr_nonnull(strstr(con_capture(),
		"Total Memory:              0 MB (794,624 Bytes)\n"));
}
END_TEST

static const struct fw_desc unsorted[] = {
	{ FW_BS_DATA, 0, 0x110000, 0, 0x10, 0xF },
	{ FW_CONVENTIONAL, 0, 0xA0000, 0, 0x10, 0xF },
	{ FW_BS_DATA, 0, 0x100000, 0, 0x10, 0xF },
	{ FW_CONVENTIONAL, 0, 0x0, 0, 0xA0, 0xF },
	{ FW_RT_CODE, 0, 0x200000, 0, 0, 0x800000000000000FULL },
	{ FW_ACPI_NVS, 0, 0x1F0000, 0, 0x20, 0xF },
	{ FW_RT_DATA, 0, 0x200000, 0, 0x1, 0x800000000000000FULL },
};

START_TEST(memmap_sorted_merges_and_reports)
{
	uint8_t buf[64 * 8];
	struct fw_desc scratch[8];
	size_t sz = make_map(buf, 56, unsorted, 7);

	con_capture_reset();
	ck_assert_int_eq(memmap_fmt_print_sorted(buf, sz, 56, scratch, 8), 1);
	ck_assert_ptr_nonnull(strstr(con_capture(),
		"Available  0000000000000000-00000000000AFFFF 00000000000000B0 000000000000000F\n"
		"BS_Data    0000000000100000-000000000011FFFF 0000000000000020 000000000000000F\n"
		"ACPI_NVS   00000000001F0000-000000000020FFFF 0000000000000020 000000000000000F\n"
		"RT_Data    0000000000200000-0000000000200FFF"));
	ck_assert_ptr_nonnull(strstr(con_capture(),
		"memmap: overlap: ACPI_NVS 00000000001F0000-000000000020FFFF and "
		"RT_Data 0000000000200000-0000000000200FFF\n"));
	ck_assert_ptr_nonnull(strstr(con_capture(),
		"sorted 7 entries: merged 2 into neighbours, dropped 1 zero-page, 1 overlapping"));
	ck_assert_int_eq(memmap_fmt_print_sorted(buf, sz, 56, scratch, 3), -EINVAL);
}
END_TEST

START_TEST(memmap_malformed)
{
	uint8_t buf[64 * 8];
	struct fw_desc scratch[8];
	const char *why;

	make_map(buf, 40, sample, 6);
	ck_assert_int_eq(memmap_fmt_check(240, 32, &why), -EINVAL);
	ck_assert_int_eq(memmap_fmt_check(241, 40, &why), -EINVAL);
	ck_assert_int_eq(memmap_fmt_check(240, 44, &why), -EINVAL);
	ck_assert_int_eq(memmap_fmt_check(0, 40, &why), 0);
	con_capture_reset();
	ck_assert_int_eq(memmap_fmt_print(buf, 100, 40), -EINVAL);
	ck_assert_ptr_nonnull(strstr(con_capture(), "memmap: bad memory map: map size"));
	ck_assert_int_eq(memmap_fmt_print(buf, 0, 40), 0);
	ck_assert_int_eq(memmap_fmt_print_sorted(buf, 0, 40, scratch, 0), 0);
}
END_TEST

START_TEST(memmap_wrapping_entry)
{
	struct fw_desc d = { FW_RESERVED, 0, 0xFFFFFFFFFFFFF000ULL, 0, 0x10, 0 };
	uint8_t buf[40];

	make_map(buf, 40, &d, 1);
	con_capture_reset();
	ck_assert_int_eq(memmap_fmt_print(buf, 40, 40), 0);
	ck_assert_ptr_nonnull(strstr(con_capture(), "FFFFFFFFFFFFF000-FFFFFFFFFFFFFFFF"));
}
END_TEST

static Suite *memmap_fmt_suite(void)
{
	Suite *s = suite_create("memmap_fmt");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, memmap_shell_format);
	tcase_add_test(tc, memmap_sorted_merges_and_reports);
	tcase_add_test(tc, memmap_malformed);
	tcase_add_test(tc, memmap_wrapping_entry);
	suite_add_tcase(s, tc);
	return s;
}
UNIT_SUITE(memmap_fmt_suite)
