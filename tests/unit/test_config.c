/*
 * tests/unit/test_config.c - pure/config.c: the efimm.conf parser, good
 * files and every error it reports.
 */
#include <stdlib.h>
#include <string.h>

#include "../../pure/config.h"
#include "../../lib/errno.h"
#include "unit.h"

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

	expect_config_error("", "no entries");
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

/* An editor's UTF-8 byte-order mark before the first keyword is not part
 * of it (it was read as "unknown keyword '\xEF\xBB\xBFtimeout'"). */
START_TEST(config_utf8_bom)
{
	static const char text[] = "\xEF\xBB\xBF" "timeout 3\r\nentry a \"A\" help\r\n";
	char err[100];

	ck_assert_int_eq(config_parse(text, strlen(text), &cfg, err, sizeof(err)), 0);
	ck_assert_int_eq(cfg.timeout, 3);
	ck_assert_str_eq(cfg.entries[0].name, "a");
	expect_config_error("timeout 3\n\xEF\xBB\xBF" "entry a A help\n",
			    "line 2: unknown keyword");
}
END_TEST

/* Errors about the whole file carry no line number (it said "line 0"),
 * and a field too long names itself and the limit (it said "entry name
 * 'too long'"). */
START_TEST(config_messages_name_the_problem)
{
	char err[120], big[CONFIG_MAX_SIZE + 2];

	ck_assert_int_eq(config_parse("", 0, &cfg, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "no entries");
	ck_assert_int_eq(config_parse("# only a comment\n", 17, &cfg, err,
				      sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "no entries");
	ck_assert_int_eq(config_parse("entry a t x\ndefault b\n", 22, &cfg, err,
				      sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "default names no entry: 'b'");
	ck_assert_int_eq(config_parse("entry a_very_long_entry_name_of_40_characters t x\n",
				      51, &cfg, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "line 1: entry name 'a_very_long_entr...' too long "
			      "(max 31 characters)");
	expect_config_error("entry a \"an entry title that is longer than the"
			    " eighty characters that a menu row can show on a screen\" x\n",
			    "line 1: entry title 'an entry title t...' too long (max 79");
	memset(big, '#', sizeof(big));
	ck_assert_int_eq(config_parse(big, sizeof(big), &cfg, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "too large: 65538 bytes, the limit is 65536 (64 KiB)");
}
END_TEST

static Suite *config_suite(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, config_good);
	tcase_add_test(tc, config_bad);
	tcase_add_test(tc, config_utf8_bom);
	tcase_add_test(tc, config_messages_name_the_problem);
	suite_add_tcase(s, tc);
	return s;
}
UNIT_SUITE(config_suite)
