/*
 * payload/sdk/sdk_string.c - the mem and str functions of efimm.h.
 *
 * The SDK's own copy: efimm gets memset/memcpy from gnu-efi's libefi,
 * which payloads do not link.  gcc emits calls to the mem* ones by itself
 * (struct copies, zeroing), so they must exist even if a payload never
 * names them.  Byte loops: payloads are tests, not copy benchmarks.
 */
#include "efimm.h"

void *memset(void *dst, int c, size_t n)
{
	volatile unsigned char *d = dst;

	/* volatile: keeps gcc from turning this loop into a memset call. */
	while (n--)
		*d++ = (unsigned char)c;
	return dst;
}

void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
	volatile unsigned char *d = dst;
	const unsigned char *s = src;

	while (n--)
		*d++ = *s++;
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	volatile unsigned char *d = dst;
	const unsigned char *s = src;

	if (d <= s || d >= s + n)
		return memcpy(dst, src, n);
	while (n--)
		d[n] = s[n];
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (size_t i = 0; i < n; i++)
		if (x[i] != y[i])
			return x[i] - y[i];
	return 0;
}

size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++)
		if (*a != *b || !*a)
			return (unsigned char)*a - (unsigned char)*b;
	return 0;
}

int strcmp(const char *a, const char *b)
{
	return strncmp(a, b, SIZE_MAX);
}
