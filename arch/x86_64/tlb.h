/*
 * arch/x86_64/tlb.h - TLB shootdown: the other CPUs drop the
 * translations this one removed or narrowed, before mm reuses what they
 * pointed at.
 *
 * Every local invalidation of a page-table change (cpu_invlpg) also
 * queues its address here.  tlb_sync() then runs one round: it posts the
 * queued addresses (or, past TLB_BATCH_MAX of them, a full flush) to
 * every other online CPU, sends each an IPI (TRAP_IPI_TLB) and waits
 * until all have flushed; the hooks that remove or narrow mappings
 * (arch_mem_unmap, arch_mem_protect, arch_mem_page_out,
 * arch_pte_page_out, arch_mem_map over a mapping) call it before they
 * return, so by the time mm touches the frame or store slot no CPU can
 * reach it through an old translation.  One round per call, whatever its
 * number of pages: unmapping 64 pages is one round of IPIs.
 *
 * Callers hold mm_lock (or run before the APs start): one round at a
 * time, one queue.  A CPU spinning for mm_lock has interrupts off and so
 * takes no IPI; its spin (arch_spin_relax) calls tlb_poll() instead,
 * which does what the IPI would have.  With PCIDs efimm would need
 * INVPCID for other CPUs' PCIDs: it leaves them off once a second CPU is
 * online (machine.h arch_as_pcid_off), so every translation is PCID 0's
 * and invlpg reaches it.
 */
#ifndef ARCH_X86_64_TLB_H
#define ARCH_X86_64_TLB_H

#include "../../lib/types.h"

#define TLB_BATCH_MAX 64

/* Counters since boot (README "Multiple CPUs"). */
struct tlb_stats {
	uint64_t shootdowns;    /* rounds that reached another CPU */
	uint64_t pages;         /* addresses they carried */
	uint64_t full;          /* rounds that were full flushes */
	uint64_t ipis;          /* IPIs sent */
	uint64_t skipped;       /* rounds shootdown=off left out */
};

/* Sends the shootdown IPI to CPU cpu (machine/smp.c's, through the
 * local APIC). */
typedef void (*tlb_send_fn)(unsigned int cpu);

/*
 * From now on cpus CPUs (numbers 0..cpus-1) are online and may hold
 * translations; send reaches them.  limit_tsc: how long a round may wait
 * for a CPU before efimm panics (a CPU that never answers, e.g. a ring-0
 * payload spinning with interrupts off).  Before the first call there is
 * one CPU and nothing is queued.
 */
void tlb_set_cpus(unsigned int cpus, tlb_send_fn send, uint64_t limit_tsc);

/* Fault injection (run option shootdown=off): rounds are skipped, so
 * other CPUs keep stale translations.  Counted in skipped. */
void tlb_set_remote(bool on);

/* Remembers that va's translation was invalidated locally. */
void tlb_queue(vaddr_t va);

/* Runs the round for what was queued (nothing if nothing was, or one CPU
 * is online; deferred while a batch is open).  Precondition: mm_lock
 * held, or only one CPU online. */
void tlb_sync(void);
/*
 * A batch: tlb_sync() calls between begin and end run no round, so the
 * hooks called in between only queue; end runs one round for all of it
 * (a full flush past TLB_BATCH_MAX addresses).  Not nested.
 * Precondition: mm_lock held, or only one CPU online.
 */
void tlb_batch_begin(void);
void tlb_batch_end(void);

/* Does this CPU's part of a round that is waiting for it, if any. */
void tlb_poll(void);

/* The TRAP_IPI_TLB handler's work: tlb_poll.  (The EOI is the caller's.) */
void tlb_ipi(void);

void tlb_stats_get(struct tlb_stats *s);

#endif
