/*
 * payload/syscall_bench.c - cycles (rdtsc) of one system call round trip
 * and of mapping and unmapping one page, as a ratio to copying 4 KiB
 * measured in the same boot.  tools/bench_syscall.py runs it twice under
 * QEMU -icount (where the TSC counts instructions): in ring 3, the
 * default, and with the run option ring=0, and sets both next to Linux's
 * getpid, mmap and munmap measured the same way (tests/bench/linux/
 * linux_bench.c).
 *
 *   null          efimm_syscall(EFIMM_SYS_NULL, 0, 0, 0, 0, 0): the gate
 *                 in and out and the dispatch, nothing else
 *   k_mem_map-4k  k_mem_map(4096, K_MEM_PERM_RW), not touched (lazy, as
 *                 Linux's untouched mmap), alone in its part of the area:
 *                 the call makes the page tables the page needs
 *   k_mem_unmap-4k  the k_mem_unmap of that page, which frees them again
 *   k_mem_map-4k-kept, k_mem_unmap-4k-kept
 *                 the same beside a touched page that stays mapped, so
 *                 the tables stay: the calls' own cost
 *
 * Each call is timed alone, CALLS times; the figures are the median and
 * the mean per call.  Every figure includes one empty timed interval,
 * printed as "timer" (as the copy includes it).
 *
 * Prints "syscall_bench: ring R", "syscall_bench: copy-4k N cycles",
 * "syscall_bench: timer N cycles" and, per call, "syscall_bench: call
 * NAME median N cycles, mean M cycles, K calls"; "syscall_bench: FAIL:
 * ..." and status 1 when a call fails.
 */
#include "efimm.h"
#include "../lib/timing.h"

#define CALLS 1000

static uint64_t samples[CALLS];
static uint64_t unmap_samples[CALLS];

/* Prints the median and the mean of s[0..n), n > 0, as one "call" line
 * (sorts s). */
static void report(const char *name, uint64_t *s, size_t n)
{
	uint64_t mean = efimm_mean_u64(s, n);

	printk("syscall_bench: call %s median %lu cycles, mean %lu cycles, %zu calls\n",
	       name, (unsigned long)efimm_median_u64(s, n), (unsigned long)mean, n);
}

/* CALLS null round trips, each timed alone.  Returns false if one did
 * not return 0. */
static bool bench_null(void)
{
	for (size_t i = 0; i < CALLS; i++) {
		uint64_t t0 = timing_tsc();
		long rc = efimm_syscall(EFIMM_SYS_NULL, 0, 0, 0, 0, 0);

		samples[i] = timing_tsc() - t0;
		if (rc != 0) {
			printk("syscall_bench: FAIL: null system call returned %ld\n", rc);
			return false;
		}
	}
	report("null", samples, CALLS);
	return true;
}

/* True unless near is given and p lies in another 2 MiB (another last
 * level page table) than near. */
static bool beside(const void *p, const volatile void *near)
{
	return !near || (((uintptr_t)p ^ (uintptr_t)near) >> 21) == 0;
}

/* CALLS k_mem_map of one untouched page and its k_mem_unmap, each call
 * timed alone, reported as "call NAME" and "call UNMAP_NAME"; with near,
 * each page must share near's last-level page table.  Returns false if a
 * call failed or a page landed elsewhere. */
static bool bench_map_4k(const char *name, const char *unmap_name,
			 const volatile void *near)
{
	for (size_t i = 0; i < CALLS; i++) {
		uint64_t t0 = timing_tsc();
		void *p = k_mem_map(PAGE_SIZE, K_MEM_PERM_RW);
		int rc;

		samples[i] = timing_tsc() - t0;
		if (!p || !beside(p, near)) {
			printk("syscall_bench: FAIL: k_mem_map of one page: %p\n", p);
			return false;
		}
		t0 = timing_tsc();
		rc = k_mem_unmap(p, PAGE_SIZE);
		unmap_samples[i] = timing_tsc() - t0;
		if (rc) {
			printk("syscall_bench: FAIL: k_mem_unmap of one page: %d\n", rc);
			return false;
		}
	}
	report(name, samples, CALLS);
	report(unmap_name, unmap_samples, CALLS);
	return true;
}

/* bench_map_4k with a touched one-page region mapped first: the pages go
 * beside it (its guard page between), so the page tables they need stay
 * and only the calls' own work is timed.  Returns false if a call failed
 * or a page landed under another page table. */
static bool bench_map_4k_kept(void)
{
	volatile uint8_t *keep = k_mem_map(PAGE_SIZE, K_MEM_PERM_RW);
	bool ok;

	if (!keep) {
		printk("syscall_bench: FAIL: k_mem_map of the kept page\n");
		return false;
	}
	keep[0] = 1;
	ok = bench_map_4k("k_mem_map-4k-kept", "k_mem_unmap-4k-kept", keep);
	k_mem_unmap((void *)keep, PAGE_SIZE);
	return ok;
}

/* The cost of timing nothing, the smallest of CALLS. */
static uint64_t timer_cost(void)
{
	uint64_t best = ~0ULL;

	for (size_t i = 0; i < CALLS; i++) {
		uint64_t t0 = timing_tsc();

		t0 = timing_tsc() - t0;
		best = t0 < best ? t0 : best;
	}
	return best;
}

/* Prints the figures; returns 0, or 1 when a call failed. */
int main(void)
{
	struct efimm_info info;
	int rc = efimm_info_get(&info);

	if (rc) {
		printk("syscall_bench: FAIL: efimm_info_get: %d\n", rc);
		return 1;
	}
	printk("syscall_bench: ring %u\n", (unsigned)info.ring);
	printk("syscall_bench: copy-4k %lu cycles\n", (unsigned long)timing_copy_4k());
	printk("syscall_bench: timer %lu cycles\n", (unsigned long)timer_cost());
	if (!bench_null() || !bench_map_4k("k_mem_map-4k", "k_mem_unmap-4k", NULL) ||
	    !bench_map_4k_kept())
		return 1;
	return 0;
}
