/*
 * machine/run_paging.c - demand paging for a payload run (run_paging.h):
 * set up from the payload's options, checked for room beforehand.
 */
#include "run_paging.h"

#include "../lib/errno.h"
#include "../lib/printf.h"
#include "../lib/timing.h"
#include "../mm/kmem.h"
#include "../mm/paging.h"
#include "../mm/swap.h"

/* What a run needs besides the store: efimm's tables and stacks, the
 * payload's image, stack and page tables, and the frames the pager keeps
 * evictable (PAGING_PIN_RESERVE). */
#define RUN_PAGING_MIN_ROOM    (8ULL << 20)
/* Per 4 KiB frame of RAM: the frame database entry (8 bytes) and the
 * policy's tables; per store slot: its frame and the copy table's share
 * (24 bytes, 28 with its index: 32 keeps a margin). */
#define RUN_PAGING_FRAME_COST  (8 + PAGING_FRAME_BYTES_MAX)
#define RUN_PAGING_SLOT_COST   32

const char *run_paging_check_room(uint64_t swap, uint64_t free_bytes,
				  uint64_t ram_bytes)
{
	static char why[128];
	uint64_t need = RUN_PAGING_MIN_ROOM +
			ram_bytes / PAGE_SIZE * RUN_PAGING_FRAME_COST;
	/* each slot takes its page and its share of the copy table */
	uint64_t most = free_bytes > need ? (free_bytes - need) /
			(PAGE_SIZE + RUN_PAGING_SLOT_COST) * PAGE_SIZE : 0;

	if (swap <= most)
		return NULL;
	ksnprintf(why, sizeof(why), "swap=%lluK: backing store too large "
		  "for this machine's RAM (at most %lluM leaves the payload room)",
		  (unsigned long long)(swap >> 10), (unsigned long long)(most >> 20));
	return why;
}

static uint64_t run_paging_clock(void)
{
	return timing_tsc();
}

/* The line every payload's paging starts with. */
static void run_paging_announce(void)
{
	kprintf("efimm: paging: policy %s, backing store %llu KiB in RAM, "
		"%lu KiB of frames free\n", paging_policy_name(),
		(unsigned long long)(swap_slots_total() * PAGE_SIZE >> 10),
		(unsigned long)(k_mem_free_get() >> 10));
}

int run_paging_setup(const struct runopts *o, const char *default_policy,
		     char *why, size_t size)
{
	const char *policy = o->evict[0] ? o->evict : default_policy;
	int err = paging_set_policy(policy);

	if (err) {
		ksnprintf(why, size, "no eviction policy %s", policy);
		return err;
	}
	err = paging_setup(o->swap, o->mem);
	if (err) {
		ksnprintf(why, size, "backing store of %llu KiB: %s",
			  (unsigned long long)(o->swap >> 10), errno_name(err));
		return err;
	}
	paging_set_clock(run_paging_clock);
	run_paging_announce();
	return 0;
}

void run_paging_adopt(vaddr_t start, vaddr_t end)
{
	paging_adopt(start, end);
}
