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

static Suite *config_suite(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, config_good);
	tcase_add_test(tc, config_bad);
	suite_add_tcase(s, tc);
	return s;
}
UNIT_SUITE(config_suite)
