/*
 * tests/suites/smp/basic.c - the SDK's CPU calls (README "Multiple
 * CPUs"): the count and ids, a function on every other CPU seeing its
 * own id and the payload's memory, -EINVAL and -EBUSY where the ABI says,
 * and concurrent first touches of shared lazy pages served once each.
 * The test points are the boot CPU's: the functions only write shared
 * memory, which main checks after efimm_smp_wait.
 */
#include "efimm.h"

#define PAGES 64

static volatile int seen_id[EFIMM_MAX_CPUS];
static volatile int hits;
static volatile int release;
static uint8_t *shared;
static volatile int touched[EFIMM_MAX_CPUS];

/* Records the CPU it ran on and counts itself. */
static void whoami(void *arg)
{
	int slot = (int)(uintptr_t)arg;

	seen_id[slot] = efimm_cpu_id();
	__atomic_fetch_add(&hits, 1, __ATOMIC_SEQ_CST);
}

/* Spins until main releases it (to see -EBUSY meanwhile). */
static void spin(void *arg)
{
	(void)arg;
	while (!__atomic_load_n(&release, __ATOMIC_ACQUIRE))
		__builtin_ia32_pause();
}

/* Writes the caller's CPU number into its byte of every shared page. */
static void touch_all(void *arg)
{
	int cpu = efimm_cpu_id();

	(void)arg;
	for (int i = 0; i < PAGES; i++)
		shared[i * 4096 + cpu] = (uint8_t)(cpu + 1);
	touched[cpu] = 1;
}

static void ids(int n)
{
	efimm_test_ok(n >= 1 && n <= EFIMM_MAX_CPUS, "%d CPUs online", n);
	efimm_test_ok(efimm_cpu_id() == 0, "main runs on CPU 0 (%d)", efimm_cpu_id());
	printk("smp: %d CPUs online\n", n);
}

static void refusals(int n)
{
	efimm_test_ok(efimm_smp_start(0, whoami, 0) == -EINVAL, "start on CPU 0 (main's)");
	efimm_test_ok(efimm_smp_start(n, whoami, 0) == -EINVAL, "start on CPU %d (none)", n);
	efimm_test_ok(efimm_smp_start(-1, whoami, 0) == -EINVAL, "start on CPU -1");
	efimm_test_ok(efimm_smp_wait(0) == -EINVAL, "wait for CPU 0");
	efimm_test_ok(efimm_smp_wait(n) == -EINVAL, "wait for CPU %d", n);
	efimm_test_ok(efimm_syscall(EFIMM_SYS_SMP_DONE, 0, 0, 0, 0, 0) == -EINVAL,
		      "smp_done on the boot CPU");
}

static void every_cpu(int n)
{
	int ok = 1;

	for (int c = 1; c < n; c++)
		ok &= efimm_smp_start(c, whoami, (void *)(uintptr_t)c) == 0;
	for (int c = 1; c < n; c++)
		ok &= efimm_smp_wait(c) == 0;
	efimm_test_ok(ok, "started and waited for CPUs 1..%d", n - 1);
	efimm_test_ok(hits == n - 1, "%d of %d functions ran", hits, n - 1);
	for (int c = 1; c < n; c++)
		if (seen_id[c] != c)
			ok = 0;
	efimm_test_ok(ok, "each function saw its own CPU's id");
}

static void busy(int n)
{
	if (n < 2) {
		efimm_test_skip("one CPU: nothing can be busy");
		return;
	}
	efimm_test_ok(efimm_smp_start(1, spin, 0) == 0, "spinner started on CPU 1");
	efimm_test_ok(efimm_smp_start(1, whoami, 0) == -EBUSY, "CPU 1 busy: -EBUSY");
	__atomic_store_n(&release, 1, __ATOMIC_RELEASE);
	efimm_test_ok(efimm_smp_wait(1) == 0, "the spinner returned");
}

static void shared_faults(int n)
{
	unsigned long before;
	int ok = 1;

	shared = k_mem_map(PAGES * 4096, K_MEM_PERM_RW);
	if (!efimm_test_ok(shared != NULL, "%d lazy shared pages", PAGES))
		return;
	before = k_mem_num_pagefaults_get();
	for (int c = 1; c < n; c++)
		efimm_smp_start(c, touch_all, 0);
	touch_all(0);
	for (int c = 1; c < n; c++)
		efimm_smp_wait(c);
	efimm_test_ok(k_mem_num_pagefaults_get() - before == PAGES,
		      "%lu page faults served for %d pages touched by %d CPUs",
		      k_mem_num_pagefaults_get() - before, PAGES, n);
	for (int i = 0; i < PAGES; i++)
		for (int c = 0; c < n; c++)
			if (shared[i * 4096 + c] != c + 1)
				ok = 0;
	efimm_test_ok(ok, "every CPU's byte is in every page");
	k_mem_unmap(shared, PAGES * 4096);
}

int main(void)
{
	int n = efimm_cpu_count();

	efimm_test_plan(17);
	ids(n);
	refusals(n);
	every_cpu(n);
	busy(n);
	shared_faults(n);
	return 0;
}
