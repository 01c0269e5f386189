/*
 * payload/sdk/sdk_string.c - memset and memcpy for payloads.
 *
 * efimm gets these two from gnu-efi's libefi, which payloads do not link;
 * the other mem/str functions of efimm.h come from lib/string.c, shared
 * with efimm.  gcc emits calls to the mem* ones by itself
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
