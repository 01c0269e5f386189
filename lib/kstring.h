/*
 * lib/kstring.h - memory and string functions.  On the target they come
 * from lib/string.c (gcc also emits calls to memset/memcpy itself); on
 * the host from the C library, whose declarations these match.
 */
#ifndef LIB_KSTRING_H
#define LIB_KSTRING_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

void *memset(void *dst, int c, size_t n);
void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);

/* efimm's own helpers (lib/strutil.c, target and host). */

/* Copies at most size-1 bytes and NUL-terminates; returns strlen(src). */
size_t str_copy(char *dst, const char *src, size_t size);
/* True if s starts with prefix. */
bool str_starts(const char *s, const char *prefix);
/* ASCII case-insensitive equality. */
bool str_eq_nocase(const char *a, const char *b);

/*
 * Parses a size such as "4096", "0x1000", "64K", "256M", "6G" (suffixes
 * K M G T, binary, either case, optional "iB"/"B").  Returns 0 and *out,
 * or -EINVAL (not a number, junk after it) or -ERANGE (overflow).
 */
int str_parse_size(const char *s, uint64_t *out);
/* Parses an unsigned integer, decimal or 0x-hex; same returns. */
int str_parse_u64(const char *s, uint64_t *out);

#endif
