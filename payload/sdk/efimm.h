/*
 * payload/sdk/efimm.h - the payload SDK: everything a program run by
 * efimm's `run` command may use.  There is no C library; this is it.
 *
 * A payload defines
 *         int main(int argc, char **argv);    or    int main(void);
 * argv[0] is the payload's path as given to `run`, argv[argc] is NULL.
 * Returning from main is efimm_exit(return value).
 *
 * Memory calls keep the names of Zephyr's API (k_mem_*) and
 * efimm's flag and errno values; a call that fails returns a negative
 * errno (ENOMEM, EINVAL, ...) unless it says otherwise.  A call whose
 * service the running efimm does not offer yet returns -ENOSYS.  A
 * pointer efimm cannot use (NULL, wrapping, outside the payload's image
 * and its k_mem_map regions, or read-only where efimm must write) makes
 * the call return -EFAULT.
 *
 * Build: `make payload SRC=path/test.c OUT=path/test.elf`, or your own Makefile
 * with the SDK directory of `make sdk` (payload/sdk/sdk.mk).
 */
#ifndef EFIMM_H
#define EFIMM_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The errno values, the K_MEM_* flags, struct k_mem_paging_stats and the
 * system calls: shared with efimm, defined once there. */
#include "efimm_abi.h"

#define PAGE_SIZE               4096ul

/* Only the SDK's start-up code (built -DEFIMM_SDK_BUILD) sees main's
 * prototype: declared here for everyone, it would make a payload's
 * int main(void) a conflicting definition.  Calling main(void) with two
 * arguments is harmless under the SysV ABI (they sit in unused registers). */
#ifdef EFIMM_SDK_BUILD
int main(int argc, char **argv);
#endif

/* --- process ------------------------------------------------------------ */

/* Ends the payload; efimm reports status (0 = success). */
__attribute__((noreturn)) void efimm_exit(int status);
/* The boot block efimm passed to _start. */
const struct efimm_boot *efimm_boot(void);
/* Fills *info (efimm_abi.h: ring, protections, efimm's addresses);
 * returns 0 or a negative errno. */
int efimm_info_get(struct efimm_info *info);
/* A raw system call (EFIMM_SYS_* numbers, efimm_abi.h): for tests of the
 * gate itself; the functions below are the way to call efimm. */
long efimm_syscall(long nr, long a0, long a1, long a2, long a3, long a4);

/* --- CPUs (README "Multiple CPUs") --------------------------------------- */

/* CPUs online, the boot CPU included. */
int efimm_cpu_count(void);
/* The calling CPU's number: 0 is the boot CPU (main's), 1.. the others. */
int efimm_cpu_id(void);
/*
 * Makes CPU cpu run fn(arg), in this payload's address space and ring, on
 * a 64 KiB stack of the SDK's (k_mem_map, one per CPU, made at the first
 * start there).  Returns 0; -EINVAL (no such CPU, or the caller's own);
 * -EBUSY (that CPU still runs a function); -ENOMEM (no stack).
 */
int efimm_smp_start(int cpu, void (*fn)(void *), void *arg);
/* Waits until cpu's function returned: 0 or -EINVAL. */
int efimm_smp_wait(int cpu);

/* --- console ------------------------------------------------------------ */

/* Writes len bytes to efimm's console; returns len or a negative errno. */
long efimm_write(const char *s, size_t len);
/* printf subset: %d %i %u %x %X %o %p %s %c %% with l, ll, z, '-', '0',
 * width and precision.  Returns the number of bytes printed. */
__attribute__((format(printf, 1, 2))) int printk(const char *fmt, ...);
int vprintk(const char *fmt, va_list ap);
/* snprintf: NUL-terminates when size > 0; returns the untruncated length. */
__attribute__((format(printf, 3, 4)))
int snprintk(char *buf, size_t size, const char *fmt, ...);

/* --- strings (gcc may call the mem* ones by itself) --------------------- */
void *memset(void *dst, int c, size_t n);
void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
/* Parses an optionally '-'-signed decimal; 0 and *out, or -EINVAL. */
int efimm_parse_int(const char *s, long *out);

/* --- memory ------------------------------------------------------------- */

/* Anonymous memory (size a non-zero multiple of PAGE_SIZE) with a guard
 * page on each side; zeroed unless K_MEM_MAP_UNINIT.  Cache modes other
 * than WB, WT and NONE are -EINVAL.  Returns the address
 * or NULL (as in Zephyr); efimm_mem_map() gives the errno instead. */
void *k_mem_map(size_t size, uint32_t flags);
int efimm_mem_map(size_t size, uint32_t flags, void **addr);
/* Unmaps exactly what k_mem_map returned: 0 or -EINVAL. */
int k_mem_unmap(void *addr, size_t size);
/* Bytes of free RAM. */
size_t k_mem_free_get(void);
/* 0 with *phys and *flags (K_MEM_PERM_*, K_MEM_CACHE_*) if addr's page
 * has its frame; -ENOENT if it is mapped but not yet populated (lazy
 * memory never touched), -EAGAIN if it is paged out, -EFAULT if it is not
 * mapped, -EINVAL if non-canonical.  Outputs may be NULL. */
int k_mem_translate(const void *addr, uint64_t *phys, uint32_t *flags);

/*
 * Demand paging (Zephyr's calls; -ENOSYS when efimm lacks them).
 * Ranges: page-aligned, inside a k_mem_map region or the payload's own
 * image/stack.  page_out: 0, -ENOMEM (the store cannot take them: nothing
 * changed; unless other CPUs write the range meanwhile, when some pages
 * may be out), -EBUSY (a page is pinned), -EINVAL.  One TLB shootdown
 * round per 64 pages.  page_in/pin: 0, -ENOMEM,
 * -EINVAL.  page_frame_evict: 0, -ENOMEM, -EBUSY (pinned or efimm's),
 * -EINVAL (not RAM).
 */
int k_mem_page_out(void *addr, size_t size);
int k_mem_page_in(void *addr, size_t size);
int k_mem_pin(void *addr, size_t size);
int k_mem_unpin(void *addr, size_t size);
int k_mem_page_frame_evict(uint64_t phys);

/* Page faults served so far (0 when efimm lacks paging). */
unsigned long k_mem_num_pagefaults_get(void);
/* Fills *stats (zeroed when efimm lacks paging). */
void k_mem_paging_stats_get(struct k_mem_paging_stats *stats);
/* efimm prints its statistics on its console. */
void efimm_paging_stats_print(void);

/* efimm's views, printed on its console (nothing if efimm lacks them). */
void efimm_ptdump(void);
void efimm_memmap_summary(void);

/* --- figures (benchmarks) ---------------------------------------------- */

/* The median of s[0..n): sorts s ascending in place and returns s[n / 2]
 * (the upper of the two middle samples when n is even); 0 when n is 0.
 * A few thousand samples at most: the sort is quadratic. */
uint64_t efimm_median_u64(uint64_t *s, size_t n);
/* The mean of s[0..n), rounded down; 0 when n is 0.  The samples' sum
 * must fit in 64 bits. */
uint64_t efimm_mean_u64(const uint64_t *s, size_t n);

/* --- tests (TAP: efimm prints the lines, counts, and fails the payload
 * if a point failed, the plan was not met, main returned non-zero or it
 * faulted outside efimm_test_expect_fault) ------------------------------ */

/* Announces count test points (optional; call it first). */
void efimm_test_plan(int count);
/* Records one test point that passes if cond; returns cond. */
__attribute__((format(printf, 2, 3)))
bool efimm_test_ok(bool cond, const char *fmt, ...);
/* Records one skipped test point (the reason). */
__attribute__((format(printf, 1, 2)))
void efimm_test_skip(const char *fmt, ...);
/* Runs fn(arg); records a pass only if it raises exactly exception vector
 * (for #PF, vector 14, also at addr unless addr is NULL).  Either way the
 * payload goes on after the call; the report of an unexpected exception
 * is printed.  Returns true for a pass.  The boot CPU's (main's) only:
 * on another CPU fn is not run and a failed point says why.  The other
 * test calls work from any CPU, each point numbered once. */
bool efimm_test_expect_fault(int vector, const void *addr,
			     void (*fn)(void *), void *arg);

/* Hides p's value from the optimiser, so a deliberate access through it
 * (a fault test) is really emitted. */
#define EFIMM_LAUNDER(p) __asm__ volatile("" : "+r"(p))

#endif
