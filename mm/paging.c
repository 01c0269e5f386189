/*
 * mm/paging.c - the demand-paging core: fault path, eviction, clean
 * copies in the backing store, lazy mappings (design: paging.h).  The
 * payload-facing k_mem_* calls are in paging_api.c.
 */
#include "../lib/assert.h"
#include "../lib/errno.h"
#include "../lib/kstring.h"
#include "../lib/page.h"
#include "../lib/printf.h"
#include "arch_hooks.h"
#include "evict.h"
#include "fault.h"
#include "kmem.h"
#include "mm_lock.h"
#include "paging.h"
#include "paging_int.h"
#include "pgarray.h"
#include "swap.h"

#ifndef EVICT_DEFAULT
#define EVICT_DEFAULT clock
#endif
#define PAGING_OPS_(name) evict_##name##_ops
#define PAGING_OPS(name)  PAGING_OPS_(name)

#define PAGING_ARCH_FLAGS (K_MEM_CACHE_MASK | K_MEM_PERM_RW | \
			   K_MEM_PERM_EXEC | K_MEM_PERM_USER)

struct paging_state paging_st;

static const struct evict_ops *const paging_policies[] = {
	&evict_clock_ops, &evict_nru_ops, &evict_lru_ops,
};

/* Histogram bounds: 128 cycles doubling, the last bin catches all. */
static void paging_hist_init(struct k_mem_paging_histogram *h)
{
	for (size_t i = 0; i < K_MEM_PAGING_HISTOGRAM_BINS; i++)
		h->bounds[i] = i + 1 < K_MEM_PAGING_HISTOGRAM_BINS ?
			       128ULL << i : ~0ULL;
}

void paging_set_clock(paging_clock_fn fn)
{
	paging_st.clock = fn;
}

/* Zero statistics (histogram bounds set), paging off, no pages. */
static void paging_clear(void)
{
	memset(&paging_st.stats, 0, sizeof(paging_st.stats));
	paging_hist_init(&paging_st.stats.fault_cycles);
	paging_hist_init(&paging_st.stats.store_cycles);
	paging_st.enabled = false;
	paging_st.cached = paging_st.resident = 0;
}

void paging_init(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(paging_policies); i++)
		paging_policies[i]->forget();
	paging_st.ops = &PAGING_OPS(EVICT_DEFAULT);
	paging_clear();
	paging_st.copies = (struct pgarray){ 0 };
	paging_st.copy_half = paging_st.copy_cursor = 0;
	paging_st.untracked = paging_st.lost_slots = 0;
	swap_reset();
}

/* Gives the policy the frames of pf[0..n) that are MAPPED, not PINNED. */
static void paging_track_some(struct page_frame *pf, size_t n)
{
	for (; n > 0; n--, pf++)
		if ((pfdb_flags(pf) & (PFDB_MAPPED | PFDB_PINNED)) == PFDB_MAPPED)
			paging_ring_add(pf);
}

/* Gives the policy the frames k_mem_map mapped before paging_setup: one
 * pass over the entry array, eight entries a step, and only when such
 * frames exist (paging_st.untracked): efimm maps none, so a suite's
 * setups make no pass per frame of RAM. */
static void paging_track_existing(void)
{
	const struct page_frame *e = paging_st.frame0;
	size_t n = pfdb_frame_count(), i = 0;

	if (paging_st.untracked == 0)
		return;
	paging_st.untracked = 0;
	for (; i + 8 <= n; i += 8)
		if ((e[i].bits | e[i + 1].bits | e[i + 2].bits | e[i + 3].bits |
		     e[i + 4].bits | e[i + 5].bits | e[i + 6].bits |
		     e[i + 7].bits) & PFDB_MAPPED)
			paging_track_some(paging_st.frame0 + i, 8);
	paging_track_some(paging_st.frame0 + i, n - i);
}

/* The side tables: the policy's per-frame state, the copy table. */
static int paging_tables_init(size_t nslots)
{
	int err = paging_st.ops->start(pfdb_frame_count());

	if (err)
		return err;
	err = paging_copy_init(nslots);
	if (err)
		paging_st.ops->stop();
	return err;
}

static void paging_tables_release(void)
{
	paging_copy_release();
	paging_st.ops->stop();
}

/* Store first, then the cap, so mem= bounds what is left for paging. */
static int paging_setup_locked(uint64_t swap_bytes, uint64_t mem_bytes)
{
	size_t nslots = ALIGN_UP(swap_bytes, PAGE_SIZE) / PAGE_SIZE;
	size_t keep = mem_bytes / PAGE_SIZE;
	int err;

	ASSERT(!paging_st.enabled, "paging: set up twice");
	if (nslots > PAGING_SLOTS_MAX || pfdb_frame_count() >= UINT32_MAX)
		return -ENOMEM;
	paging_st.frame0 = pfdb_frame_at(0);
	ASSERT(pfdb_frame_at(pfdb_frame_count() - 1) ==
	       paging_st.frame0 + pfdb_frame_count() - 1,
	       "paging: frame entries not in one array");
	err = paging_tables_init(nslots);
	if (err)
		return err;
	err = swap_init(nslots);
	if (err) {
		paging_tables_release();
		return err;
	}
	if (mem_bytes)
		pfdb_cap(keep);
	paging_st.enabled = true;
	paging_track_existing();
	arch_fault_set_entry(mm_fault);
	return 0;
}

int paging_setup(uint64_t swap_bytes, uint64_t mem_bytes)
{
	unsigned long irq = mm_lock_take();
	int err = paging_setup_locked(swap_bytes, mem_bytes);

	mm_lock_drop(irq);
	return err;
}

/* Forgets the copies still held (leaks only: mm_payload_teardown
 * released every pageable page): BACKED goes from the frames the policy
 * still has (zero-fill copies among them), then from the owners of the
 * slots the copy table still holds (pinned pages), O(slots). */
static void paging_forget_copies(void)
{
	struct page_frame *pf = paging_st.ops->last();
	struct paging_copy c;

	for (size_t n = paging_st.resident; pf && n > 0; n--) {
		pfdb_clear_flags(pf, PFDB_BACKED);
		pf = paging_st.ops->before(pf);
	}
	while (paging_copy_take(&c))
		pfdb_clear_flags(paging_frame_at(c.frame1 - 1), PFDB_BACKED);
}

/* What is left must be nothing; if a page was leaked it stays mapped and
 * counted (untracked, so a later setup tracks it again), and the slots
 * in use die with the store, counted in lost_slots. */
void paging_teardown_locked(void)
{
	ASSERT(mm_lock_is_held(), "paging: teardown without mm_lock");
	if (!paging_st.enabled)
		return;
	paging_st.lost_slots += swap_slots_total() - swap_slots_free() -
				paging_st.cached;
	if (paging_st.cached || paging_st.resident)
		paging_forget_copies();
	paging_st.untracked += paging_st.resident;
	paging_clear();
	swap_init(0);
	paging_tables_release();
	pfdb_uncap();
}

void paging_teardown(void)
{
	unsigned long irq = mm_lock_take();

	paging_teardown_locked();
	mm_lock_drop(irq);
}

size_t paging_lost_slots(void)
{
	return paging_st.lost_slots;
}

bool paging_enabled(void)
{
	return paging_st.enabled;
}

/* Moves every tracked frame (MAPPED, unpinned) to ops, which takes its
 * per-frame state first; the old policy gives its own back.  0 or
 * -ENOMEM (nothing changed). */
static int paging_move_policy(const struct evict_ops *ops)
{
	int err = ops->start(pfdb_frame_count());

	if (err)
		return err;
	for (size_t i = 0; i < pfdb_frame_count(); i++) {
		struct page_frame *pf = pfdb_frame_at(i);

		if ((pfdb_flags(pf) & (PFDB_MAPPED | PFDB_PINNED)) == PFDB_MAPPED)
			ops->add(pf);
	}
	paging_st.ops->stop();
	return 0;
}

/* Before paging_setup nothing is evicted: the policy has no state and
 * its set is empty until paging_track_existing fills it. */
void paging_ring_add(struct page_frame *pf)
{
	if (!paging_st.enabled) {
		paging_st.untracked++;
		return;
	}
	paging_st.ops->add(pf);
	paging_st.resident++;
}

void paging_ring_remove(struct page_frame *pf)
{
	if (!paging_st.enabled) {
		paging_st.untracked--;
		return;
	}
	paging_st.ops->remove(pf);
	paging_st.resident--;
}

int paging_set_policy(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(paging_policies); i++) {
		if (strcmp(paging_policies[i]->name, name) == 0) {
			unsigned long irq = mm_lock_take();
			int err = 0;

			if (paging_st.enabled && paging_policies[i] != paging_st.ops)
				err = paging_move_policy(paging_policies[i]);
			if (!err)
				paging_st.ops = paging_policies[i];
			mm_lock_drop(irq);
			return err;
		}
	}
	return -EINVAL;
}

const char *paging_policy_name(void)
{
	return paging_st.ops->name;
}

/* Takes pf's copy away (BACKED goes): true and *slot when it was in a
 * store slot (the caller reuses or frees it), false for a zero-fill
 * copy or none. */
static bool paging_forget_copy(struct page_frame *pf, uint64_t *slot)
{
	if (!(pfdb_flags(pf) & PFDB_BACKED))
		return false;
	pfdb_clear_flags(pf, PFDB_BACKED);
	return paging_copy_del(paging_index(pf), slot);
}

void paging_forget_zero(struct page_frame *pf)
{
	uint64_t slot;

	if ((pfdb_flags(pf) & PFDB_BACKED) &&
	    !paging_copy_find(paging_index(pf), &slot))
		pfdb_clear_flags(pf, PFDB_BACKED);
}

/* Frees the slot of a copy taken out of the copy table. */
static void paging_drop_taken(const struct paging_copy *c)
{
	pfdb_clear_flags(paging_frame_at(c->frame1 - 1), PFDB_BACKED);
	swap_free(c->slot);
}

/* Frees the slot of a copy held for a resident page the policy will
 * evict last: walking its order backwards from the last frame, so the
 * copies the policy is about to use for clean evictions are kept.
 * O(resident) at worst. */
static bool paging_drop_newest(void)
{
	struct page_frame *pf = paging_st.ops->last();
	uint64_t slot;

	for (size_t n = paging_st.resident; pf && n > 0; n--) {
		if ((pfdb_flags(pf) & PFDB_BACKED) &&
		    paging_copy_find(paging_index(pf), &slot)) {
			paging_forget_copy(pf, &slot);
			swap_free(slot);
			return true;
		}
		pf = paging_st.ops->before(pf);
	}
	return false;
}

/* Frees one slot held as the copy of a resident page: one of the
 * policy's last, else (copies of pinned pages) the copy table's next.
 * O(slots) at worst: the table's cursor resumes where it stopped. */
static bool paging_drop_one(void)
{
	struct paging_copy c;

	if (paging_drop_newest())
		return true;
	if (!paging_copy_take(&c))
		return false;
	paging_drop_taken(&c);
	return true;
}

/* A free slot, dropping a resident page's copy if none is free. */
static int paging_slot_alloc(uint64_t *slot)
{
	if (swap_alloc(slot) == 0)
		return 0;
	if (!paging_drop_one())
		return -ENOMEM;
	return swap_alloc(slot);
}

/* Writes pf's page to slot, timing the store.  No BUSY mark around the
 * copy: one CPU, interrupts off, both sides in efimm's direct map (the
 * copy cannot fault), so nothing can see the frame mid-copy. */
static void paging_store_write(struct page_frame *pf, uint64_t slot)
{
	uint64_t t0 = paging_now();

	swap_write(slot, arch_phys_to_ptr(pfdb_to_phys(pf)));
	paging_hist_add(&paging_st.stats.store_cycles, paging_now() - t0);
	paging_st.stats.page_outs++;
}

/*
 * Where pf's page goes on eviction, and whether it must be written:
 * its own store copy (rewritten only if dirty); zero-fill again when it
 * was zero-filled and never written since (nothing kept); else a new
 * slot, written.  Returns 0 or -ENOMEM (no slot; nothing changed).
 */
static int paging_evict_target(struct page_frame *pf, bool *dirty,
			       uint64_t *loc)
{
	bool backed = pfdb_flags(pf) & PFDB_BACKED;

	if (paging_forget_copy(pf, loc))  /* its slot: rewritten if dirty */
		return 0;
	if (backed && !*dirty) {        /* zero-filled, never written since */
		*loc = PAGING_LOC_ZERO;
		return 0;
	}
	if (paging_slot_alloc(loc) != 0)
		return -ENOMEM;
	*dirty = true;                  /* no copy anywhere: must be written */
	return 0;
}

/* Takes pf's page out of the tables (every CPU's TLB included) holding
 * loc; returns whether its PTE was dirty as it went. */
static bool paging_unmap_victim(struct page_frame *pf, uint64_t loc,
				const struct arch_pte_ref *ref)
{
	uint32_t was = ref ? arch_pte_page_out(ref, loc) :
			     arch_mem_page_out(pfdb_va(pf), loc);

	return (was & ARCH_DATA_PAGE_DIRTY) != 0;
}

/*
 * Another CPU wrote the page after the policy looked (its PTE turned
 * dirty before the exchange): a page headed back to zero-fill needs a
 * slot after all.  The page goes back in, and out again holding the new
 * slot (a rare race: two more rounds).  Returns 0 with *loc, or -ENOMEM
 * with the page back (present at pf; BACKED cleared, so that its next
 * eviction writes it, the PTE's dirty bit being clear again).
 */
static int paging_evict_raced(struct page_frame *pf, const struct arch_pte_ref *ref,
			      uint64_t *loc)
{
	struct arch_pte_ref r = { 0 };
	uint64_t ignored;
	int err;

	if (*loc != PAGING_LOC_ZERO)
		return 0;                       /* its own slot, rewritten */
	if (!ref) {
		arch_page_locate(pfdb_va(pf), &ignored, &r);
		ref = &r;
	}
	arch_pte_page_in(ref, pfdb_to_phys(pf));
	err = paging_slot_alloc(loc);
	if (err) {
		pfdb_clear_flags(pf, PFDB_BACKED);
		return -ENOMEM;
	}
	arch_pte_page_out(ref, *loc);
	return 0;
}

/*
 * First half of an eviction: picks where pf's page goes (dirty: its PTE's
 * dirty bit as the caller saw it) and takes its PTE out, on this CPU; on
 * every CPU once the TLB round runs (at once, or at the end of the
 * caller's batch).  Fills *v for paging_evict_end.  Returns 0 or -ENOMEM
 * (no slot; nothing changed).
 */
int paging_evict_begin(struct page_frame *pf, bool dirty,
		       const struct arch_pte_ref *ref, struct paging_victim *v)
{
	v->pf = pf;
	v->dirty = dirty;
	v->ref_ok = ref != NULL;
	if (ref)
		v->ref = *ref;
	if (paging_evict_target(pf, &v->dirty, &v->loc) != 0)
		return -ENOMEM;
	v->raced = paging_unmap_victim(pf, v->loc, ref) && !v->dirty;
	return 0;
}

/*
 * Second half, after the round: no CPU can write the page any more, so
 * its frame is read (written to the store when dirty or without a copy;
 * a never-written zero-filled page is dropped) and freed.  Returns 0, or
 * -ENOMEM when a page written by another CPU after the policy looked
 * needs a slot and none is left (the page is then back, resident).
 */
int paging_evict_end(struct paging_victim *v)
{
	if (v->raced) {
		if (paging_evict_raced(v->pf, v->ref_ok ? &v->ref : NULL,
				       &v->loc) != 0)
			return -ENOMEM;
		v->dirty = true;
	}
	if (v->dirty) {
		paging_store_write(v->pf, v->loc);
		paging_st.stats.eviction.dirty++;
	} else {
		paging_st.stats.eviction.clean++;
	}
	paging_ring_remove(v->pf);
	pfdb_set_unmapped(v->pf);
	pfdb_free(v->pf);
	return 0;
}

/*
 * Evicts the resident, unpinned page in pf (dirty: its PTE's dirty bit)
 * and frees the frame: both halves with the page's own TLB round between
 * them, so the PTE goes on every CPU before the frame is read and no
 * CPU can write the page between its copy and its end.  Returns 0 or
 * -ENOMEM (nothing changed, or the raced page back resident).
 */
int paging_evict(struct page_frame *pf, bool dirty,
		 const struct arch_pte_ref *ref)
{
	struct paging_victim v;

	if (paging_evict_begin(pf, dirty, ref, &v) != 0)
		return -ENOMEM;
	return paging_evict_end(&v);
}

/* A free frame, evicting the policy's victim if none is. */
static struct page_frame *paging_frame_get(void)
{
	struct page_frame *pf = pfdb_alloc();
	struct arch_pte_ref ref;
	bool dirty = false;

	if (pf)
		return pf;
	pf = paging_st.ops->select(&dirty, &ref);
	if (!pf || paging_evict(pf, dirty, &ref) != 0)
		return NULL;
	return pfdb_alloc();
}

/* Fills frame pf (at phys) for location loc; keeps the store copy. */
static void paging_fill(struct page_frame *pf, paddr_t phys, uint64_t loc)
{
	void *mem = arch_phys_to_ptr(phys);
	struct paging_copy homeless;
	uint64_t t0;

	if (loc == PAGING_LOC_ZERO) {
		page_clear(mem);
		paging_st.stats.zero_fills++;
		pfdb_set_flags(pf, PFDB_BACKED);        /* its copy: zero-fill */
		return;
	}
	if (loc == PAGING_LOC_UNINIT)
		return;
	t0 = paging_now();
	swap_read(loc, mem);
	paging_hist_add(&paging_st.stats.store_cycles, paging_now() - t0);
	paging_st.stats.page_ins++;
	pfdb_set_flags(pf, PFDB_BACKED);
	if (!paging_copy_add(paging_index(pf), loc, &homeless))
		paging_drop_taken(&homeless);
}

/*
 * Makes the non-resident page at ref->virt (location loc, its PTE in
 * ref) resident.  Returns 0 or -ENOMEM (no frame could be had; nothing
 * changed).
 */
int paging_page_in(const struct arch_pte_ref *ref, uint64_t loc)
{
	struct page_frame *pf = paging_frame_get();
	paddr_t phys;

	if (!pf)
		return -ENOMEM;
	phys = pfdb_to_phys(pf);
	paging_ring_add(pf);
	paging_fill(pf, phys, loc);
	arch_pte_page_in(ref, phys);
	pfdb_set_mapped(pf, ref->virt);
	paging_st.ops->touch(pf);
	return 0;
}

int paging_map_lazy(vaddr_t va, size_t size, uint32_t flags)
{
	uint64_t loc = (flags & K_MEM_MAP_UNINIT) ? PAGING_LOC_UNINIT :
						    PAGING_LOC_ZERO;

	return arch_mem_map_nonresident(va, size, loc, flags & PAGING_ARCH_FLAGS);
}

size_t paging_room(void)
{
	return pfdb_free_count() + swap_slots_free() + paging_st.cached;
}

void paging_track(struct page_frame *pf)
{
	paging_ring_add(pf);
}

/* The MAPPED frame of resident page va, or NULL if va is not one. */
struct page_frame *paging_resident_frame(vaddr_t va, uint64_t phys)
{
	struct page_frame *pf = pfdb_from_phys(PADDR(phys));

	if (!pf || !(pfdb_flags(pf) & PFDB_MAPPED) || pfdb_va(pf) != va)
		return NULL;
	return pf;
}

/* Gives back resident pf mapped at va. */
static void paging_release_frame(struct page_frame *pf)
{
	uint64_t slot;

	if (pfdb_flags(pf) & PFDB_PINNED)
		pfdb_unpin(pf);
	else
		paging_ring_remove(pf);
	if (paging_forget_copy(pf, &slot))
		swap_free(slot);
	pfdb_set_unmapped(pf);
	pfdb_free(pf);
}

/*
 * Frees the store slot of page va if it is paged out; returns its frame
 * if it is resident (NULL otherwise).  Panics if va holds no pageable
 * page.
 */
static struct page_frame *paging_release_slot(vaddr_t va)
{
	struct page_frame *pf;
	uint64_t loc;

	switch (arch_page_location_get(va, &loc)) {
	case ARCH_PAGE_LOCATION_PAGED_IN:
		pf = paging_resident_frame(va, loc);
		if (!pf)
			panic("mm: page %llx maps a frame it does not own",
			      (unsigned long long)va);
		return pf;
	case ARCH_PAGE_LOCATION_PAGED_OUT:
		if (loc < PAGING_LOC_FIRST_RESERVED)
			swap_free(loc);
		return NULL;
	default:
		panic("mm: k_mem region page %llx not mapped",
		      (unsigned long long)va);
	}
}

/* Frames of one chunk of a release, given back after the chunk's PTEs are
 * gone (a frame is never free while a PTE still maps it). */
#define PAGING_RELEASE_CHUNK 64

/* Releases [va, va + n pages), n <= PAGING_RELEASE_CHUNK: one unmap. */
static void paging_release_chunk(vaddr_t va, size_t n)
{
	struct page_frame *frames[PAGING_RELEASE_CHUNK];
	size_t nframes = 0;

	for (size_t i = 0; i < n; i++) {
		struct page_frame *pf = paging_release_slot(va + i * PAGE_SIZE);

		if (pf)
			frames[nframes++] = pf;
	}
	if (arch_mem_unmap(va, n * PAGE_SIZE) != 0)
		panic("mm: cannot unmap %llx", (unsigned long long)va);
	for (size_t i = 0; i < nframes; i++)
		paging_release_frame(frames[i]);
}

void paging_release_range(vaddr_t va, size_t size)
{
	size_t pages = size / PAGE_SIZE;

	for (size_t done = 0; done < pages; done += PAGING_RELEASE_CHUNK)
		paging_release_chunk(va + done * PAGE_SIZE,
				     MIN(pages - done, PAGING_RELEASE_CHUNK));
}

void paging_adopt(vaddr_t start, vaddr_t end)
{
	unsigned long irq = mm_lock_take();

	for (vaddr_t va = start; va < end; va += PAGE_SIZE) {
		struct page_frame *pf;
		uint64_t loc;

		if (arch_page_location_get(va, &loc) != ARCH_PAGE_LOCATION_PAGED_IN)
			continue;
		pf = paging_resident_frame(va, loc);
		if (pf && (pfdb_flags(pf) & PFDB_PINNED)) {
			pfdb_unpin(pf);
			paging_ring_add(pf);
		}
	}
	mm_lock_drop(irq);
}

void paging_touch(vaddr_t va)
{
	vaddr_t page = ALIGN_DOWN(va, PAGE_SIZE);
	unsigned long irq = mm_lock_take();
	struct page_frame *pf;
	uint64_t loc;

	if (paging_st.enabled &&
	    arch_page_location_get(page, &loc) == ARCH_PAGE_LOCATION_PAGED_IN) {
		pf = paging_resident_frame(page, loc);
		if (pf && !(pfdb_flags(pf) & PFDB_PINNED))
			paging_st.ops->touch(pf);
	}
	mm_lock_drop(irq);
}

size_t paging_resident(void)
{
	return paging_st.resident;
}

size_t paging_cached(void)
{
	return paging_st.cached;
}

size_t paging_policy_bytes(void)
{
	return paging_st.enabled ? paging_st.ops->table_frames() * PAGE_SIZE : 0;
}

size_t paging_copy_bytes(void)
{
	return paging_copy_frames() * PAGE_SIZE;
}
