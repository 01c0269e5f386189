/*
 * payload/smp_bench.c - what TLB shootdowns and several CPUs cost
 * (tools/bench_smp.py runs it under QEMU -icount with -smp 1, 2, 4 and
 * 8, where the TSC counts instructions).  All figures are the boot CPU's
 * rdtsc, as a ratio to copying 4 KiB in the same boot:
 *
 *   unmap-1    k_mem_unmap of one touched page: with one CPU no round,
 *              with more one shootdown round to every other CPU (idle,
 *              halted: each IPI wakes it)
 *   unmap-64   k_mem_unmap of 64 touched pages in one call: still one
 *              round (the batch)
 *   faults     the CPUs together zero-fill FAULT_PAGES fresh pages, each
 *              CPU its own share (CPU 0 included): cycles from the first
 *              start to the last wait, per fault
 *
 * Prints "smp_bench: cpus N", "smp_bench: copy-4k N cycles",
 * "smp_bench: NAME median N cycles, mean M cycles, K runs" for unmap-1
 * and unmap-64, "smp_bench: faults P pages, C CPUs, T cycles"; on a
 * failed call "smp_bench: FAIL: ..." and status 1.
 */
#include "efimm.h"
#include "../lib/timing.h"

#define RUNS        100
#define BATCH       64
#define FAULT_PAGES 1024

static uint64_t samples[RUNS];

/* Prints the median and the mean of s[0..n), n > 0 (sorts s). */
static void report(const char *name, uint64_t *s, size_t n)
{
	uint64_t mean = efimm_mean_u64(s, n);

	printk("smp_bench: %s median %lu cycles, mean %lu cycles, %zu runs\n", name,
	       (unsigned long)efimm_median_u64(s, n), (unsigned long)mean, n);
}

/* Cycles of k_mem_unmap of `pages` touched pages; 0 on a failure. */
static uint64_t unmap_touched(size_t pages)
{
	volatile uint8_t *p = k_mem_map(pages * 4096, K_MEM_PERM_RW);
	uint64_t t0, t1;

	if (!p)
		return 0;
	for (size_t i = 0; i < pages; i++)
		p[i * 4096] = 1;
	t0 = timing_tsc();
	if (k_mem_unmap((void *)p, pages * 4096))
		return 0;
	t1 = timing_tsc();
	return t1 - t0;
}

static bool unmaps(const char *name, size_t pages)
{
	for (int r = 0; r < RUNS; r++)
		if (!(samples[r] = unmap_touched(pages))) {
			printk("smp_bench: FAIL: %s run %d\n", name, r);
			return false;
		}
	report(name, samples, RUNS);
	return true;
}

struct share {
	volatile uint8_t *p;
	size_t pages;
};

static struct share shares[EFIMM_MAX_CPUS];

static void touch(void *arg)
{
	struct share *s = arg;

	for (size_t i = 0; i < s->pages; i++)
		s->p[i * 4096] = 1;
}

/* FAULT_PAGES zero-fill faults shared by n CPUs; prints the line. */
static bool faults(int n)
{
	volatile uint8_t *p = k_mem_map(FAULT_PAGES * 4096, K_MEM_PERM_RW);
	size_t each = FAULT_PAGES / (size_t)n;
	uint64_t t0, t1;

	if (!p) {
		printk("smp_bench: FAIL: faults map\n");
		return false;
	}
	for (int c = 0; c < n; c++)
		shares[c] = (struct share){ p + (size_t)c * each * 4096, each };
	t0 = timing_tsc();
	for (int c = 1; c < n; c++)
		efimm_smp_start(c, touch, &shares[c]);
	touch(&shares[0]);
	for (int c = 1; c < n; c++)
		efimm_smp_wait(c);
	t1 = timing_tsc();
	printk("smp_bench: faults %zu pages, %d CPUs, %lu cycles\n", each * (size_t)n, n,
	       (unsigned long)(t1 - t0));
	k_mem_unmap((void *)p, FAULT_PAGES * 4096);
	return true;
}

int main(void)
{
	int n = efimm_cpu_count();

	printk("smp_bench: cpus %d\n", n);
	printk("smp_bench: copy-4k %lu cycles\n", (unsigned long)timing_copy_4k());
	if (!unmaps("unmap-1", 1) || !unmaps("unmap-64", BATCH) || !faults(n))
		return 1;
	return 0;
}
