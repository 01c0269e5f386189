/*
 * lib/page.h - clearing and copying whole 4 KiB pages, the fault path's
 * two bulk operations (zero-fill, page-in and page-out, new table pages).
 *
 * rep stosq / rep movsq: 512 steps of 8 bytes.  On CPUs with ERMS the
 * byte forms memset/memcpy use run as fast; under QEMU's -icount, where
 * make bench counts instructions, each step counts once, so a page costs
 * 512 here against memset's 4,096 (README "Benchmarks" says what that
 * does to the figures).  Linux has the same pair (clear_page, copy_page).
 */
#ifndef LIB_PAGE_H
#define LIB_PAGE_H

/* Zeroes the 4 KiB page at p (8-byte aligned). */
void page_clear(void *p);

/* Copies the 4 KiB page src to dst (both 8-byte aligned, no overlap). */
void page_copy(void *dst, const void *src);

#endif
