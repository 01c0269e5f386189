/*
 * tests/unit/test_mm_smp.c - the memory core from several threads, each
 * playing a CPU (its own arch_cpu_id): mm_lock is a real ticket lock on
 * the host too.  Four threads map, fault in, fill, page out, page back
 * in, check and unmap their own regions at once, with a pool small
 * enough that each one's faults evict the others' pages; at the end every
 * frame and store slot is back.  And two CPUs faulting on one page: it is
 * served once, the second finds it present (counted as spurious).  And a
 * page-out of 100 pages with a second CPU answering shootdowns: two
 * rounds (64 + 36 pages), not 100, and every page comes back intact.
 */
#include <pthread.h>
#include <string.h>

#include "../../arch/x86_64/tlb.h"
#include "../../lib/errno.h"
#include "../../mm/fault.h"
#include "../../mm/kmem.h"
#include "../../mm/mm.h"
#include "../../mm/mm_counts.h"
#include "../../mm/mm_lock.h"
#include "../../mm/paging.h"
#include "../../mm/pfdb.h"
#include "../host/mmu_host.h"
#include "../host/percpu_host.h"
#include "../host/physmem_host.h"
#include "unit.h"

#define THREADS 4
#define ROUNDS  60
#define PAGES   4
#define POOL    36      /* 16 pinned at most, the rest evictable */
#define SLOTS   128

static const struct mem_range map[] = {
	{ 0x100000, 0x4000000, FW_CONVENTIONAL, MEM_FREE },
};

static void setup_sized(size_t slots, size_t pool)
{
	host_physmem_reset();
	mmu_host_report_accesses(false);
	percpu_host_set_cpu(0);
	ck_assert_int_eq(mm_init(map, ARRAY_SIZE(map)), 0);
	ck_assert_int_eq(paging_set_policy("clock"), 0);
	ck_assert_int_eq(paging_setup(slots * PAGE_SIZE, pool * PAGE_SIZE), 0);
}

static void setup(void)
{
	setup_sized(SLOTS, POOL);
}

static volatile int failures[THREADS];

/* Writes (pinned: no other CPU can evict it meanwhile) or checks a
 * page's tag; returns false on a mismatch. */
static bool tag(uint8_t *base, int page, uint32_t v, bool write)
{
	uint32_t got;
	uint8_t *p = mmu_host_access((vaddr_t)(base + page * PAGE_SIZE), write, NULL);

	if (!p)
		return false;
	if (write) {
		memcpy(p, &v, sizeof(v));
		return true;
	}
	memcpy(&got, p, sizeof(got));
	return got == v;
}

/* One round of one CPU on its own region; false on any failure. */
static bool round_trip(int cpu, int round)
{
	size_t size = PAGES * PAGE_SIZE;
	uint8_t *p = k_mem_map(size, K_MEM_PERM_RW);
	bool ok = p != NULL;

	ok = ok && k_mem_pin(p, size) == 0;
	for (int i = 0; ok && i < PAGES; i++)
		ok = tag(p, i, (uint32_t)(cpu << 24 | round << 8 | i), true);
	ok = ok && k_mem_unpin(p, size) == 0 && k_mem_page_out(p, size) == 0;
	ok = ok && k_mem_pin(p, size) == 0;
	for (int i = 0; ok && i < PAGES; i++)
		ok = tag(p, i, (uint32_t)(cpu << 24 | round << 8 | i), false);
	ok = ok && k_mem_unpin(p, size) == 0;
	if (p)
		ok = k_mem_unmap(p, size) == 0 && ok;
	return ok;
}

static void *cpu_thread(void *arg)
{
	int cpu = (int)(uintptr_t)arg;

	percpu_host_set_cpu((unsigned int)cpu);
	for (int r = 0; r < ROUNDS; r++)
		if (!round_trip(cpu, r))
			failures[cpu]++;
	return NULL;
}

START_TEST(cpus_share_the_core)
{
	pthread_t t[THREADS];
	struct k_mem_paging_stats st;

	setup();
	for (uintptr_t c = 0; c < THREADS; c++)
		ck_assert_int_eq(pthread_create(&t[c], NULL, cpu_thread, (void *)c), 0);
	for (int c = 0; c < THREADS; c++)
		pthread_join(t[c], NULL);
	for (int c = 0; c < THREADS; c++)
		ck_assert_msg(failures[c] == 0, "CPU %d: %d failed rounds", c, failures[c]);
	k_mem_paging_stats_get(&st);
	ck_assert_uint_gt(st.eviction.dirty + st.eviction.clean, 0);
	ck_assert_uint_eq(pfdb_free_count(), POOL);     /* every frame back */
	ck_assert(!mm_lock_is_held());
}
END_TEST

static uint8_t *shared_page;
static pthread_barrier_t both;
static int fault_ret[2];

static void *fault_thread(void *arg)
{
	int cpu = (int)(uintptr_t)arg;
	struct mm_fault f = { .vector = 14, .page_fault = true,
			      .addr = (vaddr_t)shared_page + 8 * cpu,
			      .access = MM_FAULT_WRITE, .error = 2 };
	const char *verdict;

	percpu_host_set_cpu((unsigned int)cpu);
	pthread_barrier_wait(&both);
	fault_ret[cpu] = mm_fault(&f, &verdict);
	return NULL;
}

START_TEST(one_page_two_faults_served_once)
{
	pthread_t t[2];
	struct k_mem_paging_stats s0, s;
	uint64_t spurious0;

	setup();
	shared_page = k_mem_map(PAGE_SIZE, K_MEM_PERM_RW);
	ck_assert_ptr_nonnull(shared_page);
	k_mem_paging_stats_get(&s0);
	spurious0 = paging_spurious_faults();
	pthread_barrier_init(&both, NULL, 2);
	for (uintptr_t c = 0; c < 2; c++)
		ck_assert_int_eq(pthread_create(&t[c], NULL, fault_thread, (void *)c), 0);
	for (int c = 0; c < 2; c++)
		pthread_join(t[c], NULL);
	ck_assert_int_eq(fault_ret[0], 0);
	ck_assert_int_eq(fault_ret[1], 0);
	k_mem_paging_stats_get(&s);
	ck_assert_uint_eq(s.pagefaults.cnt - s0.pagefaults.cnt, 1);
	ck_assert_uint_eq(paging_spurious_faults() - spurious0, 1);
	ck_assert_int_eq(k_mem_unmap(shared_page, PAGE_SIZE), 0);
}
END_TEST

#define BATCH_PAGES 100

static volatile int answering;

/* CPU 1: does its part of every shootdown round until told to stop. */
static void *tlb_thread(void *arg)
{
	(void)arg;
	percpu_host_set_cpu(1);
	while (__atomic_load_n(&answering, __ATOMIC_ACQUIRE))
		tlb_poll();
	return NULL;
}

static void tlb_send_none(unsigned int cpu)
{
	(void)cpu;              /* CPU 1 polls: no interrupt to deliver */
}

START_TEST(page_out_is_one_round_per_64_pages)
{
	struct k_mem_paging_stats a, b;
	pthread_t t;
	uint8_t *p;

	setup_sized(256, BATCH_PAGES + 16);
	p = k_mem_map(BATCH_PAGES * PAGE_SIZE, K_MEM_PERM_RW);
	ck_assert_ptr_nonnull(p);
	for (int i = 0; i < BATCH_PAGES; i++)
		ck_assert(tag(p, i, 0xB0000000u | (uint32_t)i, true));
	answering = 1;
	tlb_set_cpus(2, tlb_send_none, 0);
	ck_assert_int_eq(pthread_create(&t, NULL, tlb_thread, NULL), 0);
	k_mem_paging_stats_get(&a);
	ck_assert_int_eq(k_mem_page_out(p, BATCH_PAGES * PAGE_SIZE), 0);
	k_mem_paging_stats_get(&b);
	__atomic_store_n(&answering, 0, __ATOMIC_RELEASE);
	pthread_join(t, NULL);
	tlb_set_cpus(1, NULL, 0);
	ck_assert_uint_eq(b.tlb.shootdowns - a.tlb.shootdowns, 2);
	ck_assert_uint_eq(b.tlb.pages - a.tlb.pages, BATCH_PAGES);
	ck_assert_uint_eq(b.page_outs - a.page_outs, BATCH_PAGES);
	for (int i = 0; i < BATCH_PAGES; i++)
		ck_assert(tag(p, i, 0xB0000000u | (uint32_t)i, false));
	ck_assert_int_eq(k_mem_unmap(p, BATCH_PAGES * PAGE_SIZE), 0);
}
END_TEST

static Suite *mm_smp_suite(void)
{
	Suite *s = suite_create("mm_smp");
	TCase *tc = tcase_create("threads");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, cpus_share_the_core);
	tcase_add_test(tc, one_page_two_faults_served_once);
	tcase_add_test(tc, page_out_is_one_round_per_64_pages);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_SUITE(mm_smp_suite)
