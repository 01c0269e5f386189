/*
 * lib/page.c - whole-page clear and copy (page.h).
 */
#include "page.h"

#include "types.h"

void page_clear(void *p)
{
	size_t n = PAGE_SIZE / 8;

	__asm__ volatile("rep stosq" : "+D"(p), "+c"(n) : "a"(0UL) : "memory");
}

void page_copy(void *dst, const void *src)
{
	size_t n = PAGE_SIZE / 8;

	__asm__ volatile("rep movsq" : "+D"(dst), "+S"(src), "+c"(n) : : "memory");
}
