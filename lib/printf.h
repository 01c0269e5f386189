/*
 * lib/printf.h - the one printf for efimm, its payload SDK and host tests.
 *
 * Conversions: %d %i %u %x %X %o %p %s %c %% with the length modifiers
 * l, ll, z, and flags '-', '0', width and precision ('*' accepted).
 * %p prints 0x followed by 16 hex digits.  No floating point.
 */
#ifndef LIB_PRINTF_H
#define LIB_PRINTF_H

#include <stdarg.h>
#include <stddef.h>

/* A sink receives formatted bytes in order; ctx is the caller's. */
typedef void (*fmt_sink_fn)(void *ctx, const char *s, size_t len);

/* Formats into sink; returns the number of bytes produced. */
int kvformat(fmt_sink_fn sink, void *ctx, const char *fmt, va_list ap);

/* Like snprintf: always NUL-terminates when size > 0, returns the length
 * the full output would have had. */
__attribute__((format(printf, 3, 4)))
int ksnprintf(char *buf, size_t size, const char *fmt, ...);
int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

/* Prints to the console (lib/console.h); returns bytes written. */
__attribute__((format(printf, 1, 2)))
int kprintf(const char *fmt, ...);
int kvprintf(const char *fmt, va_list ap);

#endif
