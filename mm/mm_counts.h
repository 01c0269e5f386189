/*
 * mm/mm_counts.h - the counts that say whether a payload left memory
 * behind: taken before a suite's first payload (the baseline) and after
 * each payload's mm_payload_teardown (mm/mm.h), compared by
 * mm_counts_diff.
 */
#ifndef MM_MM_COUNTS_H
#define MM_MM_COUNTS_H

#include "../lib/types.h"

struct mm_counts {
	size_t free_frames;     /* on the free list (pfdb_free_count) */
	size_t pinned_frames;   /* PINNED set (efimm, tables, store, pins) */
	size_t mapped_frames;   /* MAPPED set (k_mem_map, payload pages) */
	size_t reserved_frames; /* RESERVED, plus frames mem= holds back */
	size_t pt_pages;        /* page-table pages (mm_pt_pages) */
	size_t regions;         /* live regions of the k_mem_map area */
	size_t vm_node_frames;  /* frames of region nodes */
	size_t payload_ranges;  /* ranges mapped in the payload window */
	size_t store_slots;     /* store slots in use, plus those lost at
				 * teardowns (paging_lost_slots) */
	size_t store_frames;    /* frames of the backing store */
	size_t pageable;        /* resident pageable frames (policy's ring) */
};

/* Fills c.  O(1): every count is kept as it changes.  Takes mm_lock. */
void mm_counts_get(struct mm_counts *c);

/*
 * Compares two snapshots: returns how many counts differ and writes one
 * line naming each, in struct order, e.g. "free frames 1200 -> 1190,
 * page-table pages 3 -> 5, store slots in use 0 -> 3" ("" when none
 * differ).  buf of size bytes is always NUL-terminated when size > 0; a
 * line that does not fit is cut and ends in "...".  buf may be NULL
 * when size is 0 (just the count).
 */
size_t mm_counts_diff(const struct mm_counts *before,
		      const struct mm_counts *after, char *buf, size_t size);

#endif
