/*
 * mm/kas.c - builds the kernel address space (policy table: kas.h).
 */
#include "../lib/errno.h"
#include "arch_hooks.h"
#include "kas.h"
#include "kmem.h"
#include "vm.h"

uint32_t kas_range_flags(const struct mem_range *r)
{
	switch (r->type) {
	case FW_RT_CODE:
		return K_MEM_PERM_EXEC | K_MEM_CACHE_WB;
	case FW_MMIO:
	case FW_MMIO_PORT:
		return K_MEM_PERM_RW | K_MEM_CACHE_NONE;
	default:
		return K_MEM_PERM_RW | K_MEM_CACHE_WB;
	}
}

/* Identity-maps [start, end) with flags (page-aligned, below the end of
 * the direct map), large pages allowed.  Page 0 is left out. */
static int kas_map(uint64_t start, uint64_t end, uint32_t flags)
{
	start = start < PAGE_SIZE ? PAGE_SIZE : start;
	if (end > VM_DIRECT_MAP_END || !IS_ALIGNED(start, PAGE_SIZE) ||
	    !IS_ALIGNED(end, PAGE_SIZE))
		return -EINVAL;
	if (start >= end)
		return 0;
	return arch_mem_map((vaddr_t)start, PADDR(start), end - start,
			    flags | K_MEM_MAP_LARGE);
}

/* Maps the map's ranges, one call per run of contiguous ranges with
 * equal flags. */
static int kas_map_ranges(const struct mem_range *r, size_t n)
{
	size_t i = 0;

	while (i < n) {
		uint32_t flags = kas_range_flags(&r[i]);
		uint64_t start = r[i].start, end = r[i].end;
		int err;

		for (i++; i < n && r[i].start == end &&
		     kas_range_flags(&r[i]) == flags; i++)
			end = r[i].end;
		err = kas_map(start, end, flags);
		if (err)
			return err;
	}
	return 0;
}

/* Maps one image section over whatever the map gave its pages. */
static int kas_map_section(uint64_t start, uint64_t end, uint32_t flags)
{
	if (start == end)
		return 0;
	if (end < start)
		return -EINVAL;
	return kas_map(start, ALIGN_UP(end, PAGE_SIZE), flags);
}

/* Data first, text last: a page two sections share (a layout bug) ends
 * up with the less writable permissions, never W+X. */
static int kas_map_image(const struct kas_image *img)
{
	int err = kas_map_section(img->data_start, img->data_end,
				  K_MEM_PERM_RW | K_MEM_CACHE_WB);

	if (!err)
		err = kas_map_section(img->rodata_start, img->rodata_end,
				      K_MEM_CACHE_WB);
	if (!err)
		err = kas_map_section(img->text_start, img->text_end,
				      K_MEM_PERM_EXEC | K_MEM_CACHE_WB);
	return err;
}

static const uint32_t kas_access_perm[] = {
	[KAS_RW] = K_MEM_PERM_RW,
	[KAS_RO] = 0,
	[KAS_RX] = K_MEM_PERM_EXEC,
};

static int kas_map_extra(const struct kas_extra *x)
{
	uint64_t start = ALIGN_DOWN(x->start, PAGE_SIZE);
	uint64_t end = x->start + x->size;

	if (x->size == 0)
		return 0;
	if (end < x->start || end > VM_DIRECT_MAP_END ||
	    (x->cache & ~K_MEM_CACHE_MASK) != 0 || x->access > KAS_RX)
		return -EINVAL;
	return kas_map(start, ALIGN_UP(end, PAGE_SIZE),
		       kas_access_perm[x->access] | x->cache);
}

int kas_build(const struct mem_range *r, size_t n, const struct kas_image *img,
	      const struct kas_extra *extra, size_t nextra)
{
	int err = kas_map_ranges(r, n);

	if (!err && img)
		err = kas_map_image(img);
	for (size_t i = 0; !err && i < nextra; i++)
		err = kas_map_extra(&extra[i]);
	return err;
}

int kas_guard_page(paddr_t page)
{
	uint64_t a = paddr_raw(page);

	if (!IS_ALIGNED(a, PAGE_SIZE) || a >= VM_DIRECT_MAP_END)
		return -EINVAL;
	return arch_mem_unmap((vaddr_t)a, PAGE_SIZE);
}
