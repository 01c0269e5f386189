/*
 * arch/x86_64/tlb.c - TLB shootdown rounds (tlb.h).  Plain memory and
 * atomics, so the host tests run rounds between threads.
 */
#include "../../lib/assert.h"
#include "../../lib/timing.h"
#include "../../mm/arch_hooks.h"
#include "cpu.h"
#include "percpu.h"
#include "tlb.h"

static struct {
	/* The queue: filled by the CPU holding mm_lock. */
	vaddr_t va[TLB_BATCH_MAX];
	unsigned int n;
	bool full;
	/* The posted round, read by the targets while pending. */
	vaddr_t req_va[TLB_BATCH_MAX];
	unsigned int req_n;
	bool req_full;
	uint8_t pending[PERCPU_MAX_CPUS];
	unsigned int cpus;
	bool remote_off;
	bool batching;          /* tlb_sync defers to tlb_batch_end */
	tlb_send_fn send;
	uint64_t limit;
	struct tlb_stats st;
} tlb = { .cpus = 1 };

void tlb_set_cpus(unsigned int cpus, tlb_send_fn send, uint64_t limit_tsc)
{
	ASSERT(cpus >= 1 && cpus <= PERCPU_MAX_CPUS, "tlb: %u CPUs", cpus);
	tlb.send = send;
	tlb.limit = limit_tsc;
	__atomic_store_n(&tlb.cpus, cpus, __ATOMIC_RELEASE);
}

void tlb_set_remote(bool on)
{
	tlb.remote_off = !on;
}

void tlb_queue(vaddr_t va)
{
	if (tlb.cpus == 1 || tlb.full)
		return;
	if (tlb.n == TLB_BATCH_MAX) {
		tlb.full = true;
		return;
	}
	tlb.va[tlb.n++] = va;
}

/* Flushes what the posted round names, on this CPU. */
static void tlb_flush_request(void)
{
	if (tlb.req_full) {
		cpu_flush_local();
		return;
	}
	for (unsigned int i = 0; i < tlb.req_n; i++)
		cpu_invlpg_local(tlb.req_va[i]);
}

void tlb_poll(void)
{
	unsigned int me = arch_cpu_id();

	if (!__atomic_load_n(&tlb.pending[me], __ATOMIC_ACQUIRE))
		return;
	tlb_flush_request();
	__atomic_store_n(&tlb.pending[me], 0, __ATOMIC_RELEASE);
}

void tlb_ipi(void)
{
	tlb_poll();
}

/* Waits until no CPU has the round pending; panics after tlb.limit. */
static void tlb_wait(void)
{
	uint64_t t0 = timing_tsc();

	for (unsigned int c = 0; c < tlb.cpus; c++)
		while (__atomic_load_n(&tlb.pending[c], __ATOMIC_ACQUIRE)) {
			if (tlb.limit && timing_tsc() - t0 > tlb.limit)
				panic("mm: CPU %u did not answer a TLB shootdown", c);
			__builtin_ia32_pause();
		}
}

/* Posts the queue as the round's request and empties the queue. */
static void tlb_post(void)
{
	tlb.req_full = tlb.full;
	tlb.req_n = tlb.n;
	for (unsigned int i = 0; i < tlb.n; i++)
		tlb.req_va[i] = tlb.va[i];
	tlb.n = 0;
	tlb.full = false;
}

void tlb_sync(void)
{
	unsigned int me = arch_cpu_id(), cpus = tlb.cpus;

	if (cpus == 1 || tlb.batching || (!tlb.n && !tlb.full))
		return;
	if (tlb.remote_off) {
		tlb.n = 0;
		tlb.full = false;
		tlb.st.skipped++;
		return;
	}
	tlb_post();
	for (unsigned int c = 0; c < cpus; c++)
		if (c != me)
			__atomic_store_n(&tlb.pending[c], 1, __ATOMIC_RELEASE);
	for (unsigned int c = 0; c < cpus; c++)
		if (c != me && tlb.send) {
			tlb.send(c);
			tlb.st.ipis++;
		}
	tlb_wait();
	tlb.st.shootdowns++;
	tlb.st.pages += tlb.req_full ? 0 : tlb.req_n;
	tlb.st.full += tlb.req_full;
}

void tlb_batch_begin(void)
{
	ASSERT(!tlb.batching, "tlb: batches do not nest");
	tlb.batching = true;
}

void tlb_batch_end(void)
{
	ASSERT(tlb.batching, "tlb: no batch is open");
	tlb.batching = false;
	tlb_sync();
}

void tlb_stats_get(struct tlb_stats *s)
{
	*s = tlb.st;
}
