/*
 * tests/unit/test_lib.c - lib/printf.c and lib/strutil.c.
 */
#include <stdio.h>
#include <string.h>

#include "../../lib/console.h"
#include "../../lib/errno.h"
#include "../../lib/kstring.h"
#include "../../lib/le.h"
#include "../../lib/page.h"
#include "../../lib/types.h"
#include "../../lib/printf.h"
#include "unit.h"

/* Each case is checked against the host C library's printf. */
#define CHECK_FMT(fmt, ...)                                             \
	do {                                                            \
		char a[128], b[128];                                    \
		int na = ksnprintf(a, sizeof(a), fmt, __VA_ARGS__);     \
		int nb = snprintf(b, sizeof(b), fmt, __VA_ARGS__);      \
		ck_assert_str_eq(a, b);                                 \
		ck_assert_int_eq(na, nb);                               \
	} while (0)

START_TEST(printf_matches_libc)
{
	CHECK_FMT("%d %i %u", -42, 7, 3000000000u);
	CHECK_FMT("%x %X %08x %-6x|", 0xbeefu, 0xbeefu, 0x12u, 0xau);
	CHECK_FMT("%ld %lu %lx", -1L, 18446744073709551615UL, 0xfedcba9876543210UL);
	CHECK_FMT("%lld %llx", -9223372036854775807LL - 1, 0x1ULL);
	CHECK_FMT("%zu %5s|%-5s|%.2s", (size_t)12, "ab", "cd", "xyz");
	CHECK_FMT("%c%c %% %05d %-5d|", 'o', 'k', -12, 3);
	CHECK_FMT("%*d|%-*d|", 6, 42, 4, 7);
	CHECK_FMT("%016lX", 0xABCUL);
}
END_TEST

START_TEST(printf_pointer_and_truncation)
{
	char buf[8];
	int n;

	ksnprintf(buf, sizeof(buf), "%p", (void *)0x1234);
	ck_assert_str_eq(buf, "0x00000");
	n = ksnprintf(buf, sizeof(buf), "%s", "0123456789");
	ck_assert_int_eq(n, 10);
	ck_assert_str_eq(buf, "0123456");
	n = ksnprintf(NULL, 0, "%d", 12345);
	ck_assert_int_eq(n, 5);
	{
		const char *volatile nul = NULL;

		ksnprintf(buf, sizeof(buf), "%s", nul);
	}
	ck_assert_str_eq(buf, "(null)");
}
END_TEST

/* A prefix starts every line, whole or written in pieces, and only
 * lines begun after it is set; NULL turns it off. */
START_TEST(console_line_prefix)
{
	con_capture_reset();
	con_write("a", 1);
	con_set_prefix("# ");
	ck_assert(!con_at_line_start());
	kprintf("b\nc");
	kprintf("d\ne\n\n");
	ck_assert(con_at_line_start());
	con_set_prefix(NULL);
	kprintf("f\n");
	con_end_line();
	kprintf("g");
	con_end_line();
	con_end_line();
	ck_assert_str_eq(con_capture(), "ab\n# cd\n# e\n# \nf\ng\n");
}
END_TEST

/* page_clear and page_copy touch exactly one page: every byte inside,
 * none of the guard bytes around it. */
START_TEST(page_clear_and_copy)
{
	static uint64_t buf[3][PAGE_SIZE / 8];
	uint8_t *src = (uint8_t *)buf[0], *dst = (uint8_t *)buf[1];

	for (size_t i = 0; i < PAGE_SIZE; i++)
		src[i] = (uint8_t)(i * 7 + 1);
	memset(buf[1], 0xee, sizeof(buf[1]) + sizeof(buf[2]));
	page_copy(dst, src);
	ck_assert_int_eq(memcmp(dst, src, PAGE_SIZE), 0);
	ck_assert_uint_eq(((uint8_t *)buf[2])[0], 0xee);
	page_clear(dst);
	for (size_t i = 0; i < PAGE_SIZE; i++)
		ck_assert_uint_eq(dst[i], 0);
	ck_assert_uint_eq(((uint8_t *)buf[2])[0], 0xee);
	ck_assert_uint_eq(src[PAGE_SIZE - 1], (uint8_t)((PAGE_SIZE - 1) * 7 + 1));
}
END_TEST

/* lib/le.h: little-endian fields at odd addresses, reading only their
 * own bytes (the 0xff and 0xee around them never show). */
START_TEST(little_endian_fields)
{
	static const uint8_t b[] = { 0xff, 0x78, 0x56, 0x34, 0x12, 0xef, 0xcd, 0xab, 0x90, 0xee };

	ck_assert_uint_eq(le_read16(b + 1), 0x5678u);
	ck_assert_uint_eq(le_read32(b + 1), 0x12345678u);
	ck_assert_uint_eq(le_read64(b + 1), 0x90abcdef12345678ull);
}
END_TEST

START_TEST(parse_sizes)
{
	uint64_t v;

	ck_assert_int_eq(str_parse_size("4096", &v), 0);
	ck_assert_uint_eq(v, 4096);
	ck_assert_int_eq(str_parse_size("0x1000", &v), 0);
	ck_assert_uint_eq(v, 4096);
	ck_assert_int_eq(str_parse_size("64K", &v), 0);
	ck_assert_uint_eq(v, 65536);
	ck_assert_int_eq(str_parse_size("6G", &v), 0);
	ck_assert_uint_eq(v, 6ULL << 30);
	ck_assert_int_eq(str_parse_size("2MiB", &v), 0);
	ck_assert_uint_eq(v, 2ULL << 20);
	ck_assert_int_eq(str_parse_size("", &v), -EINVAL);
	ck_assert_int_eq(str_parse_size("12Q", &v), -EINVAL);
	ck_assert_int_eq(str_parse_size("M", &v), -EINVAL);
	ck_assert_int_eq(str_parse_size("99999999999T", &v), -ERANGE);
	ck_assert_int_eq(str_parse_u64("99999999999999999999", &v), -ERANGE);
	ck_assert_int_eq(str_parse_u64("12 ", &v), -EINVAL);
}
END_TEST

static Suite *lib_suite(void)
{
	Suite *s = suite_create("lib");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, printf_matches_libc);
	tcase_add_test(tc, printf_pointer_and_truncation);
	tcase_add_test(tc, parse_sizes);
	tcase_add_test(tc, little_endian_fields);
	tcase_add_test(tc, page_clear_and_copy);
	tcase_add_test(tc, console_line_prefix);
	suite_add_tcase(s, tc);
	return s;
}
UNIT_SUITE(lib_suite)
