/*
 * payload/badptr.c - bad pointers handed to efimm's services fail the
 * call with -EFAULT instead of faulting inside efimm, and good ones that
 * are not resident yet (lazy k_mem_map pages) still work.
 *
 * Each check calls the service through the SDK or, where the SDK itself
 * would touch the pointer first, through the raw system call.  Prints
 * every failed check and exits with the number of failures (0: all
 * passed).
 */
#include "efimm.h"

extern const char __payload_rodata[];
/* Defined below; its address is a pointer into the text segment. */
int main(int argc, char **argv);

static int failures;

/* The write call itself: efimm_write would be the same, but says so. */
static long sys_write(const char *s, size_t len)
{
	return efimm_syscall(EFIMM_SYS_WRITE, (long)s, (long)len, 0, 0, 0);
}

static void expect(long got, long want, const char *what)
{
	printk("badptr: %-44s %ld %s\n", what, got, got == want ? "ok" : "FAILED");
	failures += got != want;
}

/* Reads: efimm_write of NULL, of a wrapping range, across a guard page. */
static void bad_reads(uint8_t *page)
{
	expect(sys_write(NULL, 16), -EFAULT, "write(NULL, 16)");
	expect(sys_write("abc", SIZE_MAX), -EFAULT, "write(\"abc\", SIZE_MAX)");
	expect(sys_write((const char *)0x10, 1), -EFAULT, "write(0x10, 1)");
	expect(sys_write((const char *)page + PAGE_SIZE - 2, 4), -EFAULT,
	       "write across the guard page above");
	expect(sys_write((const char *)page + PAGE_SIZE, 1), -EFAULT,
	       "write from the guard page");
	expect(sys_write("", 0), 0, "write of nothing");
}

/* Writes: outputs that are NULL-ish, read-only or in a guard page. */
static void bad_writes(uint8_t *page)
{
	uint64_t *ro = (uint64_t *)__payload_rodata;

	expect(k_mem_translate((void *)main, (void *)0x10, NULL), -EFAULT,
	       "translate(main, 0x10, NULL)");
	expect(k_mem_translate((void *)main, NULL, (uint32_t *)ro), -EFAULT,
	       "translate(main, NULL, rodata)");
	expect(efimm_syscall(EFIMM_SYS_K_MEM_MAP, PAGE_SIZE, K_MEM_PERM_RW, 0x10, 0, 0), -EFAULT,
	       "k_mem_map(..., addr 0x10)");
	expect(efimm_syscall(EFIMM_SYS_K_MEM_NUM_PAGEFAULTS_GET, (long)ro, 0, 0, 0, 0), -EFAULT,
	       "num_pagefaults_get(rodata)");
	expect(efimm_syscall(EFIMM_SYS_K_MEM_PAGING_STATS_GET, (long)(page + PAGE_SIZE - 8),
			     sizeof(struct k_mem_paging_stats), 0, 0, 0),
	       -EFAULT, "paging_stats_get across the guard page");
	expect(efimm_syscall(EFIMM_SYS_K_MEM_PAGING_STATS_GET, -1, 16, 0, 0, 0), -EFAULT,
	       "paging_stats_get(UINTPTR_MAX, 16)");
}

/* Good pointers into a lazy mapping: efimm reads and writes them. */
static void good_lazy(void)
{
	uint8_t *p = k_mem_map(2 * PAGE_SIZE, K_MEM_PERM_RW);
	uint64_t phys = 0;

	if (!p) {
		expect(0, 1, "k_mem_map of 2 pages");
		return;
	}
	expect(k_mem_translate(p, NULL, NULL), -ENOENT, "fresh page not yet populated");
	expect(k_mem_translate((void *)main, (uint64_t *)(p + PAGE_SIZE), NULL), 0,
	       "translate into a lazy page");
	phys = *(uint64_t *)(p + PAGE_SIZE);
	expect(phys != 0, 1, "its output arrived");
	memcpy(p, "badptr: written from a lazy page\n", 33);
	expect(efimm_write((const char *)p, 33), 33, "write from a lazy page");
	expect(k_mem_unmap(p, 2 * PAGE_SIZE), 0, "k_mem_unmap");
	expect(efimm_write((const char *)p, 1), -EFAULT, "write after unmap");
}

int main(int argc, char **argv)
{
	uint8_t *page = k_mem_map(PAGE_SIZE, K_MEM_PERM_RW);

	(void)argc;
	(void)argv;
	if (!page)
		return 100;
	page[0] = 1;
	bad_reads(page);
	bad_writes(page);
	good_lazy();
	printk("badptr: %s\n", failures ? "some checks FAILED" : "all checks passed");
	return failures;
}
