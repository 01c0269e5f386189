/*
 * tests/bench/bench_evict.c - host benchmarks of the eviction policies
 * (mm/evict_*.c), printed as markdown tables for the README:
 *
 * 1. Cost of one victim selection against the number of resident frames
 *    (1 Ki, 64 Ki, 1 Mi).  Steady state: after each selection the victim
 *    is taken off the ring and put back (as if faulted in again) and 8
 *    random resident pages are touched (accessed bit set, as the CPU
 *    would).  The O(1)-amortised policy (clock) must stay flat.
 * 2. Page faults of each policy on the same access traces, against the
 *    exact LRU reference (lru with every access reported), from a
 *    simulation that runs the real paging code: efimm's page tables, the
 *    fault path, the RAM backing store; tests/host/mmu_host.c plays the
 *    MMU (sets A/D, routes not-present accesses to paging_fault).
 *
 * Links the host sources without sanitizers (Makefile BENCH_SRCS).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../arch/x86_64/cpu.h"
#include "../../lib/types.h"
#include "../../mm/arch_hooks.h"
#include "../../mm/evict.h"
#include "../../mm/kmem.h"
#include "../../mm/mm.h"
#include "../../mm/paging.h"
#include "../../mm/pfdb.h"
#include "../host/mmu_host.h"
#include "../host/physmem_host.h"

static const char *const policies[] = { "clock", "nru", "lru" };

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static uint64_t rng_state = 88172645463325252ull;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static double uniform(void)
{
	return (double)(rng() >> 11) / (double)(1ull << 53);
}

/* A machine with one free range of frames + room for its tables. */
static void machine(size_t frames)
{
	size_t total = frames + frames / 128 + 256;
	struct mem_range r[] = {
		{ 0x100000, 0x100000 + total * PAGE_SIZE, FW_CONVENTIONAL, MEM_FREE },
	};

	host_physmem_reset();
	cpu_host_invlpg_reset();
	if (mm_init(r, 1) != 0) {
		fprintf(stderr, "bench_evict: mm_init failed\n");
		exit(1);
	}
}

static void die(const char *what)
{
	fprintf(stderr, "bench_evict: %s\n", what);
	exit(1);
}

/* Sets the accessed bit of a random resident page of [base, +n). */
static void touch_random(vaddr_t base, size_t n)
{
	if (!mmu_host_access(base + (rng() % n) * PAGE_SIZE, false, NULL))
		die("access failed");
}

/* ns per select() with n resident frames under the steady state above. */
static double select_cost(const char *policy, size_t n)
{
	const struct evict_ops *ops;
	size_t steps = n < 65536 ? 200000 : 100000;
	double t0, total = 0;
	vaddr_t base;

	machine(n);
	base = (vaddr_t)k_mem_map(n * PAGE_SIZE, K_MEM_PERM_RW | K_MEM_MAP_UNINIT);
	if (!base || paging_set_policy(policy) || paging_setup(0, 0))
		die("setup failed");
	ops = !strcmp(policy, "clock") ? &evict_clock_ops :
	      !strcmp(policy, "nru") ? &evict_nru_ops : &evict_lru_ops;
	for (size_t s = 0; s < steps; s++) {
		struct page_frame *v;
		struct arch_pte_ref ref;
		bool dirty;

		t0 = now_ns();
		v = ops->select(&dirty, &ref);
		total += now_ns() - t0;
		if (!v)
			die("no victim");
		ops->remove(v);
		ops->add(v);
		for (int k = 0; k < 8; k++)
			touch_random(base, n);
		if (s % 4096 == 0)
			cpu_host_invlpg_reset();
		if (!strcmp(policy, "lru") && s >= 2000)
			break;          /* O(n) per selection: a sample is enough */
		if (total > 3e9)
			return total / (double)(s + 1);
	}
	return total / (double)(strcmp(policy, "lru") ? steps : MIN(steps, 2001));
}

static void bench_select(void)
{
	static const size_t sizes[] = { 1024, 65536, 1048576 };

	printf("\n### Cost of one victim selection (host, ns)\n\n");
	printf("| policy | 1 Ki frames | 64 Ki frames | 1 Mi frames |\n");
	printf("|---|---:|---:|---:|\n");
	for (size_t p = 0; p < ARRAY_SIZE(policies); p++) {
		printf("| %s |", policies[p]);
		for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
			printf(" %.0f |", select_cost(policies[p], sizes[i]));
			fflush(stdout);
		}
		printf("\n");
	}
}

/* ---- fault counts on traces ---------------------------------------- */

#define SIM_FRAMES  1024
#define SIM_STEPS   200000

enum trace { T_LOOP, T_RANDOM, T_ZIPF, T_SCAN_HOT, T_N };

static const char *const trace_names[T_N] = {
	"sequential loop, 1.5x memory", "uniform random, 2x memory",
	"Zipf-like (s~1), 4x memory", "scan 4x memory + hot set 0.5x, 1:1",
};

static size_t trace_pages(enum trace t)
{
	static const size_t mult2[T_N] = { 3, 4, 8, 8 };   /* x SIM_FRAMES/2 */

	return mult2[t] * SIM_FRAMES / 2;
}

/*
 * A 1/x density over [1, n] (Zipf with s = 1): x = n^u for uniform u,
 * computed as 2^(u log2 n) with 2^f ~ 1 + f for the fraction (no libm).
 */
static size_t zipf_like(size_t n)
{
	double e = uniform() * (double)(63 - __builtin_clzll(n));
	unsigned int k = (unsigned int)e;

	return (size_t)((double)(1ull << k) * (1.0 + (e - k))) - 1;
}

/* Page of step s of trace t over n pages. */
static size_t trace_page(enum trace t, size_t s, size_t n)
{
	switch (t) {
	case T_LOOP:
		return s % n;
	case T_RANDOM:
		return rng() % n;
	case T_ZIPF:
		return zipf_like(n);
	default:
		if (s & 1)
			return (s / 2) % (n / 2) + n / 2;           /* scan */
		return rng() % (SIM_FRAMES / 2);             /* hot set */
	}
}

/* Faults of policy on trace t (same seed for every policy). */
static uint64_t sim_faults(const char *policy, enum trace t)
{
	size_t n = trace_pages(t);
	uint8_t *base;
	uint64_t f0;

	machine(4 * n + 4 * SIM_FRAMES);
	if (paging_set_policy(policy) ||
	    paging_setup(2 * n * PAGE_SIZE, SIM_FRAMES * PAGE_SIZE))
		die("setup failed");
	base = k_mem_map(n * PAGE_SIZE, K_MEM_PERM_RW);
	if (!base)
		die("map failed");
	mmu_host_report_accesses(true);
	rng_state = 88172645463325252ull;
	f0 = k_mem_num_pagefaults_get();
	for (size_t s = 0; s < SIM_STEPS; s++) {
		size_t pg = MIN(trace_page(t, s, n), n - 1);
		uint8_t *b = mmu_host_access((vaddr_t)base + pg * PAGE_SIZE,
					     (s % 3) == 0, NULL);

		if (!b)
			die("access failed");
		if (s % 3 == 0)
			*b = (uint8_t)s;
		if (s % 4096 == 0)
			cpu_host_invlpg_reset();
	}
	mmu_host_report_accesses(false);
	return k_mem_num_pagefaults_get() - f0;
}

static void bench_traces(void)
{
	printf("\n### Page faults on %d-access traces, %d frames (host "
	       "simulation; %% of exact LRU)\n\n", SIM_STEPS, SIM_FRAMES);
	printf("| trace | lru (exact) | clock | nru |\n|---|---:|---:|---:|\n");
	for (int t = 0; t < T_N; t++) {
		uint64_t lru = sim_faults("lru", (enum trace)t);
		uint64_t clk = sim_faults("clock", (enum trace)t);
		uint64_t nru = sim_faults("nru", (enum trace)t);

		printf("| %s | %llu | %llu (%.0f%%) | %llu (%.0f%%) |\n",
		       trace_names[t], (unsigned long long)lru,
		       (unsigned long long)clk, 100.0 * (double)clk / (double)lru,
		       (unsigned long long)nru, 100.0 * (double)nru / (double)lru);
		fflush(stdout);
	}
}

/* What paging's tables take, measured from the frames they use: the
 * policy's per-frame state and the copy table (per store slot). */
static void bench_memory(void)
{
	const size_t frames = 1048576, slots = 2048;

	printf("\n### Paging tables (host, measured: frames taken / frames of "
	       "RAM or store slots; %zu frames of RAM, %zu store slots)\n\n",
	       frames, slots);
	printf("| policy | policy state | bytes per frame of RAM | copy table "
	       "| bytes per store slot |\n|---|---:|---:|---:|---:|\n");
	for (size_t p = 0; p < ARRAY_SIZE(policies); p++) {
		size_t nf;

		machine(frames);
		if (paging_set_policy(policies[p]) ||
		    paging_setup(slots * PAGE_SIZE, 0))
			die("setup failed");
		nf = pfdb_frame_count();
		printf("| %s | %zu KiB | %.3f | %zu KiB | %.1f |\n", policies[p],
		       paging_policy_bytes() >> 10,
		       (double)paging_policy_bytes() / (double)nf,
		       paging_copy_bytes() >> 10,
		       (double)paging_copy_bytes() / (double)slots);
		paging_teardown();
	}
}

int main(void)
{
	printf("## Eviction policies (tests/bench/bench_evict.c)\n");
	bench_memory();
	bench_traces();
	bench_select();
	return 0;
}
