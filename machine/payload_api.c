/*
 * machine/payload_api.c - services for payloads, on top of mm/kmem.h and the
 * arch hooks.  Runs after ExitBootServices with efimm's page tables, so
 * only the runtime services (ResetSystem) are used from the firmware.
 */
#include "../efi/fw/efi.h"
#include "payload_api.h"
#include "run_paging.h"

#include "../arch/x86_64/machine.h"
#include "../lib/console.h"
#include "../lib/errno.h"
#include "../lib/kstring.h"
#include "../lib/printf.h"
#include "../mm/arch_hooks.h"
#include "../mm/kmem.h"
#include "../mm/paging.h"
#include "../mm/pfdb.h"

#define API_MAP_FLAGS (K_MEM_CACHE_MASK | K_MEM_PERM_RW | K_MEM_PERM_EXEC | \
		       K_MEM_MAP_UNINIT | K_MEM_MAP_LOCK)

void payload_exit(int status)
{
	kprintf("efimm: payload exited with status %d\n", status);
	run_paging_report();
	efi_poweroff(status, status ? "payload failure" : "EFI_SUCCESS",
		     status ? EFI_ABORTED : EFI_SUCCESS);
}

static long api_write(const char *s, size_t len)
{
	con_write(s, len);
	return (long)len;
}

static int api_k_mem_map(size_t size, uint32_t flags, void **addr)
{
	uint32_t wx = K_MEM_PERM_RW | K_MEM_PERM_EXEC;

	if (size == 0 || size % PAGE_SIZE || (flags & ~API_MAP_FLAGS) ||
	    (flags & wx) == wx)
		return -EINVAL;
	*addr = k_mem_map(size, flags);
	return *addr ? 0 : -ENOMEM;
}

static int api_k_mem_translate(const void *addr, uint64_t *phys, uint32_t *flags)
{
	paddr_t p;
	int err = arch_mem_translate((vaddr_t)addr, &p, flags);

	if (err == 0 && phys)
		*phys = paddr_raw(p);
	return err;
}

static const struct mmboot_layout *view_layout;
static const struct mem_range *view_ranges;
static size_t view_nranges;

void payload_api_set_view(const struct mmboot_layout *l,
			  const struct mem_range *r, size_t n)
{
	view_layout = l;
	view_ranges = r;
	view_nranges = n;
}

static void api_ptdump(void)
{
	mmboot_ptdump_ranges(arch_pt_root(), "Page tables: efimm's, live (CR3)",
			     view_layout);
}

static void api_memmap_summary(void)
{
	uint64_t ram[3] = { 0 }, other = 0;
	struct pfdb_counts c;

	for (size_t i = 0; i < view_nranges; i++) {
		const struct mem_range *r = &view_ranges[i];

		if (memmap_type_is_ram(r->type))
			ram[r->state] += r->end - r->start;
		else
			other += r->end - r->start;
	}
	kprintf("efimm: memory map: %zu ranges; RAM %lu MiB: free %lu MiB, "
		"efimm %lu MiB, reserved %lu MiB; not RAM %lu MiB\n",
		view_nranges, (unsigned long)((ram[0] + ram[1] + ram[2]) >> 20),
		(unsigned long)(ram[MEM_FREE] >> 20), (unsigned long)(ram[MEM_EFIMM] >> 20),
		(unsigned long)(ram[MEM_RESERVED] >> 20), (unsigned long)(other >> 20));
	pfdb_counts(&c);
	kprintf("efimm: frame database: %zu frames, %zu bytes of metadata; "
		"free %zu, mapped %zu, pinned %zu, reserved %zu\n", c.total,
		pfdb_overhead_bytes(), c.free, c.mapped, c.pinned, c.reserved);
}

/* The paging slots: ranges as k_mem_map's; k_mem.h semantics. */
static int api_page_frame_evict(uint64_t phys)
{
	return k_mem_page_frame_evict(PADDR(phys));
}

static int api_num_pagefaults_get(uint64_t *count)
{
	*count = k_mem_num_pagefaults_get();
	return 0;
}

/* Copies at most size bytes of the statistics; returns efimm's size. */
static int api_paging_stats_get(void *stats, size_t size)
{
	struct k_mem_paging_stats s;

	k_mem_paging_stats_get(&s);
	memcpy(stats, &s, MIN(size, sizeof(s)));
	return (int)sizeof(s);
}

static const struct efimm_api api = {
	.size = sizeof(struct efimm_api),
	.write = api_write,
	.exit = payload_exit,
	.k_mem_map = api_k_mem_map,
	.k_mem_unmap = k_mem_unmap,
	.k_mem_free_get = k_mem_free_get,
	.k_mem_translate = api_k_mem_translate,
	.ptdump = api_ptdump,
	.memmap_summary = api_memmap_summary,
	.k_mem_page_out = k_mem_page_out,
	.k_mem_page_in = k_mem_page_in,
	.k_mem_pin = k_mem_pin,
	.k_mem_unpin = k_mem_unpin,
	.k_mem_page_frame_evict = api_page_frame_evict,
	.k_mem_num_pagefaults_get = api_num_pagefaults_get,
	.k_mem_paging_stats_get = api_paging_stats_get,
	.paging_stats_print = paging_stats_print,
};

const struct efimm_api *payload_api(void)
{
	return &api;
}
