/*
 * mm/kas.h - the kernel address space: the identity map efimm runs on
 * after it takes over the machine, built at run time from the sanitised
 * memory map (layout: mm/vm.h).
 *
 * Permissions, by EFI type of each range (no leaf is ever W+X):
 *   runtime code                       R+X    write-back
 *   runtime data                       RW+NX  write-back
 *   MMIO, MMIO port                    RW+NX  uncached
 *   everything else (RAM, ACPI, ...)   RW+NX  write-back
 *   efimm's image, by section          text R+X, rodata R+NX, data RW+NX
 *   caller's extra ranges              RW+NX, R+NX or R+X with the caller's
 *                                      cache mode (the framebuffer, runtime
 *                                      image sections from the UEFI Memory
 *                                      Attributes Table)
 * Page 0 is never mapped.  Neighbouring ranges with equal permissions are
 * mapped by one arch_mem_map(K_MEM_MAP_LARGE) call, so 2 MiB and 1 GiB
 * pages cover every aligned stretch; the image sections and extra ranges
 * are mapped afterwards over that, splitting large pages only there.
 */
#ifndef MM_KAS_H
#define MM_KAS_H

#include "../lib/types.h"
#include "memmap.h"

/* efimm's own image sections (physical = virtual while identity-mapped).
 * Each start is page-aligned (efi/efimm.lds); ends are rounded up.  An
 * empty section (start == end) is skipped. */
struct kas_image {
	uint64_t text_start, text_end;
	uint64_t rodata_start, rodata_end;
	uint64_t data_start, data_end;
};

/* Access of an extra range.  KAS_RW is the default (zero). */
enum kas_access {
	KAS_RW = 0,     /* RW+NX */
	KAS_RO,         /* R+NX */
	KAS_RX,         /* R+X */
};

/* An extra identity-mapped range mapped over the map's own permissions:
 * the framebuffer (RW, uncached), or a runtime image section from the
 * UEFI Memory Attributes Table (code R+X, data RW+NX). */
struct kas_extra {
	uint64_t start, size;
	uint32_t cache;         /* K_MEM_CACHE_* */
	uint32_t access;        /* enum kas_access */
};

/* The K_MEM_* flags kas gives a range of the map. */
uint32_t kas_range_flags(const struct mem_range *r);

/*
 * Fills the (empty, from mm_init) kernel address space.  img may be NULL,
 * extra may be NULL when nextra is 0.  Returns 0; -EINVAL if a range or
 * section lies above the direct map (VM_DIRECT_MAP_END) or is misaligned;
 * -ENOMEM if table pages run out.  On failure the address space is
 * partly built and must not be activated; the caller gives up (panics)
 * or starts again with mm_init.
 */
int kas_build(const struct mem_range *r, size_t n, const struct kas_image *img,
	      const struct kas_extra *extra, size_t nextra);

/*
 * Unmaps the identity-mapped page at page (the guard below a stack), so
 * that running off the stack faults instead of corrupting what lies
 * below.  Returns 0, -EINVAL (not page-aligned or outside the direct
 * map) or -ENOMEM (splitting a large page needed a table page; nothing
 * changed).  The hook flushes the TLB entry.
 */
int kas_guard_page(paddr_t page);

#endif
