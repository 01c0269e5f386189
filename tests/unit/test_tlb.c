/*
 * tests/unit/test_tlb.c - TLB shootdown rounds (arch/x86_64/tlb.c) with
 * threads as CPUs: a round reaches every other CPU and returns only after
 * each flushed, many pages become one full flush, nothing is sent for an
 * empty queue or one CPU, and shootdown=off sends nothing (counted).
 */
#include <pthread.h>
#include <string.h>

#include "../../arch/x86_64/cpu.h"
#include "../../arch/x86_64/tlb.h"
#include "../host/percpu_host.h"
#include "unit.h"

#define CPUS 3

static volatile int stop;
static volatile size_t flushed[CPUS];
static int sent[CPUS];

static void count_send(unsigned int cpu)
{
	__atomic_fetch_add(&sent[cpu], 1, __ATOMIC_RELAXED);
}

/* A CPU that serves rounds (as its IPI handler or lock spin would). */
static void *cpu_thread(void *arg)
{
	unsigned int cpu = (unsigned int)(uintptr_t)arg;

	percpu_host_set_cpu(cpu);
	while (!__atomic_load_n(&stop, __ATOMIC_ACQUIRE)) {
		tlb_poll();
		flushed[cpu] = cpu_host_local_flushes();
	}
	return NULL;
}

static pthread_t threads[CPUS];

static void start(void)
{
	stop = 0;
	memset((void *)flushed, 0, sizeof(flushed));
	memset(sent, 0, sizeof(sent));
	percpu_host_set_cpu(0);
	tlb_set_cpus(CPUS, count_send, 0);
	for (uintptr_t c = 1; c < CPUS; c++)
		ck_assert_int_eq(pthread_create(&threads[c], NULL, cpu_thread, (void *)c), 0);
}

static void finish(void)
{
	__atomic_store_n(&stop, 1, __ATOMIC_RELEASE);
	for (int c = 1; c < CPUS; c++)
		pthread_join(threads[c], NULL);
	tlb_set_cpus(1, NULL, 0);
	tlb_set_remote(true);
}

/* Waits until CPU c's published flush count reaches want. */
static void wait_flushed(int c, size_t want)
{
	while (__atomic_load_n(&flushed[c], __ATOMIC_ACQUIRE) < want)
		;
}

START_TEST(round_reaches_every_cpu)
{
	struct tlb_stats s0, s;

	start();
	tlb_stats_get(&s0);
	for (vaddr_t va = 0x1000; va <= 0x5000; va += 0x1000)
		tlb_queue(va);
	tlb_sync();                      /* returns after both flushed */
	tlb_stats_get(&s);
	ck_assert_uint_eq(s.shootdowns - s0.shootdowns, 1);
	ck_assert_uint_eq(s.pages - s0.pages, 5);
	ck_assert_uint_eq(s.ipis - s0.ipis, CPUS - 1);
	ck_assert_int_eq(sent[0], 0);
	ck_assert_int_eq(sent[1], 1);
	ck_assert_int_eq(sent[2], 1);
	wait_flushed(1, 5);
	wait_flushed(2, 5);
	tlb_sync();                      /* nothing queued: no round */
	tlb_stats_get(&s);
	ck_assert_uint_eq(s.shootdowns - s0.shootdowns, 1);
	finish();
}
END_TEST

START_TEST(many_pages_become_a_full_flush)
{
	struct tlb_stats s0, s;

	start();
	tlb_stats_get(&s0);
	for (vaddr_t i = 0; i < TLB_BATCH_MAX + 10; i++)
		tlb_queue(0x100000 + i * 0x1000);
	tlb_sync();
	tlb_stats_get(&s);
	ck_assert_uint_eq(s.full - s0.full, 1);
	ck_assert_uint_eq(s.pages - s0.pages, 0);
	wait_flushed(1, 1);             /* one CR3 reload, not 74 invlpgs */
	ck_assert_uint_lt(flushed[1], 2);
	finish();
}
END_TEST

START_TEST(shootdown_off_sends_nothing)
{
	struct tlb_stats s0, s;

	start();
	tlb_stats_get(&s0);
	tlb_set_remote(false);
	tlb_queue(0x7000);
	tlb_sync();
	tlb_stats_get(&s);
	ck_assert_uint_eq(s.skipped - s0.skipped, 1);
	ck_assert_uint_eq(s.shootdowns - s0.shootdowns, 0);
	ck_assert_int_eq(sent[1] + sent[2], 0);
	tlb_set_remote(true);
	tlb_queue(0x8000);              /* the queue was emptied: one page */
	tlb_sync();
	tlb_stats_get(&s);
	ck_assert_uint_eq(s.pages - s0.pages, 1);
	finish();
}
END_TEST

/* A batch: the syncs inside it run no round; its end runs one for all. */
START_TEST(a_batch_is_one_round)
{
	struct tlb_stats s0, s;

	start();
	tlb_stats_get(&s0);
	tlb_batch_begin();
	for (vaddr_t va = 0x200000; va < 0x200000 + 8 * 0x1000; va += 0x1000) {
		tlb_queue(va);
		tlb_sync();
	}
	tlb_stats_get(&s);
	ck_assert_uint_eq(s.shootdowns, s0.shootdowns);
	ck_assert_int_eq(sent[1], 0);
	tlb_batch_end();
	tlb_stats_get(&s);
	ck_assert_uint_eq(s.shootdowns - s0.shootdowns, 1);
	ck_assert_uint_eq(s.pages - s0.pages, 8);
	ck_assert_uint_eq(s.ipis - s0.ipis, CPUS - 1);
	wait_flushed(1, 8);
	wait_flushed(2, 8);
	finish();
}
END_TEST

START_TEST(one_cpu_queues_nothing)
{
	struct tlb_stats s0, s;

	tlb_set_cpus(1, count_send, 0);
	tlb_stats_get(&s0);
	tlb_queue(0x9000);
	tlb_sync();
	tlb_stats_get(&s);
	ck_assert_uint_eq(s.shootdowns, s0.shootdowns);
	ck_assert_uint_eq(s.skipped, s0.skipped);
}
END_TEST

static Suite *tlb_suite(void)
{
	Suite *s = suite_create("tlb");
	TCase *tc = tcase_create("rounds");

	tcase_add_test(tc, round_reaches_every_cpu);
	tcase_add_test(tc, many_pages_become_a_full_flush);
	tcase_add_test(tc, shootdown_off_sends_nothing);
	tcase_add_test(tc, a_batch_is_one_round);
	tcase_add_test(tc, one_cpu_queues_nothing);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_SUITE(tlb_suite)
