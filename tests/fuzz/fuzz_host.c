/*
 * tests/fuzz/fuzz_host.c - console and panic for fuzz targets: output is
 * discarded (fuzzers run millions of inputs); panic aborts, which
 * libFuzzer reports as a crash with the input that caused it.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "../../lib/assert.h"
#include "../../lib/console.h"

static void sink_write(const char *s, size_t len)
{
	(void)s;
	(void)len;
}

static const struct con_backend fuzz_con = { .name = "null", .write = sink_write };

__attribute__((constructor)) static void fuzz_con_init(void)
{
	const struct con_backend *b = &fuzz_con;

	con_set_backends(&b, 1);
}

void panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	abort();
}

void assert_fail(const char *file, int line, const char *cond,
		 const char *fmt, ...)
{
	(void)fmt;
	fprintf(stderr, "%s:%d: ASSERT(%s)\n", file, line, cond);
	abort();
}
