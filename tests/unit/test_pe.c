/*
 * tests/unit/test_pe.c - the PE header check of `chainload` (pure/pe.c):
 * a minimal valid image, then each way a file can be wrong, and every
 * truncation (read inside the buffer only: ASan would catch an overread).
 */
#include <stdlib.h>
#include <string.h>

#include "../../pure/pe.h"
#include "../../lib/errno.h"
#include "unit.h"

#define LFANEW 0x80
#define IMG_SIZE (LFANEW + 24 + 240)

static void put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

/* An x86_64 PE32+ EFI application header, as objcopy writes one. */
static void make_pe(uint8_t *img)
{
	memset(img, 0, IMG_SIZE);
	img[0] = 'M';
	img[1] = 'Z';
	put16(img + 0x3C, LFANEW);
	memcpy(img + LFANEW, "PE\0\0", 4);
	put16(img + LFANEW + 4, 0x8664);
	put16(img + LFANEW + 20, 240);              /* optional header size */
	put16(img + LFANEW + 24, 0x20B);            /* PE32+ */
	put16(img + LFANEW + 24 + 68, 10);          /* EFI application */
}

static int check(const uint8_t *img, size_t size, char *why)
{
	return pe_check(img, size, why, 120);
}

START_TEST(valid_and_each_rejection)
{
	uint8_t img[IMG_SIZE];
	char why[120];

	make_pe(img);
	ck_assert_int_eq(check(img, sizeof(img), why), 0);
	img[1] = 'Y';
	ck_assert_int_eq(check(img, sizeof(img), why), -ENOEXEC);
	ck_assert_str_eq(why, "not a PE image");
	make_pe(img);
	put16(img + 0x3C, 0xFFF0);
	ck_assert_int_eq(check(img, sizeof(img), why), -ENOEXEC);
	ck_assert_str_eq(why, "not a PE image (e_lfanew 0xFFF0 past the end)");
	make_pe(img);
	img[LFANEW + 1] = 'X';
	ck_assert_int_eq(check(img, sizeof(img), why), -ENOEXEC);
	ck_assert_str_eq(why, "not a PE image (no PE signature)");
	make_pe(img);
	put16(img + LFANEW + 4, 0xAA64);
	ck_assert_int_eq(check(img, sizeof(img), why), -ENOTSUP);
	ck_assert_str_eq(why, "PE image for machine 0xAA64, not x86_64");
	make_pe(img);
	put16(img + LFANEW + 24, 0x10B);
	ck_assert_int_eq(check(img, sizeof(img), why), -ENOTSUP);
	ck_assert_str_eq(why, "PE optional header magic 0x10B, not PE32+ (0x20B)");
	make_pe(img);
	put16(img + LFANEW + 24 + 68, 11);
	ck_assert_int_eq(check(img, sizeof(img), why), -ENOTSUP);
	ck_assert_str_eq(why, "PE subsystem 11, not an EFI application (10)");
	make_pe(img);
	put16(img + LFANEW + 20, 0xFFFF);
	ck_assert_int_eq(check(img, sizeof(img), why), -ENOEXEC);
	ck_assert_str_eq(why, "not a PE image (optional header truncated)");
}
END_TEST

START_TEST(every_truncation_is_refused_without_overread)
{
	uint8_t full[IMG_SIZE];
	char why[120];

	make_pe(full);
	for (size_t n = 0; n < IMG_SIZE; n++) {
		uint8_t *copy = malloc(n ? n : 1);

		memcpy(copy, full, n);
		/* the optional header's last field read is at +68: shorter
		 * files must be refused, longer ones pass */
		if (n < LFANEW + 24 + 70)
			ck_assert_int_eq(check(copy, n, why), -ENOEXEC);
		free(copy);
	}
}
END_TEST

static Suite *pe_suite(void)
{
	Suite *s = suite_create("pe");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, valid_and_each_rejection);
	tcase_add_test(tc, every_truncation_is_refused_without_overread);
	suite_add_tcase(s, tc);
	return s;
}
UNIT_SUITE(pe_suite)
