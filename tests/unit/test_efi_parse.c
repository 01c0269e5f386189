/*
 * tests/unit/test_efi_parse.c - the command-line splitter, LoadOptions
 * decoding, the config parser and the memmap formatter, with hostile
 * inputs (empty, unterminated, overlong, odd descriptor sizes, zero-page
 * entries).
 */
#include <stdlib.h>
#include <string.h>

#include "../../pure/cmdline.h"
#include "../../pure/config.h"
#include "../../pure/memmap_fmt.h"
#include "../../lib/errno.h"
#include "unit.h"

static struct cmd_seq seq;

START_TEST(split_words_quotes_and_sequences)
{
	const char *why;

	ck_assert_int_eq(cmdline_split("  memmap --sorted ; poweroff ", &seq, &why), 0);
	ck_assert_int_eq(seq.ncmds, 2);
	ck_assert_int_eq(seq.cmds[0].argc, 2);
	ck_assert_str_eq(seq.cmds[0].argv[1], "--sorted");
	ck_assert_ptr_null(seq.cmds[0].argv[2]);
	ck_assert_str_eq(seq.cmds[1].argv[0], "poweroff");
	ck_assert_int_eq(cmdline_split("run \"a b\" c\"d e\"f;x", &seq, &why), 0);
	ck_assert_int_eq(seq.cmds[0].argc, 3);
	ck_assert_str_eq(seq.cmds[0].argv[1], "a b");
	ck_assert_str_eq(seq.cmds[0].argv[2], "cd ef");
	ck_assert_str_eq(seq.cmds[1].argv[0], "x");
	ck_assert_int_eq(cmdline_split("a \"x;y\"", &seq, &why), 0);
	ck_assert_int_eq(seq.ncmds, 1);
	ck_assert_str_eq(seq.cmds[0].argv[1], "x;y");
}
END_TEST

START_TEST(split_hostile)
{
	const char *why;
	char *big = malloc(CMDLINE_MAX_LEN + 10);

	ck_assert_int_eq(cmdline_split("", &seq, &why), 0);
	ck_assert_int_eq(seq.ncmds, 0);
	ck_assert_int_eq(cmdline_split("   \t ", &seq, &why), 0);
	ck_assert_int_eq(seq.ncmds, 0);
	ck_assert_int_eq(cmdline_split("run \"unterminated", &seq, &why), -EINVAL);
	ck_assert_str_eq(why, "unterminated quote");
	ck_assert_int_eq(cmdline_split("; memmap", &seq, &why), -EINVAL);
	ck_assert_int_eq(cmdline_split("a ;; b", &seq, &why), -EINVAL);
	memset(big, 'a', CMDLINE_MAX_LEN + 9);
	big[CMDLINE_MAX_LEN + 9] = 0;
	ck_assert_int_eq(cmdline_split(big, &seq, &why), -E2BIG);
	for (int i = 0; i < CMDLINE_MAX_LEN / 2 - 1; i++) {
		big[2 * i] = 'w';
		big[2 * i + 1] = ' ';
	}
	big[CMDLINE_MAX_LEN - 2] = 0;
	ck_assert_int_eq(cmdline_split(big, &seq, &why), -E2BIG);
	ck_assert_str_eq(why, "too many arguments");
	for (int i = 0; i < CMDLINE_MAX_LEN / 2 - 1; i++)
		big[2 * i + 1] = ';';
	ck_assert_int_eq(cmdline_split(big, &seq, &why), -E2BIG);
	ck_assert_str_eq(why, "too many commands");
	free(big);
}
END_TEST

START_TEST(ucs2_options)
{
	static const uint16_t ok[] = { 'f', 's', '0', ':', '\\', 'e', '.', 'e', 'f', 'i',
				       ' ', 'm', 0xE9, 0 };
	static const uint16_t bin[] = { 0x1234, 0x0001, 0x0002 };
	char out[64];

	ck_assert_int_eq(cmdline_from_ucs2(ok, sizeof(ok), out, sizeof(out)), 14);
	ck_assert_str_eq(out, "fs0:\\e.efi m\xC3\xA9");
	ck_assert_int_eq(cmdline_from_ucs2(ok, 4, out, sizeof(out)), 2);
	ck_assert_str_eq(out, "fs");
	ck_assert_int_eq(cmdline_from_ucs2(ok, 3, out, sizeof(out)), -EINVAL);
	ck_assert_int_eq(cmdline_from_ucs2(bin, sizeof(bin), out, sizeof(out)), -EINVAL);
	ck_assert_int_eq(cmdline_from_ucs2(ok, sizeof(ok), out, 8), -E2BIG);
	ck_assert_int_eq(cmdline_is_progname("fs0:\\efimm.efi"), 1);
	ck_assert_int_eq(cmdline_is_progname("EFIMM.EFI"), 1);
	ck_assert_int_eq(cmdline_is_progname("memmap"), 0);
	ck_assert_str_eq(cmdline_skip_word("  fs0:\\efimm.efi memmap"), " memmap");
	ck_assert_str_eq(cmdline_skip_word("\"fs0:\\my tools\\efimm.efi\" run x"), " run x");
	ck_assert_str_eq(cmdline_skip_word("memmap;poweroff"), ";poweroff");
	ck_assert_str_eq(cmdline_skip_word("\"open"), "");
	ck_assert_str_eq(cmdline_skip_word(""), "");
}
END_TEST

static struct config cfg;

START_TEST(config_good)
{
	static const char text[] =
		"# comment\r\n\n  timeout 5\ndefault two\n"
		"entry one \"First entry\" memmap ; poweroff\n"
		"entry two Second run a.elf \"x y\"\n";
	char err[100];

	ck_assert_int_eq(config_parse(text, strlen(text), &cfg, err, sizeof(err)), 0);
	ck_assert_int_eq(cfg.timeout, 5);
	ck_assert_int_eq(cfg.nentries, 2);
	ck_assert_str_eq(cfg.entries[0].title, "First entry");
	ck_assert_str_eq(cfg.entries[0].cmdline, "memmap ; poweroff");
	ck_assert_str_eq(cfg.entries[1].cmdline, "run a.elf \"x y\"");
	ck_assert_int_eq(cfg.entries[1].line, 6);
	ck_assert_int_eq(config_default_index(&cfg), 1);
}
END_TEST

static void expect_config_error(const char *text, const char *msg)
{
	char err[100];

	ck_assert_int_eq(config_parse(text, strlen(text), &cfg, err, sizeof(err)), -EINVAL);
	ck_assert_msg(strstr(err, msg), "error '%s' lacks '%s'", err, msg);
}

START_TEST(config_bad)
{
	char bin[] = "timeout 1\nentry a b c\0x\n";
	char err[100];

	expect_config_error("", "no entry");
	expect_config_error("bogus 1\n", "line 1: unknown keyword 'bogus'");
	expect_config_error("timeout x\nentry a b c\n", "timeout must be");
	expect_config_error("timeout 99999\nentry a b c\n", "timeout must be");
	expect_config_error("entry a \"unterminated\n", "unterminated quote");
	expect_config_error("entry a title\n", "entry has no command");
	expect_config_error("entry a t x\nentry a t y\n", "line 2: duplicate entry 'a'");
	expect_config_error("default nope\nentry a t x\n", "default names no entry");
	expect_config_error("entry\n", "missing");
	ck_assert_int_eq(config_parse(bin, sizeof(bin) - 1, &cfg, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "not a text file"));
}
END_TEST

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

static Suite *efi_parse_suite(void)
{
	Suite *s = suite_create("efi_parse");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, split_words_quotes_and_sequences);
	tcase_add_test(tc, split_hostile);
	tcase_add_test(tc, ucs2_options);
	tcase_add_test(tc, config_good);
	tcase_add_test(tc, config_bad);
	tcase_add_test(tc, memmap_shell_format);
	tcase_add_test(tc, memmap_sorted_merges_and_reports);
	tcase_add_test(tc, memmap_malformed);
	tcase_add_test(tc, memmap_wrapping_entry);
	suite_add_tcase(s, tc);
	return s;
}
UNIT_SUITE(efi_parse_suite)
