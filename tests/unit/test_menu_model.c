/*
 * tests/unit/test_menu_model.c - the boot menu's state machine: moves,
 * wrap-around, digits, the countdown and what stops it, Enter, the
 * status line, and the caller bugs that must die.
 */
#include <signal.h>
#include <string.h>

#include "../../pure/menu_model.h"
#include "unit.h"

static struct menu_model m;

START_TEST(init_starts_on_default_counting)
{
	menu_model_init(&m, 4, 2, 5);
	ck_assert_int_eq(m.selected, 2);
	ck_assert_int_eq(m.countdown, 5);
	ck_assert(menu_model_counting(&m));
	menu_model_init(&m, 4, 0, 0);
	ck_assert(!menu_model_counting(&m));
	menu_model_init(&m, 4, 0, -1);
	ck_assert(!menu_model_counting(&m));
}
END_TEST

START_TEST(arrows_move_and_wrap)
{
	menu_model_init(&m, 3, 0, 0);
	ck_assert_int_eq(menu_model_key(&m, MENU_KEY_DOWN), MENU_REDRAW);
	ck_assert_int_eq(m.selected, 1);
	ck_assert_int_eq(menu_model_key(&m, MENU_KEY_DOWN), MENU_REDRAW);
	ck_assert_int_eq(menu_model_key(&m, MENU_KEY_DOWN), MENU_REDRAW);
	ck_assert_int_eq(m.selected, 0);
	ck_assert_int_eq(menu_model_key(&m, MENU_KEY_UP), MENU_REDRAW);
	ck_assert_int_eq(m.selected, 2);
	ck_assert_int_eq(menu_model_key(&m, MENU_KEY_HOME), MENU_REDRAW);
	ck_assert_int_eq(m.selected, 0);
	ck_assert_int_eq(menu_model_key(&m, MENU_KEY_HOME), MENU_IDLE);
	ck_assert_int_eq(menu_model_key(&m, MENU_KEY_END), MENU_REDRAW);
	ck_assert_int_eq(m.selected, 2);
}
END_TEST

START_TEST(single_entry_arrows_do_nothing)
{
	menu_model_init(&m, 1, 0, 0);
	ck_assert_int_eq(menu_model_key(&m, MENU_KEY_DOWN), MENU_IDLE);
	ck_assert_int_eq(menu_model_key(&m, MENU_KEY_UP), MENU_IDLE);
	ck_assert_int_eq(m.selected, 0);
}
END_TEST

START_TEST(enter_boots_selection)
{
	menu_model_init(&m, 3, 1, 10);
	ck_assert_int_eq(menu_model_key(&m, MENU_KEY_DOWN), MENU_REDRAW);
	ck_assert_int_eq(menu_model_key(&m, MENU_KEY_ENTER), MENU_BOOT);
	ck_assert_int_eq(m.selected, 2);
}
END_TEST

START_TEST(digits_pick_and_boot)
{
	menu_model_init(&m, 3, 0, 10);
	ck_assert_int_eq(menu_model_key(&m, MENU_KEY_DIGIT_0 + 3), MENU_BOOT);
	ck_assert_int_eq(m.selected, 2);
	ck_assert(!menu_model_counting(&m));
	menu_model_init(&m, 3, 1, 0);
	ck_assert_int_eq(menu_model_key(&m, MENU_KEY_DIGIT_0 + 1), MENU_BOOT);
	ck_assert_int_eq(m.selected, 0);
}
END_TEST

START_TEST(digits_past_the_end_are_ignored)
{
	menu_model_init(&m, 3, 1, 0);
	ck_assert_int_eq(menu_model_key(&m, MENU_KEY_DIGIT_0 + 4), MENU_IDLE);
	ck_assert_int_eq(menu_model_key(&m, MENU_KEY_DIGIT_9), MENU_IDLE);
	ck_assert_int_eq(menu_model_key(&m, MENU_KEY_DIGIT_0), MENU_IDLE);
	ck_assert_int_eq(m.selected, 1);
	/* ... but they still stop a countdown, which is visible */
	menu_model_init(&m, 3, 1, 7);
	ck_assert_int_eq(menu_model_key(&m, MENU_KEY_DIGIT_0), MENU_REDRAW);
	ck_assert(!menu_model_counting(&m));
}
END_TEST

START_TEST(countdown_ticks_then_boots_default)
{
	menu_model_init(&m, 4, 3, 3);
	ck_assert_int_eq(menu_model_tick(&m), MENU_REDRAW);
	ck_assert_int_eq(m.countdown, 2);
	ck_assert_int_eq(menu_model_tick(&m), MENU_REDRAW);
	ck_assert_int_eq(menu_model_tick(&m), MENU_BOOT);
	ck_assert_int_eq(m.selected, 3);
	/* booting ends the countdown: no second boot from a stray tick */
	ck_assert_int_eq(menu_model_tick(&m), MENU_IDLE);
}
END_TEST

START_TEST(any_key_stops_countdown)
{
	menu_model_init(&m, 2, 0, 2);
	ck_assert_int_eq(menu_model_key(&m, MENU_KEY_OTHER), MENU_REDRAW);
	ck_assert(!menu_model_counting(&m));
	for (int i = 0; i < 10; i++)
		ck_assert_int_eq(menu_model_tick(&m), MENU_IDLE);
	ck_assert_int_eq(menu_model_key(&m, MENU_KEY_OTHER), MENU_IDLE);
	menu_model_init(&m, 2, 0, 2);
	ck_assert_int_eq(menu_model_key(&m, MENU_KEY_DOWN), MENU_REDRAW);
	ck_assert_int_eq(menu_model_tick(&m), MENU_IDLE);
	ck_assert_int_eq(menu_model_tick(&m), MENU_IDLE);
	ck_assert_int_eq(m.selected, 1);
}
END_TEST

START_TEST(stop_after_failed_entry)
{
	menu_model_init(&m, 2, 1, 5);
	menu_model_stop(&m);
	ck_assert(!menu_model_counting(&m));
	ck_assert_int_eq(menu_model_tick(&m), MENU_IDLE);
	ck_assert_int_eq(m.selected, 1);
}
END_TEST

START_TEST(status_line)
{
	char buf[80];

	menu_model_init(&m, 3, 0, 4);
	menu_model_status(&m, "Linux", buf, sizeof(buf));
	ck_assert_str_eq(buf, "Booting 'Linux' in 4 s, any key stops");
	menu_model_tick(&m);
	menu_model_status(&m, "Linux", buf, sizeof(buf));
	ck_assert_str_eq(buf, "Booting 'Linux' in 3 s, any key stops");
	menu_model_key(&m, MENU_KEY_OTHER);
	menu_model_status(&m, "Linux", buf, sizeof(buf));
	ck_assert_str_eq(buf, "Up/Down and Enter, or 1-3, boot an entry");
	menu_model_init(&m, 12, 0, 0);
	menu_model_status(&m, "x", buf, sizeof(buf));
	ck_assert_ptr_nonnull(strstr(buf, "or 1-9,"));
	ck_assert_int_gt(menu_model_status(&m, "x", buf, 8), 7);
	ck_assert_int_eq(strlen(buf), 7);
}
END_TEST

/* A long title is cut, not the end of the line: in 77 bytes (76 columns)
 * "Booting '<50 characters>' in 29 s, any key stops" lost "stops". */
START_TEST(status_line_long_title)
{
	static const char title[] = "Debian GNU/Linux 12 (bookworm), kernel 6.1.0-13, rescue mode";
	char buf[77];
	int n;

	menu_model_init(&m, 2, 0, 29);
	n = menu_model_status(&m, title, buf, sizeof(buf));
	ck_assert_int_eq(n, (int)strlen(buf));
	ck_assert_int_le(n, 76);
	ck_assert_str_eq(buf, "Booting 'Debian GNU/Linux 12 (bookworm), kernel 6...' "
			      "in 29 s, any key stops");
	n = menu_model_status(&m, "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9", buf, 44);
	ck_assert_str_eq(buf, "Booting '\xC3\xA9\xC3\xA9\xC3\xA9...' in 29 s, any key stops");
	menu_model_status(&m, "Short", buf, sizeof(buf));
	ck_assert_str_eq(buf, "Booting 'Short' in 29 s, any key stops");
}
END_TEST

START_TEST(init_rejects_empty_menu)
{
	menu_model_init(&m, 0, 0, 5);
}
END_TEST

START_TEST(init_rejects_default_out_of_range)
{
	menu_model_init(&m, 3, 3, 5);
}
END_TEST

static Suite *menu_model_suite(void)
{
	Suite *s = suite_create("menu_model");
	TCase *tc = tcase_create("model");

	tcase_add_test(tc, init_starts_on_default_counting);
	tcase_add_test(tc, arrows_move_and_wrap);
	tcase_add_test(tc, single_entry_arrows_do_nothing);
	tcase_add_test(tc, enter_boots_selection);
	tcase_add_test(tc, digits_pick_and_boot);
	tcase_add_test(tc, digits_past_the_end_are_ignored);
	tcase_add_test(tc, countdown_ticks_then_boots_default);
	tcase_add_test(tc, any_key_stops_countdown);
	tcase_add_test(tc, stop_after_failed_entry);
	tcase_add_test(tc, status_line);
	tcase_add_test(tc, status_line_long_title);
	tcase_add_test_raise_signal(tc, init_rejects_empty_menu, SIGABRT);
	tcase_add_test_raise_signal(tc, init_rejects_default_out_of_range, SIGABRT);
	suite_add_tcase(s, tc);
	return s;
}
UNIT_SUITE(menu_model_suite)
