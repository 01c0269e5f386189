/*
 * mm/pgarray.c - records in frames of the database (layout: pgarray.h).
 */
#include "../lib/assert.h"
#include "../lib/errno.h"
#include "../lib/kstring.h"
#include "../lib/page.h"
#include "arch_hooks.h"
#include "pfdb.h"
#include "pgarray.h"

/* A zeroed, pinned frame, or false when none is free. */
static bool pgarray_frame(paddr_t *phys, bool zero)
{
	struct page_frame *pf = pfdb_alloc();

	if (!pf)
		return false;
	pfdb_pin(pf);
	*phys = pfdb_to_phys(pf);
	if (zero)
		page_clear(arch_phys_to_ptr(*phys));
	return true;
}

static void pgarray_put(paddr_t phys)
{
	struct page_frame *pf = pfdb_from_phys(phys);

	pfdb_unpin(pf);
	pfdb_free(pf);
}

/* The physical addresses of directory d's data frames (its upper half). */
static paddr_t *pgarray_dir(const struct pgarray *a, size_t d)
{
	return (paddr_t *)(a->rootp[d] + PGARRAY_PER_DIR);
}

void pgarray_release(struct pgarray *a)
{
	for (size_t p = 0; p < a->ndata; p++)
		pgarray_put(pgarray_dir(a, p / PGARRAY_PER_DIR)[p % PGARRAY_PER_DIR]);
	for (size_t d = 0; d < a->ndir; d++)
		pgarray_put(a->root[d]);
	a->len = a->ndata = a->ndir = 0;
}

/* Allocates directories and data frames, counting them as it goes so
 * pgarray_release can undo a partial fill.  False when frames run out. */
static bool pgarray_fill(struct pgarray *a, size_t ndata)
{
	while (a->ndata < ndata) {
		size_t p = a->ndata;
		paddr_t data;

		if (p % PGARRAY_PER_DIR == 0) {
			if (!pgarray_frame(&a->root[a->ndir], true))
				return false;
			a->rootp[a->ndir] = arch_phys_to_ptr(a->root[a->ndir]);
			a->ndir++;
		}
		if (!pgarray_frame(&data, !a->raw))
			return false;
		pgarray_dir(a, p / PGARRAY_PER_DIR)[p % PGARRAY_PER_DIR] = data;
		a->rootp[p / PGARRAY_PER_DIR][p % PGARRAY_PER_DIR] =
			arch_phys_to_ptr(data);
		a->ndata++;
	}
	return true;
}

static int pgarray_make(struct pgarray *a, size_t len, size_t rec_size)
{
	size_t per = PAGE_SIZE / rec_size;
	size_t ndata = (len + per - 1) / per;
	size_t ndir = (ndata + PGARRAY_PER_DIR - 1) / PGARRAY_PER_DIR;

	ASSERT(rec_size && rec_size <= PAGE_SIZE && !(rec_size & (rec_size - 1)),
	       "pgarray: record size %zu", rec_size);
	a->len = a->ndata = a->ndir = 0;
	a->rec_size = rec_size;
	if (ndir > PGARRAY_ROOT || ndata + ndir > pfdb_free_count())
		return -ENOMEM;
	if (!pgarray_fill(a, ndata)) {
		pgarray_release(a);
		return -ENOMEM;
	}
	a->len = len;
	return 0;
}

int pgarray_init(struct pgarray *a, size_t len, size_t rec_size)
{
	a->raw = false;
	return pgarray_make(a, len, rec_size);
}

int pgarray_init_raw(struct pgarray *a, size_t len, size_t rec_size)
{
	a->raw = true;
	return pgarray_make(a, len, rec_size);
}

/* Frames a uses, directories included. */
size_t pgarray_frames(const struct pgarray *a)
{
	return a->ndata + a->ndir;
}
