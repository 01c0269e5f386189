/*
 * tests/unit/test_runopts.c - pure/runopts.c: every option's values and
 * refusals, defaults and merging, and the run-line rule (trailing
 * options, `--`, misplaced, unknown and duplicate options, extra keys).
 */
#include <string.h>

#include "../../pure/runopts.h"
#include "../../lib/errno.h"
#include "unit.h"

static char why[RUNOPTS_WHY_MAX];

/* Parses word into a cleared struct; returns the error. */
static int one(struct runopts *o, const char *word)
{
	runopts_clear(o);
	return runopts_parse_word(o, word, NULL, why);
}

START_TEST(defaults_and_clear)
{
	struct runopts o;

	runopts_default(&o);
	ck_assert_uint_eq(o.mem, 0);
	ck_assert_uint_eq(o.swap, 8ULL << 20);
	ck_assert_str_eq(o.evict, "");
	ck_assert(!o.paging_report && !o.timing);
	ck_assert_uint_eq(o.timeout_s, 60);
	ck_assert_uint_eq(o.ring, 3);
	ck_assert_uint_eq(o.inject, RUNOPT_INJECT_NONE);
	ck_assert(!o.la57);
	ck_assert_uint_eq(o.set, 0);
	runopts_clear(&o);
	ck_assert_uint_eq(o.swap, 0);
	ck_assert_uint_eq(o.timeout_s, 0);
}
END_TEST

START_TEST(every_option_accepts_its_values)
{
	struct runopts o;

	ck_assert_int_eq(one(&o, "mem=16M"), 0);
	ck_assert_uint_eq(o.mem, 16ULL << 20);
	ck_assert_uint_eq(o.set, RUNOPT_MEM);
	ck_assert_int_eq(one(&o, "mem=1M"), 0);
	ck_assert_int_eq(one(&o, "mem=0x100000"), 0);
	ck_assert_int_eq(one(&o, "swap=0"), 0);
	ck_assert_uint_eq(o.swap, 0);
	ck_assert_uint_eq(o.set, RUNOPT_SWAP);
	ck_assert_int_eq(one(&o, "swap=64MiB"), 0);
	ck_assert_uint_eq(o.swap, 64ULL << 20);
	for (int i = 0; i < 3; i++) {
		static const char *const p[] = { "clock", "nru", "lru" };
		char w[16];

		strcpy(w, "evict=");
		strcat(w, p[i]);
		ck_assert_int_eq(one(&o, w), 0);
		ck_assert_str_eq(o.evict, p[i]);
		ck_assert_uint_eq(o.set, RUNOPT_EVICT);
	}
	ck_assert_int_eq(one(&o, "paging=1"), 0);
	ck_assert(o.paging_report);
	ck_assert_uint_eq(o.set, RUNOPT_PAGING);
	ck_assert_int_eq(one(&o, "paging=0"), 0);
	ck_assert(!o.paging_report);
	ck_assert_int_eq(one(&o, "timing=1"), 0);
	ck_assert(o.timing);
	ck_assert_uint_eq(o.set, RUNOPT_TIMING);
	ck_assert_int_eq(one(&o, "timeout=0"), 0);
	ck_assert_uint_eq(o.timeout_s, 0);
	ck_assert_uint_eq(o.set, RUNOPT_TIMEOUT);
	ck_assert_int_eq(one(&o, "timeout=86400"), 0);
	ck_assert_uint_eq(o.timeout_s, 86400);
	ck_assert_int_eq(one(&o, "ring=0"), 0);
	ck_assert_uint_eq(o.ring, 0);
	ck_assert_uint_eq(o.set, RUNOPT_RING);
	ck_assert_int_eq(one(&o, "ring=3"), 0);
	ck_assert_uint_eq(o.ring, 3);
	ck_assert_int_eq(one(&o, "inject=smap"), 0);
	ck_assert_uint_eq(o.inject, RUNOPT_INJECT_SMAP);
	ck_assert_uint_eq(o.set, RUNOPT_INJECT);
	ck_assert_int_eq(one(&o, "inject=smep"), 0);
	ck_assert_uint_eq(o.inject, RUNOPT_INJECT_SMEP);
	ck_assert_int_eq(one(&o, "inject=ap-stuck"), 0);
	ck_assert_uint_eq(o.inject, RUNOPT_INJECT_AP_STUCK);
	ck_assert_int_eq(one(&o, "inject=ap-late"), 0);
	ck_assert_uint_eq(o.inject, RUNOPT_INJECT_AP_LATE);
	ck_assert_int_eq(one(&o, "inject=ap-efimm-fault"), 0);
	ck_assert_uint_eq(o.inject, RUNOPT_INJECT_AP_EFIMM_FAULT);
	ck_assert_int_eq(one(&o, "inject=efimm-panic"), 0);
	ck_assert_uint_eq(o.inject, RUNOPT_INJECT_EFIMM_PANIC);
	ck_assert_int_eq(one(&o, "shootdown=off"), 0);
	ck_assert(o.shootdown_off);
	ck_assert_uint_eq(o.set, RUNOPT_SHOOTDOWN);
	ck_assert_int_eq(one(&o, "shootdown=on"), 0);
	ck_assert(!o.shootdown_off);
	ck_assert_int_eq(one(&o, "la57=1"), 0);
	ck_assert(o.la57);
	ck_assert_uint_eq(o.set, RUNOPT_LA57);
	ck_assert_int_eq(one(&o, "la57=0"), 0);
	ck_assert(!o.la57);
}
END_TEST

START_TEST(bad_values_name_the_word)
{
	static const struct { const char *word, *why; } bad[] = {
		{ "mem=512K", "bad option 'mem=512K': mem takes a size of at least 1M (e.g. 16M)" },
		{ "mem=", "bad option 'mem=': mem takes a size of at least 1M (e.g. 16M)" },
		{ "mem=16Q", "bad option 'mem=16Q': mem takes a size of at least 1M (e.g. 16M)" },
		{ "swap=lots", "bad option 'swap=lots': swap takes a size (e.g. 64M; 0: no backing store)" },
		{ "swap=99999999999999999999", "bad option 'swap=99999999999999999999': swap takes a size (e.g. 64M; 0: no backing store)" },
		{ "evict=fifo", "bad option 'evict=fifo': evict takes clock, nru or lru" },
		{ "evict=CLOCK", "bad option 'evict=CLOCK': evict takes clock, nru or lru" },
		{ "paging=2", "bad option 'paging=2': paging takes 0 or 1" },
		{ "timing=yes", "bad option 'timing=yes': timing takes 0 or 1" },
		{ "timeout=86401", "bad option 'timeout=86401': timeout takes seconds, 0..86400 (0: none)" },
		{ "timeout=-1", "bad option 'timeout=-1': timeout takes seconds, 0..86400 (0: none)" },
		{ "timeout=5s", "bad option 'timeout=5s': timeout takes seconds, 0..86400 (0: none)" },
		{ "ring=1", "bad option 'ring=1': ring takes 0 or 3" },
		{ "ring=", "bad option 'ring=': ring takes 0 or 3" },
		{ "ring=03", "bad option 'ring=03': ring takes 0 or 3" },
		{ "inject=SMAP", "bad option 'inject=SMAP': inject takes smap, smep, ap-stuck, ap-late, ap-efimm-fault or efimm-panic" },
		{ "inject=", "bad option 'inject=': inject takes smap, smep, ap-stuck, ap-late, ap-efimm-fault or efimm-panic" },
		{ "shootdown=no", "bad option 'shootdown=no': shootdown takes on or off" },
		{ "shootdown=", "bad option 'shootdown=': shootdown takes on or off" },
		{ "la57=2", "bad option 'la57=2': la57 takes 0 or 1" },
		{ "la57=yes", "bad option 'la57=yes': la57 takes 0 or 1" },
	};
	struct runopts o;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_int_eq(one(&o, bad[i].word), -EINVAL);
		ck_assert_str_eq(why, bad[i].why);
		ck_assert_uint_eq(o.set, 0);
	}
}
END_TEST

START_TEST(unknown_and_duplicate_words)
{
	struct runopts o;

	ck_assert_int_eq(one(&o, "exit=3"), -ENOENT);
	ck_assert_str_eq(why, "unknown option 'exit=3'");
	ck_assert_int_eq(one(&o, "Mem=4M"), -ENOENT);
	ck_assert_int_eq(one(&o, "--mem=4M"), -ENOENT);
	ck_assert_int_eq(one(&o, "mem"), -ENOENT);
	ck_assert_int_eq(one(&o, "stale-keys=1"), -ENOENT);
	ck_assert_int_eq(one(&o, "mem=4M"), 0);
	ck_assert_int_eq(runopts_parse_word(&o, "mem=8M", NULL, why), -EEXIST);
	ck_assert_str_eq(why, "duplicate option 'mem'");
	ck_assert_uint_eq(o.mem, 4ULL << 20);
	/* a bad second value is still a duplicate, and changes nothing */
	ck_assert_int_eq(runopts_parse_word(&o, "mem=x", NULL, why), -EEXIST);
	ck_assert_uint_eq(o.mem, 4ULL << 20);
}
END_TEST

START_TEST(option_form)
{
	ck_assert(runopts_is_option_form("exit=3"));
	ck_assert(runopts_is_option_form("a_b-c9="));
	ck_assert(runopts_is_option_form("k=v=w"));
	ck_assert(!runopts_is_option_form("=3"));
	ck_assert(!runopts_is_option_form("--count=3"));
	ck_assert(!runopts_is_option_form("9=3"));
	ck_assert(!runopts_is_option_form("a b=3"));
	ck_assert(!runopts_is_option_form("word"));
	ck_assert(!runopts_is_option_form(""));
	ck_assert(runopts_is_known("timeout=x", NULL));
	ck_assert(!runopts_is_known("timeouts=1", NULL));
	ck_assert(!runopts_is_known("time=1", NULL));
}
END_TEST

START_TEST(merge_puts_a_line_over_defaults)
{
	struct runopts d, line, o;

	runopts_default(&o);
	runopts_clear(&d);
	ck_assert_int_eq(runopts_parse_word(&d, "mem=4M", NULL, why), 0);
	ck_assert_int_eq(runopts_parse_word(&d, "timeout=5", NULL, why), 0);
	ck_assert_int_eq(runopts_parse_word(&d, "evict=nru", NULL, why), 0);
	runopts_clear(&line);
	ck_assert_int_eq(runopts_parse_word(&line, "timeout=0", NULL, why), 0);
	ck_assert_int_eq(runopts_parse_word(&line, "paging=1", NULL, why), 0);
	ck_assert_int_eq(runopts_parse_word(&line, "swap=0", NULL, why), 0);
	ck_assert_int_eq(runopts_parse_word(&line, "timing=1", NULL, why), 0);
	ck_assert_int_eq(runopts_parse_word(&line, "ring=0", NULL, why), 0);
	ck_assert_int_eq(runopts_parse_word(&line, "la57=1", NULL, why), 0);
	runopts_merge(&o, &d);
	runopts_merge(&o, &line);
	ck_assert_uint_eq(o.mem, 4ULL << 20);
	ck_assert_uint_eq(o.timeout_s, 0);      /* the line's 0 wins */
	ck_assert_str_eq(o.evict, "nru");
	ck_assert(o.paging_report && o.timing);
	ck_assert_uint_eq(o.swap, 0);           /* given as 0: not the default */
	ck_assert_uint_eq(o.ring, 0);
	ck_assert(o.la57);
	ck_assert_uint_eq(o.set, RUNOPT_MEM | RUNOPT_TIMEOUT | RUNOPT_EVICT |
			  RUNOPT_PAGING | RUNOPT_SWAP | RUNOPT_TIMING | RUNOPT_RING |
			  RUNOPT_LA57);
	/* nothing given: the defaults stay */
	runopts_default(&o);
	runopts_clear(&line);
	runopts_merge(&o, &line);
	ck_assert_uint_eq(o.swap, 8ULL << 20);
	ck_assert_uint_eq(o.timeout_s, 60);
	ck_assert_uint_eq(o.ring, 3);
}
END_TEST

/* Splits a line given as words; returns runopts_split's result. */
static int split(struct runopts *o, const char *const *w)
{
	int n = 0;

	while (w[n])
		n++;
	return runopts_split((char *const *)w, n, NULL, o, why);
}

START_TEST(split_trailing_options)
{
	struct runopts o;
	const char *a[] = { "p.elf", "one", "two words", NULL };
	const char *b[] = { "p.elf", "x", "mem=4M", "timeout=9", NULL };
	const char *c[] = { "p.elf", "mem=4M", NULL };
	const char *d[] = { "p.elf", NULL };
	const char *e[] = { "p.elf", "--count=3", "exit=3", "x", "timing=1", NULL };

	ck_assert_int_eq(split(&o, a), 3);
	ck_assert_uint_eq(o.set, 0);
	ck_assert_int_eq(split(&o, b), 2);
	ck_assert_uint_eq(o.set, RUNOPT_MEM | RUNOPT_TIMEOUT);
	ck_assert_uint_eq(o.timeout_s, 9);
	ck_assert_int_eq(split(&o, c), 1);
	ck_assert_uint_eq(o.mem, 4ULL << 20);
	ck_assert_int_eq(split(&o, d), 1);
	ck_assert_str_eq(why, "");
	/* an unknown KEY=VALUE followed by an argument is the payload's */
	ck_assert_int_eq(split(&o, e), 4);
	ck_assert_uint_eq(o.set, RUNOPT_TIMING);
	ck_assert_int_eq(runopts_split(NULL, 0, NULL, &o, why), -EINVAL);
	ck_assert_str_eq(why, "no payload path");
}
END_TEST

START_TEST(split_path_is_never_an_option)
{
	struct runopts o;
	const char *a[] = { "mem=4M", NULL };
	const char *b[] = { "--", "timing=1", NULL };

	ck_assert_int_eq(split(&o, a), 1);
	ck_assert_uint_eq(o.set, 0);
	ck_assert_int_eq(split(&o, b), 1);      /* the path "--", then an option */
	ck_assert_uint_eq(o.set, RUNOPT_TIMING);
}
END_TEST

START_TEST(split_unknown_trailing_option)
{
	struct runopts o;
	const char *a[] = { "p.elf", "x", "exit=3", NULL };
	const char *b[] = { "p.elf", "exit=3", "mem=4M", NULL };

	ck_assert_int_eq(split(&o, a), -ENOENT);
	ck_assert_str_eq(why, "unknown option 'exit=3' (a payload argument of "
			 "the form KEY=VALUE goes before --)");
	ck_assert_int_eq(split(&o, b), -ENOENT);
	ck_assert_str_eq(why, "unknown option 'exit=3' (a payload argument of "
			 "the form KEY=VALUE goes before --)");
}
END_TEST

START_TEST(split_misplaced_option)
{
	struct runopts o;
	const char *a[] = { "p.elf", "mem=4M", "foo", NULL };
	const char *b[] = { "p.elf", "a", "timing=1", "exit=3", "b", "swap=0", NULL };

	ck_assert_int_eq(split(&o, a), -EINVAL);
	ck_assert_str_eq(why, "option 'mem=4M' before the payload argument "
			 "'foo': efimm's options come last");
	ck_assert_int_eq(split(&o, b), -EINVAL);
	ck_assert_str_eq(why, "option 'timing=1' before the payload argument "
			 "'exit=3': efimm's options come last");
}
END_TEST

START_TEST(split_separator)
{
	struct runopts o;
	const char *a[] = { "p.elf", "exit=3", "mem=4M", "--", "mem=8M", NULL };
	const char *b[] = { "p.elf", "a", "--", NULL };
	const char *c[] = { "p.elf", "--", "b", "--", "paging=1", NULL };
	const char *d[] = { "p.elf", "--", "foo", NULL };
	const char *e[] = { "p.elf", "--", "exit=3", NULL };
	const char *f[] = { "p.elf", "--", "timing=1", "timing=0", NULL };

	/* before --: the payload's, verbatim, known keys included */
	ck_assert_int_eq(split(&o, a), 3);
	ck_assert_uint_eq(o.set, RUNOPT_MEM);
	ck_assert_uint_eq(o.mem, 8ULL << 20);
	ck_assert_int_eq(split(&o, b), 2);
	ck_assert_uint_eq(o.set, 0);
	/* the last -- separates: a payload gets "--" by ending with one */
	ck_assert_int_eq(split(&o, c), 3);
	ck_assert(o.paging_report);
	ck_assert_int_eq(split(&o, d), -EINVAL);
	ck_assert_str_eq(why, "'foo' after --: only efimm's options may follow "
			 "-- (the payload's arguments go before it)");
	ck_assert_int_eq(split(&o, e), -ENOENT);
	ck_assert_str_eq(why, "unknown option 'exit=3' (a payload argument of "
			 "the form KEY=VALUE goes before --)");
	ck_assert_int_eq(split(&o, f), -EEXIST);
	ck_assert_str_eq(why, "duplicate option 'timing'");
}
END_TEST

START_TEST(split_duplicates_and_bad_values)
{
	struct runopts o;
	const char *a[] = { "p.elf", "mem=4M", "swap=1M", "mem=4M", NULL };
	const char *b[] = { "p.elf", "evict=fifo", NULL };

	ck_assert_int_eq(split(&o, a), -EEXIST);
	ck_assert_str_eq(why, "duplicate option 'mem'");
	ck_assert_int_eq(split(&o, b), -EINVAL);
	ck_assert_str_eq(why, "bad option 'evict=fifo': evict takes clock, nru or lru");
}
END_TEST

static unsigned int hook_value, hook_calls;

static const char *hook(void *ctx, const char *value)
{
	hook_calls++;
	ck_assert_ptr_eq(ctx, &hook_value);
	if (strcmp(value, "0") && strcmp(value, "3"))
		return "hook takes 0 or 3";
	hook_value = (unsigned int)(value[0] - '0');
	return NULL;
}

START_TEST(split_extra_keys)
{
	static const struct runopts_extra ex[] = { { "stale-keys", hook } };
	const struct runopts_extras extras = { ex, 1, &hook_value };
	const char *a[] = { "p.elf", "x", "stale-keys=3", "mem=2M", NULL };
	const char *b[] = { "p.elf", "stale-keys=3", "x", NULL };
	const char *c[] = { "p.elf", "stale-keys=0", "stale-keys=3", NULL };
	const char *d[] = { "p.elf", "stale-keys=7", NULL };
	struct runopts o;

	hook_calls = 0;
	ck_assert_int_eq(runopts_split((char *const *)a, 4, &extras, &o, why), 2);
	ck_assert_uint_eq(hook_value, 3);
	ck_assert_uint_eq(o.extra_set, 1);
	ck_assert_uint_eq(o.set, RUNOPT_MEM);
	ck_assert_int_eq(runopts_split((char *const *)b, 3, &extras, &o, why), -EINVAL);
	ck_assert_str_eq(why, "option 'stale-keys=3' before the payload argument "
			 "'x': efimm's options come last");
	ck_assert_int_eq(runopts_split((char *const *)c, 3, &extras, &o, why), -EEXIST);
	ck_assert_str_eq(why, "duplicate option 'stale-keys'");
	ck_assert_int_eq(runopts_split((char *const *)d, 2, &extras, &o, why), -EINVAL);
	ck_assert_str_eq(why, "bad option 'stale-keys=7': hook takes 0 or 3");
	/* without the extras the key is unknown */
	ck_assert_int_eq(runopts_split((char *const *)a, 4, NULL, &o, why), -ENOENT);
	ck_assert_uint_eq(hook_calls, 3);
}
END_TEST

static Suite *runopts_suite(void)
{
	Suite *s = suite_create("runopts");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, defaults_and_clear);
	tcase_add_test(tc, every_option_accepts_its_values);
	tcase_add_test(tc, bad_values_name_the_word);
	tcase_add_test(tc, unknown_and_duplicate_words);
	tcase_add_test(tc, option_form);
	tcase_add_test(tc, merge_puts_a_line_over_defaults);
	tcase_add_test(tc, split_trailing_options);
	tcase_add_test(tc, split_path_is_never_an_option);
	tcase_add_test(tc, split_unknown_trailing_option);
	tcase_add_test(tc, split_misplaced_option);
	tcase_add_test(tc, split_separator);
	tcase_add_test(tc, split_duplicates_and_bad_values);
	tcase_add_test(tc, split_extra_keys);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_SUITE(runopts_suite)
