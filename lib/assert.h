/*
 * lib/assert.h - the two fatal error tiers.
 *
 *   ASSERT(cond, fmt, ...)  a caller broke a documented precondition.
 *   panic("mm: ...")        an unrecoverable state; the message starts with
 *                           the subsystem ("mm:", "pt:", "efi:", ...).
 *
 * Recoverable errors are not here: they are negative errno returns.
 * Both print one line and never return.  On the target, panic() ends in
 * the fatal report and a power-off; on the host it calls abort() so a
 * unit test can assert that a call dies.
 */
#ifndef LIB_ASSERT_H
#define LIB_ASSERT_H

__attribute__((noreturn, format(printf, 1, 2)))
void panic(const char *fmt, ...);

/* gnu-efi's efidebug.h has an ASSERT of its own; efimm's replaces it. */
#undef ASSERT
#define ASSERT(cond, ...)                                                   \
	do {                                                                \
		if (__builtin_expect(!(cond), 0))                           \
			assert_fail(__FILE__, __LINE__, #cond, __VA_ARGS__);\
	} while (0)

__attribute__((noreturn, format(printf, 4, 5)))
void assert_fail(const char *file, int line, const char *cond,
		 const char *fmt, ...);

#endif
