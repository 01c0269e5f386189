/*
 * mm/swap_ram.c - the backing store in RAM (mm/swap.h).
 *
 * Each slot is a pinned frame taken from the database at swap_init
 * (swap=SIZE on the run line), so the frames are out of the pool paging
 * hands out: paging into RAM is real paging against a smaller pool.  A
 * pgarray maps slot -> frame.  Free slots form a stack linked through
 * their own first 8 bytes (slot number + 1, 0 ends it), so the free list
 * costs no memory; swap_alloc and swap_free are O(1).
 */
#include "../lib/assert.h"
#include "../lib/errno.h"
#include "../lib/kstring.h"
#include "../lib/page.h"
#include "arch_hooks.h"
#include "pfdb.h"
#include "pgarray.h"
#include "swap.h"

static struct {
	struct pgarray slot_frame;      /* paddr_t per slot */
	size_t nslots, nfree;
	uint64_t free_head;             /* slot + 1; 0: none free */
} ram;

static paddr_t swap_ram_frame(uint64_t slot)
{
	ASSERT(slot < ram.nslots, "swap: slot %llu of %zu",
	       (unsigned long long)slot, ram.nslots);
	return *(paddr_t *)pgarray_at(&ram.slot_frame, slot);
}

static uint64_t *swap_ram_link(uint64_t slot)
{
	return arch_phys_to_ptr(swap_ram_frame(slot));
}

/* Gives back the first n slot frames and the table. */
static void swap_ram_release(size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct page_frame *pf = pfdb_from_phys(swap_ram_frame(i));

		pfdb_unpin(pf);
		pfdb_free(pf);
	}
	pgarray_release(&ram.slot_frame);
	swap_reset();
}

/* Takes a pinned frame for each slot; false after n when frames ran out. */
static bool swap_ram_take(size_t nslots, size_t *n)
{
	for (*n = 0; *n < nslots; (*n)++) {
		struct page_frame *pf = pfdb_alloc();

		if (!pf)
			return false;
		pfdb_pin(pf);
		*(paddr_t *)pgarray_at(&ram.slot_frame, *n) = pfdb_to_phys(pf);
	}
	return true;
}

int swap_init(size_t nslots)
{
	size_t n;

	swap_ram_release(ram.nslots);
	if (nslots == 0)
		return 0;
	if (pgarray_init(&ram.slot_frame, nslots, sizeof(paddr_t)) != 0)
		return -ENOMEM;
	ram.nslots = nslots;
	if (!swap_ram_take(nslots, &n)) {
		swap_ram_release(n);
		return -ENOMEM;
	}
	for (uint64_t s = nslots; s-- > 0;)
		swap_free(s);
	return 0;
}

void swap_reset(void)
{
	ram.slot_frame.len = ram.slot_frame.ndata = ram.slot_frame.ndir = 0;
	ram.nslots = ram.nfree = 0;
	ram.free_head = 0;
}

size_t swap_slots_total(void)
{
	return ram.nslots;
}

size_t swap_slots_free(void)
{
	return ram.nfree;
}

size_t swap_frames(void)
{
	return ram.nslots + pgarray_frames(&ram.slot_frame);
}

int swap_alloc(uint64_t *slot)
{
	if (ram.free_head == 0)
		return -ENOMEM;
	*slot = ram.free_head - 1;
	ram.free_head = *swap_ram_link(*slot);
	ram.nfree--;
	return 0;
}

void swap_free(uint64_t slot)
{
	*swap_ram_link(slot) = ram.free_head;
	ram.free_head = slot + 1;
	ram.nfree++;
	ASSERT(ram.nfree <= ram.nslots, "swap: slot %llu freed twice",
	       (unsigned long long)slot);
}

void swap_write(uint64_t slot, const void *page)
{
	page_copy(arch_phys_to_ptr(swap_ram_frame(slot)), page);
}

void swap_read(uint64_t slot, void *page)
{
	page_copy(page, arch_phys_to_ptr(swap_ram_frame(slot)));
}
