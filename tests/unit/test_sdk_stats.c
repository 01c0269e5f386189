/*
 * tests/unit/test_sdk_stats.c - the benchmark figures of the SDK
 * (payload/sdk/sdk_stats.c): the median sorts and picks s[n / 2], the
 * mean rounds down, and no samples give 0 for both.
 */
#include "../../payload/sdk/efimm.h"
#include "unit.h"

START_TEST(test_median_odd_even_and_empty)
{
	uint64_t odd[] = { 9, 1, 5, 7, 3 };
	uint64_t even[] = { 40, 10, 30, 20 };
	uint64_t one[] = { 42 };

	ck_assert_uint_eq(efimm_median_u64(odd, 5), 5);
	for (int i = 0; i < 5; i++)
		ck_assert_uint_eq(odd[i], (uint64_t)(2 * i + 1));   /* sorted */
	ck_assert_uint_eq(efimm_median_u64(even, 4), 30);       /* upper middle */
	ck_assert_uint_eq(efimm_median_u64(one, 1), 42);
	ck_assert_uint_eq(efimm_median_u64(NULL, 0), 0);
}
END_TEST

START_TEST(test_median_duplicates_and_extremes)
{
	uint64_t s[] = { UINT64_MAX, 0, 7, 7, UINT64_MAX, 7, 0 };

	ck_assert_uint_eq(efimm_median_u64(s, 7), 7);
	ck_assert_uint_eq(s[0], 0);
	ck_assert_uint_eq(s[6], UINT64_MAX);
}
END_TEST

START_TEST(test_mean_rounds_down)
{
	const uint64_t s[] = { 1, 2, 2 };                       /* 5 / 3 */
	const uint64_t big[] = { UINT64_MAX / 2, UINT64_MAX / 2 };

	ck_assert_uint_eq(efimm_mean_u64(s, 3), 1);
	ck_assert_uint_eq(efimm_mean_u64(big, 2), UINT64_MAX / 2);
	ck_assert_uint_eq(efimm_mean_u64(NULL, 0), 0);
}
END_TEST

static Suite *sdk_stats_suite(void)
{
	Suite *s = suite_create("sdk_stats");
	TCase *tc = tcase_create("figures");

	tcase_add_test(tc, test_median_odd_even_and_empty);
	tcase_add_test(tc, test_median_duplicates_and_extremes);
	tcase_add_test(tc, test_mean_rounds_down);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_SUITE(sdk_stats_suite)
