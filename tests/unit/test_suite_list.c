/*
 * tests/unit/test_suite_list.c - pure/suite_list.c (a suite's list file)
 * and cmdline_words (pure/cmdline.c): entries, comments, quoting, CRLF
 * and the byte-order mark, every limit at and over its bound, and every
 * error naming its line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../pure/suite_list.h"
#include "../../pure/cmdline.h"
#include "../../lib/errno.h"
#include "unit.h"

static struct suite_list list;
static char err[SUITE_LIST_ERR_MAX];

static int parse(const char *text)
{
	err[0] = '\0';
	return suite_list_parse("t.lst", text, strlen(text), &list, err, sizeof(err));
}

START_TEST(entries_arguments_and_options)
{
	const struct suite_entry *e;

	ck_assert_int_eq(parse("# the suite\n"
			       "\n"
			       "a.elf\n"
			       "  b.elf one \"two words\" mem=4M timeout=5  \n"
			       "\t# indented comment\n"
			       "c.elf exit=3 mem=1M -- swap=0\n"), 0);
	ck_assert_int_eq(list.n, 3);
	e = &list.e[0];
	ck_assert_int_eq(e->line, 3);
	ck_assert_int_eq(e->argc, 1);
	ck_assert_str_eq(e->argv[0], "a.elf");
	ck_assert_ptr_null(e->argv[1]);
	ck_assert_int_eq(e->nopts, 0);
	ck_assert_ptr_null(e->opts[0]);
	ck_assert_uint_eq(e->ro.set, 0);
	e = &list.e[1];
	ck_assert_int_eq(e->line, 4);
	ck_assert_int_eq(e->argc, 3);
	ck_assert_str_eq(e->argv[2], "two words");
	ck_assert_ptr_null(e->argv[3]);
	ck_assert_int_eq(e->nopts, 2);
	ck_assert_str_eq(e->opts[0], "mem=4M");
	ck_assert_str_eq(e->opts[1], "timeout=5");
	ck_assert_ptr_null(e->opts[2]);
	ck_assert_uint_eq(e->ro.set, RUNOPT_MEM | RUNOPT_TIMEOUT);
	ck_assert_uint_eq(e->ro.timeout_s, 5);
	e = &list.e[2];
	ck_assert_int_eq(e->line, 6);
	ck_assert_int_eq(e->argc, 3);
	ck_assert_str_eq(e->argv[1], "exit=3");
	ck_assert_str_eq(e->argv[2], "mem=1M");
	ck_assert_int_eq(e->nopts, 1);
	ck_assert_str_eq(e->opts[0], "swap=0");
	ck_assert_uint_eq(e->ro.set, RUNOPT_SWAP);
}
END_TEST

START_TEST(crlf_bom_and_no_final_newline)
{
	ck_assert_int_eq(parse("\xEF\xBB\xBF# bom\r\na.elf x\r\n\r\nb.elf \"q\r\" y"), 0);
	ck_assert_int_eq(list.n, 2);
	ck_assert_str_eq(list.e[0].argv[1], "x");
	ck_assert_int_eq(list.e[0].argc, 2);
	ck_assert_int_eq(list.e[1].line, 4);
	ck_assert_str_eq(list.e[1].argv[1], "q\r");
	ck_assert_str_eq(list.e[1].argv[2], "y");
	/* a BOM is accepted only at the very start */
	ck_assert_int_eq(parse("a.elf\n\xEF\xBB\xBF" "b.elf\n"), 0);
	ck_assert_str_eq(list.e[1].argv[0], "\xEF\xBB\xBF" "b.elf");
	/* '#' after a word is an ordinary character */
	ck_assert_int_eq(parse("a.elf #1\n"), 0);
	ck_assert_str_eq(list.e[0].argv[1], "#1");
}
END_TEST

START_TEST(errors_name_the_line)
{
	static const struct { const char *text; int ret; const char *err; } bad[] = {
		{ "a.elf\n\nb.elf x exit=3\n", -ENOENT,
		  "t.lst: line 3: unknown option 'exit=3' (a payload argument of the "
		  "form KEY=VALUE goes before --)" },
		{ "a.elf mem=4M x\n", -EINVAL,
		  "t.lst: line 1: option 'mem=4M' before the payload argument 'x': "
		  "efimm's options come last" },
		{ "#\na.elf mem=4M mem=8M\n", -EEXIST,
		  "t.lst: line 2: duplicate option 'mem'" },
		{ "a.elf -- x\n", -EINVAL,
		  "t.lst: line 1: 'x' after --: only efimm's options may follow -- "
		  "(the payload's arguments go before it)" },
		{ "a.elf timeout=1d\n", -EINVAL,
		  "t.lst: line 1: bad option 'timeout=1d': timeout takes seconds, "
		  "0..86400 (0: none)" },
		{ "a.elf \"open\n", -EINVAL, "t.lst: line 1: unterminated quote" },
		{ "a.elf ; b.elf\n", -EINVAL,
		  "t.lst: line 1: unquoted ';' (one command per line here)" },
		{ "a.elf\nmem=4M a.elf\n", -EINVAL,
		  "t.lst: line 2: 'mem=4M' where the payload's path goes: options "
		  "come after the path" },
		{ "a.elf\x1b\n", -EINVAL, "t.lst: line 1: control character 0x1b" },
		{ "a.elf\x7f\n", -EINVAL, "t.lst: line 1: control character 0x7f" },
		{ "", -EINVAL, "t.lst: no payloads (only comments and blank lines)" },
		{ "# only\n\n   \n\t\n", -EINVAL,
		  "t.lst: no payloads (only comments and blank lines)" },
		{ "\xEF\xBB\xBF", -EINVAL,
		  "t.lst: no payloads (only comments and blank lines)" },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_int_eq(parse(bad[i].text), bad[i].ret);
		ck_assert_str_eq(err, bad[i].err);
	}
}
END_TEST

START_TEST(nul_byte)
{
	static const char text[] = "a.elf\nb.elf\0x\n";

	ck_assert_int_eq(suite_list_parse("t.lst", text, sizeof(text) - 1, &list,
					  err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "t.lst: line 2: NUL byte: not a text file");
}
END_TEST

START_TEST(line_length_limit)
{
	char *t = malloc(SUITE_LIST_MAX_LINE + 8);

	memset(t, 'a', SUITE_LIST_MAX_LINE);
	strcpy(t + SUITE_LIST_MAX_LINE, "\r\n");        /* CR not counted */
	ck_assert_int_eq(parse(t), 0);
	ck_assert_uint_eq(strlen(list.e[0].argv[0]), SUITE_LIST_MAX_LINE);
	strcpy(t + SUITE_LIST_MAX_LINE, "b\n");
	ck_assert_int_eq(parse(t), -E2BIG);
	ck_assert_str_eq(err, "t.lst: line 1: line too long (max 1024 bytes)");
	free(t);
}
END_TEST

START_TEST(words_per_line_limit)
{
	char t[512] = "p.elf";

	for (int i = 1; i < SUITE_LIST_MAX_WORDS; i++)
		strcat(t, " w");
	ck_assert_int_eq(parse(t), 0);
	ck_assert_int_eq(list.e[0].argc, SUITE_LIST_MAX_WORDS);
	ck_assert_ptr_null(list.e[0].argv[SUITE_LIST_MAX_WORDS]);
	strcat(t, " w");
	ck_assert_int_eq(parse(t), -E2BIG);
	ck_assert_str_eq(err, "t.lst: line 1: too many words (max 32: path, "
			 "arguments, -- and options)");
}
END_TEST

START_TEST(entries_limit)
{
	size_t cap = (SUITE_LIST_MAX_ENTRIES + 2) * 8;
	char *t = malloc(cap);
	size_t n = 0;

	for (int i = 0; i < SUITE_LIST_MAX_ENTRIES; i++)
		n += (size_t)snprintf(t + n, cap - n, "p%d\n", i);
	ck_assert_int_eq(parse(t), 0);
	ck_assert_int_eq(list.n, SUITE_LIST_MAX_ENTRIES);
	ck_assert_str_eq(list.e[SUITE_LIST_MAX_ENTRIES - 1].argv[0], "p127");
	snprintf(t + n, cap - n, "# c\none-more\n");
	ck_assert_int_eq(parse(t), -E2BIG);
	ck_assert_str_eq(err, "t.lst: line 130: more than 128 payloads");
	free(t);
}
END_TEST

START_TEST(size_limit_and_full_buffer)
{
	char *t = malloc(SUITE_LIST_MAX_SIZE + 2);
	size_t n = 0;
	int lines = 0;

	/* a file of exactly the largest size, all words and no blanks to
	 * spare: the words fill list.buf to its last byte */
	while (n + 1000 <= SUITE_LIST_MAX_SIZE - 536) {
		memset(t + n, 'x', 999);
		t[n + 999] = '\n';
		n += 1000;
		lines++;
	}
	for (int l = 0; l < 8; l++, lines++)
		for (int i = 0; i < SUITE_LIST_MAX_WORDS; i++) {
			t[n++] = 'y';
			t[n++] = i + 1 < SUITE_LIST_MAX_WORDS ? ' ' : '\n';
		}
	memset(t + n, 'z', SUITE_LIST_MAX_SIZE - n);
	n = SUITE_LIST_MAX_SIZE;
	lines++;
	ck_assert_int_eq(suite_list_parse("t.lst", t, n, &list, err, sizeof(err)), 0);
	ck_assert_int_eq(list.n, lines);
	ck_assert_int_eq(list.e[lines - 1].argc, 1);
	ck_assert_uint_eq(strlen(list.e[lines - 1].argv[0]), 24);
	ck_assert_int_eq(suite_list_parse("t.lst", t, SUITE_LIST_MAX_SIZE + 1, &list,
					  err, sizeof(err)), -E2BIG);
	ck_assert_str_eq(err, "t.lst: too large: 65537 bytes, the limit is 64 KiB");
	free(t);
}
END_TEST

START_TEST(cmdline_words_rules)
{
	char *w[4];
	char buf[32];
	const char *why;

	ck_assert_int_eq(cmdline_words("  a \"b c\"d\t e", w, 3, buf, sizeof(buf), &why), 3);
	ck_assert_str_eq(w[1], "b cd");
	ck_assert_str_eq(w[2], "e");
	ck_assert_ptr_null(w[3]);
	ck_assert_int_eq(cmdline_words(" \t ", w, 3, buf, sizeof(buf), &why), 0);
	ck_assert_ptr_null(w[0]);
	ck_assert_int_eq(cmdline_words("\"\"", w, 3, buf, sizeof(buf), &why), 1);
	ck_assert_str_eq(w[0], "");
	ck_assert_int_eq(cmdline_words("a \"x;y\"", w, 3, buf, sizeof(buf), &why), 2);
	ck_assert_str_eq(w[1], "x;y");
	ck_assert_int_eq(cmdline_words("a b c d", w, 3, buf, sizeof(buf), &why), -E2BIG);
	ck_assert_str_eq(why, "too many words");
	ck_assert_int_eq(cmdline_words("a;b", w, 3, buf, sizeof(buf), &why), -EINVAL);
	ck_assert_int_eq(cmdline_words("a \"b", w, 3, buf, sizeof(buf), &why), -EINVAL);
	ck_assert_str_eq(why, "unterminated quote");
	/* strlen + 1 bytes suffice; fewer do not */
	ck_assert_int_eq(cmdline_words("ab cd", w, 3, buf, 6, &why), 2);
	ck_assert_int_eq(cmdline_words("ab cd", w, 3, buf, 5, &why), -E2BIG);
	ck_assert_str_eq(why, "line too long");
}
END_TEST

static Suite *suite_list_suite(void)
{
	Suite *s = suite_create("suite_list");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, entries_arguments_and_options);
	tcase_add_test(tc, crlf_bom_and_no_final_newline);
	tcase_add_test(tc, errors_name_the_line);
	tcase_add_test(tc, nul_byte);
	tcase_add_test(tc, line_length_limit);
	tcase_add_test(tc, words_per_line_limit);
	tcase_add_test(tc, entries_limit);
	tcase_add_test(tc, size_limit_and_full_buffer);
	tcase_add_test(tc, cmdline_words_rules);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_SUITE(suite_list_suite)
