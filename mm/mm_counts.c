/*
 * mm/mm_counts.c - snapshots of mm's counts and their difference
 * (mm/mm_counts.h).
 */
#include "mm_counts.h"

#include <stddef.h>

#include "../lib/kstring.h"
#include "../lib/printf.h"
#include "mm.h"
#include "mm_lock.h"
#include "paging.h"
#include "payload.h"
#include "pfdb.h"
#include "swap.h"
#include "vm.h"

void mm_counts_get(struct mm_counts *c)
{
	unsigned long irq = mm_lock_take();

	c->free_frames = pfdb_free_count();
	c->pinned_frames = pfdb_pinned_count();
	c->mapped_frames = pfdb_mapped_count();
	c->reserved_frames = pfdb_reserved_count();
	c->pt_pages = mm_pt_pages();
	c->regions = vm_live_regions(mm_vm());
	c->vm_node_frames = vm_node_frames(mm_vm());
	c->payload_ranges = payload_range_count();
	c->store_slots = swap_slots_total() - swap_slots_free() +
			 paging_lost_slots();
	c->store_frames = swap_frames();
	c->pageable = paging_resident();
	mm_lock_drop(irq);
}

/* Each count's name in the line, by its place in struct mm_counts. */
static const struct {
	const char *name;
	size_t offset;
} mm_counts_names[] = {
	{ "free frames", offsetof(struct mm_counts, free_frames) },
	{ "pinned frames", offsetof(struct mm_counts, pinned_frames) },
	{ "mapped frames", offsetof(struct mm_counts, mapped_frames) },
	{ "reserved frames", offsetof(struct mm_counts, reserved_frames) },
	{ "page-table pages", offsetof(struct mm_counts, pt_pages) },
	{ "live regions", offsetof(struct mm_counts, regions) },
	{ "vm node frames", offsetof(struct mm_counts, vm_node_frames) },
	{ "payload ranges", offsetof(struct mm_counts, payload_ranges) },
	{ "store slots in use", offsetof(struct mm_counts, store_slots) },
	{ "store frames", offsetof(struct mm_counts, store_frames) },
	{ "pageable frames", offsetof(struct mm_counts, pageable) },
};

_Static_assert(sizeof(mm_counts_names) / sizeof(mm_counts_names[0]) ==
	       sizeof(struct mm_counts) / sizeof(size_t),
	       "every count has a name");

static size_t mm_counts_at(const struct mm_counts *c, size_t i)
{
	return *(const size_t *)((const char *)c + mm_counts_names[i].offset);
}

/* Marks a cut line: its last three bytes become "...". */
static void mm_counts_cut(char *buf, size_t size)
{
	size_t n = MIN(size - 1, (size_t)3);

	memset(buf + size - 1 - n, '.', n);
}

size_t mm_counts_diff(const struct mm_counts *before,
		      const struct mm_counts *after, char *buf, size_t size)
{
	size_t differ = 0, len = 0;

	if (size > 0)
		buf[0] = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(mm_counts_names); i++) {
		size_t a = mm_counts_at(before, i), b = mm_counts_at(after, i);

		if (a == b)
			continue;
		if (len < size)
			len += (size_t)ksnprintf(buf + len, size - len, "%s%s %zu -> %zu",
						 differ ? ", " : "",
						 mm_counts_names[i].name, a, b);
		differ++;
	}
	if (size > 0 && len >= size)
		mm_counts_cut(buf, size);
	return differ;
}
