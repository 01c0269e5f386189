/*
 * mm/pgarray.h - a fixed-length array of small records kept in frames of
 * the frame database, for the side tables of demand paging (a policy's
 * per-frame state, the copy table, the store's slot table).
 *
 * efimm has no heap and its data must not depend on the firmware's pool,
 * so the records live in pinned frames taken from the database, reached
 * through the direct map (arch_phys_to_ptr: on the target identity, on
 * the host the arena).  The frames need not be contiguous: a two-level
 * index, like a page table, finds the frame of record i.  The index
 * keeps direct-map pointers, so a lookup makes no call:
 *
 *   rootp[PGARRAY_ROOT] (in the struct) -> directory frame:
 *        256 data-frame pointers, then their 256 physical addresses
 *        (for giving them back)        -> data frame (4096 / size records)
 *
 * Limits: record size a power of two <= 4096; at most PGARRAY_ROOT * 256
 * data frames (1 GiB of records: lru's 8-byte links for 128 Mi frames,
 * 512 GiB of RAM; clock's bits for far more).  The index costs a
 * directory frame per 256 data frames (0.4%).
 * Access is O(1): two loads.  Memory is zeroed at creation.
 */
#ifndef MM_PGARRAY_H
#define MM_PGARRAY_H

#include "../lib/assert.h"
#include "../lib/types.h"
#include "arch_hooks.h"

#define PGARRAY_ROOT      1024
#define PGARRAY_PER_DIR   (PAGE_SIZE / (sizeof(void *) + sizeof(paddr_t)))

struct pgarray {
	size_t len;             /* records */
	size_t rec_size;        /* bytes per record */
	size_t ndata;           /* data frames allocated */
	size_t ndir;            /* directory frames allocated */
	bool raw;               /* records left as found (pgarray_init_raw) */
	paddr_t root[PGARRAY_ROOT];     /* directory frames */
	void **rootp[PGARRAY_ROOT];     /* the same, as pointers */
};

/*
 * Makes a an array of len zeroed records of rec_size bytes (power of
 * two, <= PAGE_SIZE).  Returns 0; -ENOMEM (not enough free frames, or
 * beyond the limits) with no frame taken.  len 0 is a valid empty array.
 */
int pgarray_init(struct pgarray *a, size_t len, size_t rec_size);

/* pgarray_init without zeroing the records (they hold whatever the
 * frames held): for a caller that sets each record before reading it. */
int pgarray_init_raw(struct pgarray *a, size_t len, size_t rec_size);

/* Gives the frames of a back to the database; a becomes empty. */
void pgarray_release(struct pgarray *a);

/* Frames a uses, directories included. */
size_t pgarray_frames(const struct pgarray *a);

/* Record i (i < a->len).  Inline: the fault path looks records up. */
static inline void *pgarray_at(const struct pgarray *a, size_t i)
{
	size_t off = i * a->rec_size;
	size_t p = off >> PAGE_SHIFT;

	ASSERT(i < a->len, "pgarray: index %zu of %zu", i, a->len);
	return (uint8_t *)a->rootp[p / PGARRAY_PER_DIR][p % PGARRAY_PER_DIR] +
	       (off & (PAGE_SIZE - 1));
}

#endif
