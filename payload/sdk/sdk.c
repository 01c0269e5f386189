/*
 * payload/sdk/sdk.c - the SDK's C half: start-up after crt0.S, and thin
 * wrappers that turn efimm's system calls (efimm_abi.h) into the
 * functions of efimm.h; they run unchanged in ring 3 and ring 0.
 * printf formatting comes from efimm's own lib/printf.c,
 * linked into libefimm.a; its console output ends in con_write() below.
 */
#include "../../lib/printf.h"
#include "sdk_int.h"

void sdk_start(const struct efimm_boot *boot);
void con_write(const char *s, size_t len);
void con_lock(void);
void con_unlock(void);

static const struct efimm_boot *sdk_boot;

/*
 * Called by _start with the boot block; never returns.  A block without
 * the magic cannot be used to report anything: ud2 raises #UD, which
 * efimm's exception handler reports.  A wrong version is reported and
 * exits 127 (write and exit keep their numbers across versions).
 */
__attribute__((noreturn)) void sdk_start(const struct efimm_boot *boot)
{
	if (!boot || boot->magic != EFIMM_BOOT_MAGIC)
		for (;;)
			__asm__ volatile("ud2");
	sdk_boot = boot;
	if (boot->version != EFIMM_ABI_VERSION) {
		printk("payload: efimm ABI version %u, SDK built for %u\n",
		       boot->version, EFIMM_ABI_VERSION);
		efimm_exit(127);
	}
	efimm_exit(main(boot->argc, boot->argv));
}

const struct efimm_boot *efimm_boot(void)
{
	return sdk_boot;
}

void efimm_exit(int status)
{
	SDK_CALL1(EFIMM_SYS_EXIT, status);
	__builtin_unreachable();
}

long efimm_write(const char *s, size_t len)
{
	return SDK_CALL2(EFIMM_SYS_WRITE, s, len);
}

long efimm_syscall(long nr, long a0, long a1, long a2, long a3, long a4)
{
	return sdk_call(nr, a0, a1, a2, a3, a4);
}

int efimm_info_get(struct efimm_info *info)
{
	long n;

	memset(info, 0, sizeof(*info));
	n = SDK_CALL2(EFIMM_SYS_INFO, info, sizeof(*info));
	return n < 0 ? (int)n : 0;
}

/* lib/printf.c's console hooks: efimm's write call keeps one call's
 * bytes together, so no lock is needed on the payload's side. */
void con_write(const char *s, size_t len)
{
	efimm_write(s, len);
}

void con_lock(void)
{
}

void con_unlock(void)
{
}

/* One write call per printk when it fits (lines from several CPUs stay
 * whole), else the formatter's pieces as they come. */
int vprintk(const char *fmt, va_list ap)
{
	char buf[512];
	va_list again;
	int n;

	va_copy(again, ap);
	n = kvsnprintf(buf, sizeof(buf), fmt, ap);
	if (n >= 0 && (size_t)n < sizeof(buf))
		efimm_write(buf, (size_t)n);
	else
		n = kvprintf(fmt, again);
	va_end(again);
	return n;
}

/* vprintk's: one write call, so a line from one CPU stays whole. */
int printk(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintk(fmt, ap);
	va_end(ap);
	return n;
}

int snprintk(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

int efimm_parse_int(const char *s, long *out)
{
	bool neg = *s == '-';
	unsigned long v = 0;

	s += neg;
	if (*s == '\0')
		return -EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > (unsigned long)INT64_MAX / 10)
			return -EINVAL;
		v = v * 10 + (unsigned long)(*s - '0');
	}
	if (v > (unsigned long)INT64_MAX)
		return -EINVAL;
	*out = neg ? -(long)v : (long)v;
	return 0;
}

int efimm_mem_map(size_t size, uint32_t flags, void **addr)
{
	*addr = NULL;
	return (int)SDK_CALL3(EFIMM_SYS_K_MEM_MAP, size, flags, addr);
}

void *k_mem_map(size_t size, uint32_t flags)
{
	void *addr;

	return efimm_mem_map(size, flags, &addr) == 0 ? addr : NULL;
}

int k_mem_unmap(void *addr, size_t size)
{
	return (int)SDK_CALL2(EFIMM_SYS_K_MEM_UNMAP, addr, size);
}

size_t k_mem_free_get(void)
{
	return (size_t)SDK_CALL0(EFIMM_SYS_K_MEM_FREE_GET);
}

int k_mem_translate(const void *addr, uint64_t *phys, uint32_t *flags)
{
	return (int)SDK_CALL3(EFIMM_SYS_K_MEM_TRANSLATE, addr, phys, flags);
}

int k_mem_page_out(void *addr, size_t size)
{
	return (int)SDK_CALL2(EFIMM_SYS_K_MEM_PAGE_OUT, addr, size);
}

int k_mem_page_in(void *addr, size_t size)
{
	return (int)SDK_CALL2(EFIMM_SYS_K_MEM_PAGE_IN, addr, size);
}

int k_mem_pin(void *addr, size_t size)
{
	return (int)SDK_CALL2(EFIMM_SYS_K_MEM_PIN, addr, size);
}

int k_mem_unpin(void *addr, size_t size)
{
	return (int)SDK_CALL2(EFIMM_SYS_K_MEM_UNPIN, addr, size);
}

int k_mem_page_frame_evict(uint64_t phys)
{
	return (int)SDK_CALL1(EFIMM_SYS_K_MEM_PAGE_FRAME_EVICT, phys);
}

unsigned long k_mem_num_pagefaults_get(void)
{
	uint64_t n = 0;

	SDK_CALL1(EFIMM_SYS_K_MEM_NUM_PAGEFAULTS_GET, &n);
	return (unsigned long)n;
}

void k_mem_paging_stats_get(struct k_mem_paging_stats *stats)
{
	memset(stats, 0, sizeof(*stats));
	SDK_CALL2(EFIMM_SYS_K_MEM_PAGING_STATS_GET, stats, sizeof(*stats));
}

void efimm_paging_stats_print(void)
{
	SDK_CALL0(EFIMM_SYS_PAGING_STATS_PRINT);
}

void efimm_ptdump(void)
{
	SDK_CALL0(EFIMM_SYS_PTDUMP);
}

void efimm_memmap_summary(void)
{
	SDK_CALL0(EFIMM_SYS_MEMMAP_SUMMARY);
}

/* --- CPUs ---------------------------------------------------------------- */

#define SDK_SMP_STACK (64u << 10)

/* Each CPU's stack, made at its first efimm_smp_start. */
static void *smp_stacks[EFIMM_MAX_CPUS];

/* sdk_smp.S: RDI = fn, RSI = arg; calls fn(arg), then smp_done. */
void efimm_smp_entry(void);

int efimm_cpu_count(void)
{
	return (int)SDK_CALL0(EFIMM_SYS_CPU_COUNT);
}

int efimm_cpu_id(void)
{
	return (int)SDK_CALL0(EFIMM_SYS_CPU_ID);
}

int efimm_smp_start(int cpu, void (*fn)(void *), void *arg)
{
	uint8_t *top;

	if (cpu <= 0 || cpu >= EFIMM_MAX_CPUS || cpu >= efimm_cpu_count())
		return -EINVAL;
	if (!smp_stacks[cpu]) {
		int err = efimm_mem_map(SDK_SMP_STACK, K_MEM_PERM_RW, &smp_stacks[cpu]);

		if (err)
			return err;
	}
	top = (uint8_t *)smp_stacks[cpu] + SDK_SMP_STACK;
	return (int)sdk_call(EFIMM_SYS_SMP_START, cpu, (long)efimm_smp_entry,
			     (long)fn, (long)arg, (long)top);
}

int efimm_smp_wait(int cpu)
{
	return (int)SDK_CALL1(EFIMM_SYS_SMP_WAIT, cpu);
}
