/*
 * tests/unit/test_timer.c - the local APIC timer's calibration
 * arithmetic (arch/x86_64/timer.c): PIT ticks for an interval, counts
 * per millisecond, the periodic initial count, rounding and limits.
 */
#include "../../arch/x86_64/timer.h"
#include "unit.h"

START_TEST(test_pit_ticks)
{
	ck_assert_uint_eq(timer_pit_ticks(10), 11932);  /* 11931.82 */
	ck_assert_uint_eq(timer_pit_ticks(1), 1193);
	ck_assert_uint_eq(timer_pit_ticks(54), 64432);
	/* the 16-bit counter holds no more */
	ck_assert_uint_eq(timer_pit_ticks(55), 0xFFFF);
	ck_assert_uint_eq(timer_pit_ticks(0), 0);
}
END_TEST

START_TEST(test_per_ms)
{
	/* QEMU's APIC timer: 1 GHz / 16 over 10 ms of the PIT */
	ck_assert_uint_eq(timer_per_ms(625000, 11932), 62499);
	/* a host TSC of 2.445 GHz */
	ck_assert_uint_eq(timer_per_ms(24453330, 11932), 2445296);
	/* an interval stretched by 30% reads 30% faster */
	ck_assert_uint_eq(timer_per_ms(815920, 11932), 81591);
	ck_assert_uint_eq(timer_per_ms(0, 11932), 0);
	ck_assert_uint_eq(timer_per_ms(1000, 0), 0);
	/* the largest 32-bit count does not overflow */
	ck_assert_uint_eq(timer_per_ms(0xFFFFFFFFULL, 1193),
			  (0xFFFFFFFFULL * 1193182 + 596500) / 1193000);
}
END_TEST

START_TEST(test_period_count)
{
	ck_assert_uint_eq(timer_period_count(62500, 100), 625000);
	ck_assert_uint_eq(timer_period_count(62499, 1000), 62499);
	ck_assert_uint_eq(timer_period_count(3, 1000), 3);
	/* too slow a timer still fires; too fast a one saturates */
	ck_assert_uint_eq(timer_period_count(0, 100), 1);
	ck_assert_uint_eq(timer_period_count(1ULL << 40, 1), 0xFFFFFFFFu);
}
END_TEST

static Suite *timer_suite(void)
{
	Suite *s = suite_create("timer");
	TCase *tc = tcase_create("calibration");

	tcase_add_test(tc, test_pit_ticks);
	tcase_add_test(tc, test_per_ms);
	tcase_add_test(tc, test_period_count);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_SUITE(timer_suite)
