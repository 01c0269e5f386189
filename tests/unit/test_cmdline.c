/*
 * tests/unit/test_cmdline.c - pure/cmdline.c: the command-line splitter
 * and LoadOptions decoding, with hostile inputs (empty, unterminated,
 * overlong, too many words or commands).
 */
#include <stdlib.h>
#include <string.h>

#include "../../pure/cmdline.h"
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

/* "help;" sixteen times, then one more ';' (or one more word): the 17th
 * command has no slot.  Before the count was checked at ';' the splitter
 * wrote past cmds[]. */
START_TEST(split_too_many_commands)
{
	char line[CMDLINE_MAX_LEN];
	const char *why;

	line[0] = '\0';
	for (int i = 0; i < CMDLINE_MAX_CMDS; i++)
		strcat(line, "help;");
	ck_assert_int_eq(cmdline_split(line, &seq, &why), 0);
	ck_assert_int_eq(seq.ncmds, CMDLINE_MAX_CMDS);
	ck_assert_str_eq(seq.cmds[CMDLINE_MAX_CMDS - 1].argv[0], "help");
	strcat(line, ";");
	ck_assert_int_eq(cmdline_split(line, &seq, &why), -E2BIG);
	ck_assert_str_eq(why, "too many commands");
	strcat(line, " ; poweroff");
	ck_assert_int_eq(cmdline_split(line, &seq, &why), -E2BIG);
	ck_assert_str_eq(why, "too many commands");
	line[strlen(line) - strlen("; ; poweroff")] = '\0';
	strcat(line, "help");
	ck_assert_int_eq(cmdline_split(line, &seq, &why), -E2BIG);
	ck_assert_str_eq(why, "too many commands");
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

/* What efi/main.c runs from the Shell's LoadOptions: the program name
 * goes, and what is left decides between a command line and the config
 * (a lone ';' is a command line, and an error, not "no arguments"). */
START_TEST(progname_dropped)
{
	const char *rest;

	ck_assert_str_eq(cmdline_after_progname("fs0:\\efimm.efi memmap"), " memmap");
	ck_assert_str_eq(cmdline_after_progname(" \"fs0:\\my dir\\efimm.efi\" ;"), " ;");
	ck_assert_str_eq(cmdline_after_progname("memmap --sorted"), "memmap --sorted");
	ck_assert_str_eq(cmdline_after_progname("\"open"), "\"open");
	ck_assert_str_eq(cmdline_after_progname(""), "");
	rest = cmdline_after_progname("fs0:\\efimm.efi ;");
	ck_assert_int_eq(cmdline_is_blank(rest), 0);
	rest = cmdline_after_progname("EFIMM.EFI \t ");
	ck_assert_int_eq(cmdline_is_blank(rest), 1);
	ck_assert_int_eq(cmdline_is_blank(""), 1);
	ck_assert_int_eq(cmdline_is_blank(";"), 0);
}
END_TEST

static Suite *cmdline_suite(void)
{
	Suite *s = suite_create("cmdline");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, split_words_quotes_and_sequences);
	tcase_add_test(tc, split_hostile);
	tcase_add_test(tc, split_too_many_commands);
	tcase_add_test(tc, ucs2_options);
	tcase_add_test(tc, progname_dropped);
	suite_add_tcase(s, tc);
	return s;
}
UNIT_SUITE(cmdline_suite)
