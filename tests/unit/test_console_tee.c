/*
 * tests/unit/test_console_tee.c - lib/console.c's tee (for --save): what
 * the console writes is copied, prefixes included, up to the buffer's
 * size; the rest is counted; after the stop nothing more is copied.
 */
#include <string.h>

#include "../../lib/console.h"
#include "../../lib/printf.h"
#include "unit.h"

START_TEST(tee_copies_counts_and_stops)
{
	char buf[16];
	size_t dropped = 99;

	memset(buf, 0, sizeof(buf));
	con_tee_start(buf, 10);
	kprintf("abc\n");
	con_set_prefix("# ");
	kprintf("defgh\n");
	con_set_prefix(NULL);
	ck_assert_uint_eq(con_tee_stop(&dropped), 10);
	ck_assert_uint_eq(dropped, 2);
	ck_assert_mem_eq(buf, "abc\n# defg", 10);
	ck_assert_uint_eq(buf[10], 0);
	kprintf("later\n");
	ck_assert_uint_eq(buf[10], 0);
	ck_assert_uint_eq(con_tee_stop(NULL), 0);
}
END_TEST

static Suite *console_tee_suite(void)
{
	Suite *s = suite_create("console_tee");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, tee_copies_counts_and_stops);
	suite_add_tcase(s, tc);
	return s;
}
UNIT_SUITE(console_tee_suite)
