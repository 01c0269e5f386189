/*
 * tests/unit/test_symbols_stacks.c - the stacks a backtrace may read
 * (machine/symbols_stacks.c): SYMBOLS_MAX_STACKS are kept, the one past
 * the limit is refused with -ENOSPC and not kept (no overwrite), and the
 * bounds of a kept stack hold to the byte.
 */
#include "../../lib/errno.h"
#include "../../machine/symbols.h"
#include "unit.h"

#define STACK_AT(i) (0x100000ull + (uint64_t)(i) * 0x10000)

START_TEST(test_one_past_the_limit_is_refused)
{
	for (int i = 0; i < SYMBOLS_MAX_STACKS; i++)
		ck_assert_int_eq(symbols_add_stack(STACK_AT(i), STACK_AT(i) + 0x4000), 0);
	ck_assert_int_eq(symbols_add_stack(STACK_AT(SYMBOLS_MAX_STACKS),
					   STACK_AT(SYMBOLS_MAX_STACKS) + 0x4000), -ENOSPC);
	ck_assert(!symbols_in_efimm_stack(STACK_AT(SYMBOLS_MAX_STACKS), 8));
	ck_assert(symbols_in_efimm_stack(STACK_AT(0), 8));
	ck_assert(symbols_in_efimm_stack(STACK_AT(SYMBOLS_MAX_STACKS - 1) + 0x3ff8, 8));
	ck_assert(!symbols_in_efimm_stack(STACK_AT(SYMBOLS_MAX_STACKS - 1) + 0x3ff9, 8));
	ck_assert_int_eq(symbols_add_stack(1, 2), -ENOSPC);       /* stays refused */
}
END_TEST

static Suite *symbols_stacks_suite(void)
{
	Suite *s = suite_create("symbols_stacks");
	TCase *tc = tcase_create("limit");

	tcase_add_test(tc, test_one_past_the_limit_is_refused);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_SUITE(symbols_stacks_suite)
