/*
 * machine/payload_api.c - services for payloads, on top of mm/kmem.h and the
 * arch hooks, and the system-call table that reaches them
 * (payload/sdk/efimm_abi.h).  Runs after ExitBootServices with efimm's
 * page tables, so only the runtime services (ResetSystem) are used from
 * the firmware.
 */
#include "payload_api.h"
#include "prun.h"
#include "run_paging.h"
#include "smp.h"
#include "smp_run.h"
#include "symbols.h"
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
		       K_MEM_PERM_USER | K_MEM_MAP_UNINIT | K_MEM_MAP_LOCK)

/* Writes in chunks through a bounce buffer: efimm reads payload memory
 * only through uaccess (inject=smap: once, deliberately not). */
static long api_write(const char *s, size_t len)
{
	char buf[256];
	int err = uaccess_check(s, len, false);

	if (err == 0 && len > 0)
		prun_inject_fault(s);
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
	p = k_mem_map(size, flags | prun_user_flags());
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
	mmboot_ptdump_ranges(arch_pt_root(), arch_pt_levels(),
			     "Page tables: efimm's, live (CR3)",
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

/* Copies at most size bytes of the info record; returns its size or
 * -EFAULT. */
static int api_info(void *info, size_t size)
{
	struct efimm_info i;
	int err;

	prun_info(&i);
	i.size = sizeof(i);
	i.features |= arch_pt_levels() == 5 ? EFIMM_FEAT_LA57 : 0;
	i.pt_root = paddr_raw(arch_pt_root());
	err = uaccess_copy_out(info, &i, MIN(size, sizeof(i)));
	return err ? err : (int)sizeof(i);
}

/*
 * The system calls: one adapter per number from the frame's registers
 * (RDI RSI RDX R10 R8) to the service's C arguments.
 */
typedef long (*sys_fn)(struct trap_frame *f);

static long sys_null(struct trap_frame *f)
{
	UNUSED(f);
	return 0;
}

static long sys_write(struct trap_frame *f)
{
	return api_write((const char *)f->rdi, f->rsi);
}

/* exit on an AP ends that CPU's function only (efimm_abi.h). */
static long sys_exit(struct trap_frame *f)
{
	if (smp_on_ap())
		smp_sys_done();
	prun_exit((int)f->rdi);
}

static long sys_cpu_count(struct trap_frame *f)
{
	UNUSED(f);
	return smp_cpus_online();
}

static long sys_cpu_id(struct trap_frame *f)
{
	UNUSED(f);
	return smp_cpu_id();
}

static long sys_smp_start(struct trap_frame *f)
{
	return smp_sys_start((long)f->rdi, f->rsi, f->rdx, f->r10, f->r8);
}

static long sys_smp_wait(struct trap_frame *f)
{
	return smp_sys_wait((long)f->rdi, f);
}

static long sys_smp_done(struct trap_frame *f)
{
	UNUSED(f);
	return smp_sys_done();
}

static long sys_k_mem_map(struct trap_frame *f)
{
	return api_k_mem_map(f->rdi, (uint32_t)f->rsi, (void **)f->rdx);
}

static long sys_k_mem_unmap(struct trap_frame *f)
{
	return k_mem_unmap((void *)f->rdi, f->rsi);
}

static long sys_k_mem_free_get(struct trap_frame *f)
{
	UNUSED(f);
	return (long)k_mem_free_get();
}

static long sys_k_mem_translate(struct trap_frame *f)
{
	return api_k_mem_translate((const void *)f->rdi, (uint64_t *)f->rsi,
				   (uint32_t *)f->rdx);
}

static long sys_page_out(struct trap_frame *f)
{
	return k_mem_page_out((void *)f->rdi, f->rsi);
}

static long sys_page_in(struct trap_frame *f)
{
	return k_mem_page_in((void *)f->rdi, f->rsi);
}

static long sys_pin(struct trap_frame *f)
{
	return k_mem_pin((void *)f->rdi, f->rsi);
}

static long sys_unpin(struct trap_frame *f)
{
	return k_mem_unpin((void *)f->rdi, f->rsi);
}

static long sys_frame_evict(struct trap_frame *f)
{
	return api_page_frame_evict(f->rdi);
}

static long sys_num_pagefaults(struct trap_frame *f)
{
	return api_num_pagefaults_get((uint64_t *)f->rdi);
}

static long sys_paging_stats(struct trap_frame *f)
{
	return api_paging_stats_get((void *)f->rdi, f->rsi);
}

static long sys_ptdump(struct trap_frame *f)
{
	UNUSED(f);
	api_ptdump();
	return 0;
}

static long sys_memmap_summary(struct trap_frame *f)
{
	UNUSED(f);
	api_memmap_summary();
	return 0;
}

static long sys_paging_print(struct trap_frame *f)
{
	UNUSED(f);
	paging_stats_print();
	smp_tlb_report();
	return 0;
}

static long sys_test_plan(struct trap_frame *f)
{
	testapi_plan((int)f->rdi);
	return 0;
}

static long sys_test_point(struct trap_frame *f)
{
	return testapi_point((int)f->rdi, (const char *)f->rsi, f->rdx);
}

static long sys_expect_begin(struct trap_frame *f)
{
	return testapi_expect_begin(f, (int)f->rdi, f->rsi);
}

static long sys_expect_end(struct trap_frame *f)
{
	UNUSED(f);
	return testapi_expect_end();
}

static long sys_info(struct trap_frame *f)
{
	return api_info((void *)f->rdi, f->rsi);
}

static const sys_fn sys_table[EFIMM_SYS_COUNT] = {
	[EFIMM_SYS_NULL] = sys_null,
	[EFIMM_SYS_WRITE] = sys_write,
	[EFIMM_SYS_EXIT] = sys_exit,
	[EFIMM_SYS_K_MEM_MAP] = sys_k_mem_map,
	[EFIMM_SYS_K_MEM_UNMAP] = sys_k_mem_unmap,
	[EFIMM_SYS_K_MEM_FREE_GET] = sys_k_mem_free_get,
	[EFIMM_SYS_K_MEM_TRANSLATE] = sys_k_mem_translate,
	[EFIMM_SYS_K_MEM_PAGE_OUT] = sys_page_out,
	[EFIMM_SYS_K_MEM_PAGE_IN] = sys_page_in,
	[EFIMM_SYS_K_MEM_PIN] = sys_pin,
	[EFIMM_SYS_K_MEM_UNPIN] = sys_unpin,
	[EFIMM_SYS_K_MEM_PAGE_FRAME_EVICT] = sys_frame_evict,
	[EFIMM_SYS_K_MEM_NUM_PAGEFAULTS_GET] = sys_num_pagefaults,
	[EFIMM_SYS_K_MEM_PAGING_STATS_GET] = sys_paging_stats,
	[EFIMM_SYS_PTDUMP] = sys_ptdump,
	[EFIMM_SYS_MEMMAP_SUMMARY] = sys_memmap_summary,
	[EFIMM_SYS_PAGING_STATS_PRINT] = sys_paging_print,
	[EFIMM_SYS_TEST_PLAN] = sys_test_plan,
	[EFIMM_SYS_TEST_POINT] = sys_test_point,
	[EFIMM_SYS_TEST_EXPECT_BEGIN] = sys_expect_begin,
	[EFIMM_SYS_TEST_EXPECT_END] = sys_expect_end,
	[EFIMM_SYS_INFO] = sys_info,
	[EFIMM_SYS_CPU_COUNT] = sys_cpu_count,
	[EFIMM_SYS_CPU_ID] = sys_cpu_id,
	[EFIMM_SYS_SMP_START] = sys_smp_start,
	[EFIMM_SYS_SMP_WAIT] = sys_smp_wait,
	[EFIMM_SYS_SMP_DONE] = sys_smp_done,
};

/* trap.c's system-call hook: RAX is the number, the result goes back in
 * RAX; an unknown number is -ENOSYS.  Only while a payload runs. */
static void payload_syscall(struct trap_frame *f)
{
	uint64_t nr = f->rax;

	if (!prun_active() || nr >= EFIMM_SYS_COUNT) {
		f->rax = (uint64_t)(long)-ENOSYS;
		return;
	}
	symbols_set_syscall_frame(f);
	f->rax = (uint64_t)sys_table[nr](f);
	symbols_set_syscall_frame(NULL);
	smp_syscall_exit(f);
}

void payload_api_init(void)
{
	trap_set_syscall(payload_syscall);
}
