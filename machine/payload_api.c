/*
 * machine/payload_api.c - services for payloads, on top of mm/kmem.h and the
 * arch hooks.  Runs after ExitBootServices with efimm's page tables, so
 * only the runtime services (ResetSystem) are used from the firmware.
 */
#include "payload_api.h"
#include "prun.h"
#include "run_paging.h"
#include "testapi.h"
#include "uaccess.h"

#include "../arch/x86_64/machine.h"
#include "../lib/console.h"
#include "../lib/errno.h"
#include "../lib/kstring.h"
#include "../lib/printf.h"
#include "../mm/kmem.h"
#include "../mm/paging.h"
#include "../mm/pfdb.h"
#include "../mm/vm.h"
#include "../pure/elf.h"

/* The payload window as the SDK links payloads, the ELF checker accepts
 * them and mm lays out the address space: one place each, one value. */
_Static_assert(EFIMM_PAYLOAD_BASE == VM_PAYLOAD_BASE, "payload window moved");
_Static_assert(EFIMM_PAYLOAD_BASE == ELF_WINDOW_LO, "payload window moved");

#define API_MAP_FLAGS (K_MEM_CACHE_MASK | K_MEM_PERM_RW | K_MEM_PERM_EXEC | \
		       K_MEM_MAP_UNINIT | K_MEM_MAP_LOCK)

/* efimm_exit: back to whoever started the payload (prun.c). */
__attribute__((noreturn)) static void api_exit(int status)
{
	prun_exit(status);
}

/* Writes in chunks through a bounce buffer: efimm reads payload memory
 * only through uaccess. */
static long api_write(const char *s, size_t len)
{
	char buf[256];
	int err = uaccess_check(s, len, false);

	for (size_t off = 0, n; err == 0 && off < len; off += n) {
		n = MIN(len - off, sizeof(buf));
		err = uaccess_copy_in(buf, s + off, n);
		if (err == 0)
			con_write(buf, n);
	}
	return err ? err : (long)len;
}

static int api_k_mem_map(size_t size, uint32_t flags, void **addr)
{
	void *p = NULL;
	int err = uaccess_copy_out(addr, &p, sizeof(p));

	if (err)
		return err;
	if (size == 0 || size % PAGE_SIZE || !k_mem_flags_valid(flags, API_MAP_FLAGS))
		return -EINVAL;
	p = k_mem_map(size, flags);
	if (!p)
		return -ENOMEM;
	return uaccess_copy_out(addr, &p, sizeof(p));
}

static int api_k_mem_translate(const void *addr, uint64_t *phys, uint32_t *flags)
{
	paddr_t p = PADDR(0);
	uint32_t f = 0;
	uint64_t raw;
	int err;

	if ((phys && uaccess_check(phys, sizeof(*phys), true)) ||
	    (flags && uaccess_check(flags, sizeof(*flags), true)))
		return -EFAULT;
	err = k_mem_query((vaddr_t)addr, &p, &f);
	raw = paddr_raw(p);
	if (err == 0 && phys)
		uaccess_copy_out(phys, &raw, sizeof(raw));
	if (err == 0 && flags)
		uaccess_copy_out(flags, &f, sizeof(f));
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
	uint64_t n = k_mem_num_pagefaults_get();

	return uaccess_copy_out(count, &n, sizeof(n));
}

/* Copies at most size bytes of the statistics; returns efimm's size or
 * -EFAULT. */
static int api_paging_stats_get(void *stats, size_t size)
{
	struct k_mem_paging_stats s;
	int err;

	k_mem_paging_stats_get(&s);
	err = uaccess_copy_out(stats, &s, MIN(size, sizeof(s)));
	return err ? err : (int)sizeof(s);
}

static const struct efimm_api api = {
	.size = sizeof(struct efimm_api),
	.write = api_write,
	.exit = api_exit,
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
	.test_plan = testapi_plan,
	.test_point = testapi_point,
	.test_expect_fault = testapi_expect_fault,
};

const struct efimm_api *payload_api(void)
{
	return &api;
}
