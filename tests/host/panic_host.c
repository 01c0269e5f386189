/*
 * tests/host/panic_host.c - panic() and ASSERT failures on the host:
 * print the line and abort(), which Check (fork mode) reports as a
 * signal, so tests can require that a call dies (tcase_add_test_raise_signal).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "../../lib/assert.h"

void panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "panic: ");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	abort();
}

void assert_fail(const char *file, int line, const char *cond,
		 const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "%s:%d: ASSERT(%s) failed: ", file, line, cond);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	abort();
}
