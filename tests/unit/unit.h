/*
 * tests/unit/unit.h - registration of Check suites.
 *
 * Each tests/unit/test_*.c file defines its suites with UNIT_SUITE(fn),
 * where fn returns a Suite *; a constructor adds it to the runner in
 * tests/unit/main.c, so adding a test file touches no shared file.
 */
#ifndef TESTS_UNIT_H
#define TESTS_UNIT_H

#include <check.h>

void unit_register(Suite *(*fn)(void));

#define UNIT_SUITE(fn)                                                   \
	__attribute__((constructor)) static void unit_reg_##fn(void)      \
	{                                                                \
		unit_register(fn);                                       \
	}

/* Console capture (tests/host/con_host.c): everything kprintf printed
 * since the last con_capture_reset(), NUL-terminated. */
const char *con_capture(void);
void con_capture_reset(void);

#endif
