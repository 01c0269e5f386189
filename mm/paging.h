/*
 * mm/paging.h - demand paging: the page-fault path,
 * lazy anonymous memory, eviction through a policy (mm/evict.h) into a
 * backing store (mm/swap.h), and Zephyr's paging API for payloads.
 *
 * Page states, as the PTE of a pageable page records them:
 *   resident      present PTE -> a MAPPED, unpinned frame on the policy's
 *                 set (PINNED frames are off it: never evicted);
 *   paged out     non-present PTE holding a backing-store slot;
 *   not populated non-present PTE holding PAGING_LOC_ZERO (first touch
 *                 zero-fills) or PAGING_LOC_UNINIT (first touch leaves
 *                 whatever the frame held: K_MEM_MAP_UNINIT);
 *   unmapped      no PTE at all: a fault there is fatal, never served.
 * The arch encoding (arch/x86_64/pte.h) keeps a non-present PTE with a
 * location distinct from an empty one, whatever the location.
 *
 * Clean eviction: after a page-in the slot keeps its copy (frame flag
 * BACKED, the slot in the copy table, mm/paging_int.h).  Evicting the
 * page again costs no write unless the PTE is dirty; a dirty page is
 * rewritten into the same slot.  When the store runs out of free slots,
 * copies held for resident pages are dropped before anything is
 * refused, of the pages the policy will evict last first.  A page
 * zero-filled by a fault is BACKED too, with no slot in the copy table:
 * its copy is zero-fill, so if it was not written since (PTE not dirty)
 * it goes back to zero-fill on eviction: nothing is written or kept.
 *
 * Memory: paging keeps no record per frame.  The copy table is per
 * store slot (24 bytes a slot); per frame of RAM there is only what the
 * policy keeps (mm/evict.h): 1/8 byte for clock and nru, 8 for lru;
 * paging_policy_bytes() and paging_copy_bytes() measure it, the
 * `paging=1` report prints it.
 *
 * Fault path (paging_fault): take a free frame or evict the policy's
 * victim, fill it (store read, zero-fill or nothing), map it with the
 * permissions the non-present PTE kept; the arch hooks flush the TLB
 * entries they change, so nothing here flushes.  Every public call
 * takes mm_lock (mm/mm_lock.h) with interrupts off; the fault entry
 * takes it too and panics if it is already held (a fault inside mm).
 * Faults are served on the #PF IST stack; the paging code and its data
 * are efimm's, always resident: nothing of efimm itself is pageable
 * (only k_mem_map's memory without K_MEM_MAP_LOCK and adopted payload
 * pages are), which is what lets a teardown release every pageable
 * page.
 */
#ifndef MM_PAGING_H
#define MM_PAGING_H

#include "../lib/types.h"
#include "pfdb.h"

/* Reserved locations of a non-present PTE (arch limit: < 2^40).
 * Backing-store slots are below PAGING_LOC_FIRST_RESERVED. */
#define PAGING_LOC_ZERO            ((1ULL << 40) - 1)
#define PAGING_LOC_UNINIT          ((1ULL << 40) - 2)
#define PAGING_LOC_FIRST_RESERVED  PAGING_LOC_UNINIT

/* Slots are numbered below this (8 TiB of store): the copy table keeps
 * them in 32 bits (mm/paging_int.h). */
#define PAGING_SLOTS_MAX (1ULL << 31)

/* Most bytes per frame of RAM that any policy's tables take (lru's two
 * 32-bit links), for a check made before paging_setup. */
#define PAGING_FRAME_BYTES_MAX 8

/* struct k_mem_paging_stats: part of the payload ABI, defined there. */
#include "../payload/sdk/efimm_abi.h"

/*
 * Called by mm_init: forgets all paging state (nothing is given back:
 * the frame database was just rebuilt), the default policy
 * (EVICT_DEFAULT), no store, zero statistics, demand paging off.
 */
void paging_init(void);

/*
 * Turns demand paging on: the policy's per-frame state, the copy table
 * and a backing store of swap_bytes (rounded up to pages, at most
 * PAGING_SLOTS_MAX pages; its frames leave the pool now), then,
 * if mem_bytes is not 0, holds back free frames beyond mem_bytes
 * (pfdb_cap) so that at most mem_bytes of free frames remain for
 * everything that follows (`mem=SIZE`).  From now on k_mem_map without
 * K_MEM_MAP_LOCK is lazy, and arch/ sends every exception to mm_fault
 * (arch_fault_set_entry).  Precondition: paging is off (never set up, or
 * torn down).  Costs O(policy table frames + slots + keep), no pass over
 * every frame of RAM unless frames were mapped unlocked while paging was
 * off.  Returns 0; -ENOMEM (the store does not fit, or is beyond the
 * limit, or the database has 2^32 - 1 frames or more: nothing changed).
 * Takes
 * mm_lock.
 */
int paging_setup(uint64_t swap_bytes, uint64_t mem_bytes);
bool paging_enabled(void);

/*
 * Undoes paging_setup, so that paging_setup (other swap=, mem=, policy)
 * can be called again: empties the policy's set, gives back the backing
 * store's frames (mm/swap_ram.c), the policy's per-frame state and the
 * copy table,
 * puts the frames mem= held back on the free list again, zeroes the
 * statistics, paging off (paging_enabled() false).  The policy stays
 * selected and mm_fault stays registered (it serves nothing while
 * paging is off, and still gives verdicts).  No-op when paging is off.
 *
 * Precondition: every pageable page has been released - the payload
 * window and the k_mem_map area unmapped (mm_payload_teardown, mm/mm.h,
 * does that first and then calls this).  If one was not (a leak), it is
 * not freed here: a page still resident stays mapped (and tracked again
 * by the next setup), and the slots of pages still paged out go with the
 * store and are counted in paging_lost_slots(), so mm_counts_diff names
 * the leak.  Costs O(policy table frames + slots), no pass over RAM.  Takes
 * mm_lock.
 */
void paging_teardown(void);
/* Store slots still in use at the teardowns since mm_init (leaks). */
size_t paging_lost_slots(void);

/* Selects the eviction policy by name ("nru", "clock", "lru"), at any
 * time: while paging is on the new policy takes its per-frame state and
 * the tracked frames move to it, O(frames), and the old one gives its
 * state back; while it is off, O(1).  Returns 0, -EINVAL (unknown name)
 * or -ENOMEM (no frames for the new policy's state: nothing changed).
 * Takes mm_lock. */
int paging_set_policy(const char *name);
const char *paging_policy_name(void);

/* Cycle counter for the histograms (rdtsc on the target, a settable
 * clock in host tests); NULL: no timing (all samples 0). */
typedef uint64_t (*paging_clock_fn)(void);
void paging_set_clock(paging_clock_fn fn);

/*
 * Serves a not-present fault at va (mm_fault, mm/fault.h, is the entry
 * arch/ calls, and takes mm_lock around this; it also counts the fault
 * as irq_locked or irq_unlocked by mm_fault.irq_on).  Returns 0 (served,
 * or found present: another CPU served it between this CPU's fault and
 * its turn at mm_lock - counted by paging_spurious_faults(), served
 * once; retry the instruction), -EFAULT (va is not a paged-out or unpopulated
 * page: the fault is fatal as usual), -ENOMEM (no frame could be freed:
 * out of backing store).
 */
int paging_fault(vaddr_t va);

/* Faults paging_fault found already served by another CPU. */
uint64_t paging_spurious_faults(void);

/* One-line verdict on a faulting address for the fatal report:
 * "paged out (slot N)", "not yet populated", "unmapped", "permission
 * fault (page present)". */
const char *paging_classify(vaddr_t va);

/* ---- for mm/kmem.c and efi/ ------------------------------------------ */

/* Non-resident PTEs for [va, va+size) (zero-fill, or uninitialised with
 * K_MEM_MAP_UNINIT).  Returns 0 or -ENOMEM/-EINVAL with nothing mapped. */
int paging_map_lazy(vaddr_t va, size_t size, uint32_t flags);
/* Pages a lazy mapping may still get: free frames + free and droppable
 * store slots (an estimate, not a reservation). */
size_t paging_room(void);
/* A freshly mapped, unpinned frame joins the pageable set. */
void paging_track(struct page_frame *pf);
/* Frees every page of [va, va+size) (page-aligned) whatever its state
 * (resident, paged out, never touched), its frame and its store slot, in
 * one page-table walk per 64 pages; panics if a page in the range holds
 * no pageable page (a caller bug).  The arch hooks flush the TLB. */
void paging_release_range(vaddr_t va, size_t size);
/* Unpins the pinned frames mapped in [start, end) (payload image and
 * stack) so eviction may take them.  Pages not mapped are skipped.
 * Takes mm_lock. */
void paging_adopt(vaddr_t start, vaddr_t end);
/* Host simulation: reports an access to va's resident page to the
 * policy (exact LRU needs every access).  Takes mm_lock. */
void paging_touch(vaddr_t va);
/* Frames the policy may evict; store copies held for resident pages. */
size_t paging_resident(void);
size_t paging_cached(void);
/* Bytes of frames the paging tables use now: the policy's per-frame
 * state, and the copy table (per store slot).  0 while paging is off. */
size_t paging_policy_bytes(void);
size_t paging_copy_bytes(void);
/* Prints the statistics (the `paging=1` report); reads without mm_lock
 * (a report: a count torn by a concurrent change is harmless). */
void paging_stats_print(void);

/* ---- Zephyr's paging API (its names); ranges as k_mem_map returned, or
 * payload image/stack pages: page-aligned, every page pageable.  Each
 * returns -ENOTSUP before paging_setup.  Each runs on efimm's own stack
 * under mm_lock (mm_lock_call, mm/mm_lock.h), interrupts off across the
 * stack switch and the lock dropped before the switch back, so they may
 * page out the very stack page of their caller: it comes back intact at
 * its next touch, a fault served with the lock free. ------------------ */

/* Evicts the range, PAGING_OUT_BATCH (64) pages per TLB round.  0;
 * -ENOMEM (not enough store: nothing changed - or, when another CPU
 * wrote pages of the range after the check, the pages from the first
 * that found no slot on stay resident); -EINVAL (a page is not
 * pageable); -EBUSY (a page is pinned). */
int k_mem_page_out(void *addr, size_t size);
/* Pages the range in.  0, -ENOMEM, -EINVAL. */
int k_mem_page_in(void *addr, size_t size);
/* Pages in and pins / unpins the range.  0, -ENOMEM, -EINVAL.  k_mem_pin
 * refuses with -ENOMEM, changing nothing, a pin that would leave fewer
 * than PAGING_PIN_RESERVE frames (free or evictable) to the rest of
 * pageable memory - the payload's own code and stack need some to go on
 * - or whose page-ins would need more store room than there is. */
#define PAGING_PIN_RESERVE 16
int k_mem_pin(void *addr, size_t size);
int k_mem_unpin(void *addr, size_t size);
/* Evicts the page in frame phys.  0 (evicted, or the frame was free);
 * -ENOMEM; -EBUSY (pinned or not pageable); -EINVAL (not RAM). */
int k_mem_page_frame_evict(paddr_t phys);
uint64_t k_mem_num_pagefaults_get(void);
void k_mem_paging_stats_get(struct k_mem_paging_stats *stats);

#endif
