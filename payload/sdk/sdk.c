/*
 * payload/sdk/sdk.c - the SDK's C half: start-up after crt0.S, and thin
 * wrappers that turn efimm's call table (efimm_abi.h) into the functions
 * of efimm.h.  printf formatting comes from efimm's own lib/printf.c,
 * linked into libefimm.a; its console output ends in con_write() below.
 */
#include "../../lib/printf.h"
#include "sdk_int.h"

void sdk_start(const struct efimm_boot *boot);
void con_write(const char *s, size_t len);

static const struct efimm_boot *sdk_boot;
const struct efimm_api *sdk_api;

/*
 * Called by _start with the boot block; never returns.  A block without
 * the magic cannot be used to report anything: ud2 raises #UD, which
 * efimm's exception handler reports.  A wrong version is reported and
 * exits 127 (the table's first slots are stable across versions).
 */
__attribute__((noreturn)) void sdk_start(const struct efimm_boot *boot)
{
	if (!boot || boot->magic != EFIMM_BOOT_MAGIC || !boot->api)
		for (;;)
			__asm__ volatile("ud2");
	sdk_boot = boot;
	sdk_api = boot->api;
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
	sdk_api->exit(status);
}

long efimm_write(const char *s, size_t len)
{
	return sdk_api->write(s, len);
}

/* lib/printf.c's console hook. */
void con_write(const char *s, size_t len)
{
	efimm_write(s, len);
}

int vprintk(const char *fmt, va_list ap)
{
	return kvprintf(fmt, ap);
}

int printk(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvprintf(fmt, ap);
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
	return sdk_api->k_mem_map(size, flags, addr);
}

void *k_mem_map(size_t size, uint32_t flags)
{
	void *addr;

	return efimm_mem_map(size, flags, &addr) == 0 ? addr : NULL;
}

int k_mem_unmap(void *addr, size_t size)
{
	return sdk_api->k_mem_unmap(addr, size);
}

size_t k_mem_free_get(void)
{
	return sdk_api->k_mem_free_get();
}

int k_mem_translate(const void *addr, uint64_t *phys, uint32_t *flags)
{
	return sdk_api->k_mem_translate(addr, phys, flags);
}

/* The paging slots: -ENOSYS while efimm leaves them NULL. */
#define SDK_RANGE_CALL(name)                                             \
	int name(void *addr, size_t size)                                \
	{                                                                \
		return SDK_SLOT(name) ? sdk_api->name(addr, size) : -ENOSYS; \
	}

SDK_RANGE_CALL(k_mem_page_out)
SDK_RANGE_CALL(k_mem_page_in)
SDK_RANGE_CALL(k_mem_pin)
SDK_RANGE_CALL(k_mem_unpin)

int k_mem_page_frame_evict(uint64_t phys)
{
	return SDK_SLOT(k_mem_page_frame_evict) ?
	       sdk_api->k_mem_page_frame_evict(phys) : -ENOSYS;
}

unsigned long k_mem_num_pagefaults_get(void)
{
	uint64_t n = 0;

	if (SDK_SLOT(k_mem_num_pagefaults_get))
		sdk_api->k_mem_num_pagefaults_get(&n);
	return (unsigned long)n;
}

void k_mem_paging_stats_get(struct k_mem_paging_stats *stats)
{
	memset(stats, 0, sizeof(*stats));
	if (SDK_SLOT(k_mem_paging_stats_get))
		sdk_api->k_mem_paging_stats_get(stats, sizeof(*stats));
}

void efimm_paging_stats_print(void)
{
	if (SDK_SLOT(paging_stats_print))
		sdk_api->paging_stats_print();
}

void efimm_ptdump(void)
{
	if (SDK_SLOT(ptdump))
		sdk_api->ptdump();
}

void efimm_memmap_summary(void)
{
	if (SDK_SLOT(memmap_summary))
		sdk_api->memmap_summary();
}
