/*
 * mm/swap.h - the backing store of demand paging: numbered page-sized
 * slots.  One backing store per file behind this interface (prefix
 * swap_); mm/swap_ram.c, a store in RAM frames, is the default.
 *
 * The store is dumb on purpose: it hands out and takes back slots and
 * moves page contents.  Which slot belongs to which page, and keeping a
 * page's copy after page-in (clean eviction), is mm/paging.c's business.
 * Slot numbers are < swap_slots_total() and below PAGING_LOC_FIRST_RESERVED
 * (mm/paging.h), so they fit a paged-out PTE.
 */
#ifndef MM_SWAP_H
#define MM_SWAP_H

#include "../lib/types.h"

/*
 * Replaces the store (the old one's resources are given back) with one
 * of nslots slots; for the RAM store their frames are taken out of the
 * frame database (pinned) now.  nslots 0 makes an empty store.  Returns
 * 0; -ENOMEM (not enough frames) with an empty store and nothing taken.
 */
int swap_init(size_t nslots);

/* Forgets the store without giving anything back (after mm_init reset
 * the frame database under it). */
void swap_reset(void);

size_t swap_slots_total(void);
size_t swap_slots_free(void);
/* Frames the store holds (slots and its own tables). */
size_t swap_frames(void);

/* Takes a free slot.  Returns 0 and *slot, or -ENOMEM when none is free. */
int swap_alloc(uint64_t *slot);
/* Gives back a slot swap_alloc returned. */
void swap_free(uint64_t slot);

/* Copies a page (PAGE_SIZE bytes) into / out of an allocated slot. */
void swap_write(uint64_t slot, const void *page);
void swap_read(uint64_t slot, void *page);

#endif
