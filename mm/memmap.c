/*
 * mm/memmap.c - firmware memory-map sanitiser (see memmap.h for the rules).
 *
 * The output array is kept sorted and disjoint at every step: each
 * descriptor is inserted on its own, filling the gaps it covers and
 * splitting the pieces it beats.  That is O(n^2) in the worst case for n
 * descriptors, which is fine for real maps (tens to a few hundred
 * entries) and needs no scratch memory beyond the caller's array.
 */
#include "../lib/errno.h"
#include "../lib/kstring.h"
#include "../lib/printf.h"
#include "memmap.h"

struct memmap_type_info {
	const char *name;
	enum mem_state state;
	bool ram;
};

/* EFI type -> efimm state.  The README copies this table. */
static const struct memmap_type_info memmap_types[FW_MAX_TYPE] = {
	[FW_RESERVED]     = { "reserved",     MEM_RESERVED, false },
	[FW_LOADER_CODE]  = { "loader-code",  MEM_EFIMM,    true  },
	[FW_LOADER_DATA]  = { "loader-data",  MEM_EFIMM,    true  },
	[FW_BS_CODE]      = { "bs-code",      MEM_FREE,     true  },
	[FW_BS_DATA]      = { "bs-data",      MEM_FREE,     true  },
	[FW_RT_CODE]      = { "rt-code",      MEM_RESERVED, true  },
	[FW_RT_DATA]      = { "rt-data",      MEM_RESERVED, true  },
	[FW_CONVENTIONAL] = { "conventional", MEM_FREE,     true  },
	[FW_UNUSABLE]     = { "unusable",     MEM_RESERVED, true  },
	[FW_ACPI_RECLAIM] = { "acpi-reclaim", MEM_RESERVED, true  },
	[FW_ACPI_NVS]     = { "acpi-nvs",     MEM_RESERVED, true  },
	[FW_MMIO]         = { "mmio",         MEM_RESERVED, false },
	[FW_MMIO_PORT]    = { "mmio-port",    MEM_RESERVED, false },
	[FW_PAL_CODE]     = { "pal-code",     MEM_RESERVED, true  },
	[FW_PERSISTENT]   = { "persistent",   MEM_RESERVED, false },
	[FW_UNACCEPTED]   = { "unaccepted",   MEM_RESERVED, false },
};

enum mem_state memmap_type_state(uint32_t type)
{
	return type < FW_MAX_TYPE ? memmap_types[type].state : MEM_RESERVED;
}

bool memmap_type_is_ram(uint32_t type)
{
	return type < FW_MAX_TYPE && memmap_types[type].ram;
}

const char *memmap_type_name(uint32_t type)
{
	return type < FW_MAX_TYPE ? memmap_types[type].name : "unknown";
}

const char *memmap_state_name(uint32_t state)
{
	static const char *const names[] = { "free", "efimm", "reserved" };

	return state < ARRAY_SIZE(names) ? names[state] : "?";
}

/* The working state of one sanitise call. */
struct memmap_ctx {
	struct mem_range *out;
	size_t n, cap;
	const struct memmap_opts *opts;
	struct memmap_stats *stats;
};

/* How one insertion treats the map: add descriptors, or release owned
 * pools (pre-boot mode: turn EFIMM pieces FREE, never fill gaps). */
enum memmap_mode { MEMMAP_ADD, MEMMAP_RELEASE };

/* Reads descriptor i without assuming alignment of the buffer. */
static struct fw_desc memmap_desc(const void *map, size_t desc_size, size_t i)
{
	struct fw_desc d;

	memcpy(&d, (const uint8_t *)map + i * desc_size, sizeof(d));
	return d;
}

/*
 * Checks rule 1 for every descriptor.  Returns 0 or -EINVAL.  A reserved
 * range is grown outward to PAGE_SIZE later, so its rounded end must fit
 * too.
 */
static int memmap_validate(const void *map, size_t map_size, size_t desc_size)
{
	if (desc_size < FW_DESC_MIN_SIZE || map_size % desc_size != 0)
		return -EINVAL;
	for (size_t i = 0; i < map_size / desc_size; i++) {
		struct fw_desc d = memmap_desc(map, desc_size, i);
		uint64_t max_pages = (~0ULL - d.phys_start) / FW_PAGE_SIZE;

		if (d.num_pages > max_pages)
			return -EINVAL;
		if (d.phys_start + d.num_pages * FW_PAGE_SIZE >
		    ~0ULL - PAGE_SIZE + 1)
			return -EINVAL;
	}
	return 0;
}

/*
 * Turns descriptor d into a page-aligned range (rules 2 and 3).  Returns
 * false if no whole page is left.
 */
static bool memmap_round(const struct fw_desc *d, bool bs_up,
			 struct mem_range *r)
{
	uint64_t end = d->phys_start + d->num_pages * FW_PAGE_SIZE;

	r->type = d->type;
	r->state = memmap_type_state(d->type);
	if (bs_up && r->state == MEM_FREE)
		r->state = MEM_RESERVED;
	if (r->state == MEM_RESERVED) {
		r->start = ALIGN_DOWN(d->phys_start, PAGE_SIZE);
		r->end = ALIGN_UP(end, PAGE_SIZE);
	} else {
		r->start = ALIGN_UP(d->phys_start, PAGE_SIZE);
		r->end = ALIGN_DOWN(end, PAGE_SIZE);
		/* Rule 3b: frame 0 is reachable only through page 0, which
		 * is never mapped, so it is never handed out. */
		if (r->start == 0)
			r->start = PAGE_SIZE;
	}
	return d->num_pages != 0 && r->start < r->end;
}

/* True if a beats b (rule 4). */
static bool memmap_wins(const struct mem_range *a, const struct mem_range *b)
{
	if (a->state != b->state)
		return a->state > b->state;
	return a->type > b->type;
}

/* Inserts r at index i, shifting the rest up.  Returns 0 or -ENOSPC. */
static int memmap_insert_at(struct memmap_ctx *c, size_t i,
			    const struct mem_range *r)
{
	if (c->n == c->cap)
		return -ENOSPC;
	memmove(&c->out[i + 1], &c->out[i], (c->n - i) * sizeof(*r));
	c->out[i] = *r;
	c->n++;
	return 0;
}

static void memmap_report(struct memmap_ctx *c, const struct mem_range *add,
			  const struct mem_range *old, uint32_t kept)
{
	c->stats->overlaps++;
	if (c->opts->on_overlap) {
		c->opts->on_overlap(c->opts->ctx, add, old, kept);
		return;
	}
	kprintf("memmap: overlap: %s 0x%llx-0x%llx with %s 0x%llx-0x%llx, "
		"keeping %s\n", memmap_type_name(add->type),
		(unsigned long long)add->start, (unsigned long long)add->end,
		memmap_type_name(old->type), (unsigned long long)old->start,
		(unsigned long long)old->end, memmap_type_name(kept));
}

/*
 * Replaces [lo, hi) inside out[i] (which covers it) by r's state and
 * type, splitting out[i] into up to three pieces.  On return *i indexes
 * the replaced piece.  Returns 0 or -ENOSPC.
 */
static int memmap_split(struct memmap_ctx *c, size_t *i, uint64_t lo,
			uint64_t hi, const struct mem_range *r)
{
	struct mem_range old = c->out[*i];
	struct mem_range mid = { lo, hi, r->type, r->state };
	int err;

	if (hi < old.end) {
		struct mem_range tail = old;

		tail.start = hi;
		err = memmap_insert_at(c, *i + 1, &tail);
		if (err)
			return err;
	}
	c->out[*i] = mid;
	if (lo > old.start) {
		struct mem_range head = old;

		head.end = lo;
		err = memmap_insert_at(c, *i, &head);
		if (err)
			return err;
		(*i)++;
	}
	return 0;
}

/* Handles the part of r at cur that overlaps out[*i]; advances *i. */
static int memmap_overlap(struct memmap_ctx *c, size_t *i, uint64_t cur,
			  const struct mem_range *r, enum memmap_mode mode)
{
	struct mem_range old = c->out[*i];
	uint64_t hi = MIN(old.end, r->end);
	bool take;
	int err;

	if (mode == MEMMAP_RELEASE) {
		take = old.state == MEM_EFIMM;
	} else {
		take = memmap_wins(r, &old);
		memmap_report(c, r, &old, take ? r->type : old.type);
	}
	if (take) {
		struct mem_range nr = { 0, 0, old.type, MEM_FREE };

		err = memmap_split(c, i, cur, hi, mode == MEMMAP_ADD ? r : &nr);
		if (err)
			return err;
	}
	(*i)++;
	return 0;
}

/* Inserts r into the sorted, disjoint array.  Returns 0 or -ENOSPC. */
static int memmap_add(struct memmap_ctx *c, const struct mem_range *r,
		      enum memmap_mode mode)
{
	uint64_t cur = r->start;
	size_t i = 0;
	int err;

	while (i < c->n && c->out[i].end <= cur)
		i++;
	while (cur < r->end) {
		struct mem_range gap = *r;

		if (i == c->n || c->out[i].start >= r->end) {
			gap.start = cur;
			return mode == MEMMAP_ADD ? memmap_insert_at(c, i, &gap) : 0;
		}
		if (c->out[i].start > cur) {
			gap.start = cur;
			gap.end = c->out[i].start;
			err = mode == MEMMAP_ADD ? memmap_insert_at(c, i++, &gap) : 0;
			cur = gap.end;
		} else {
			uint64_t next = MIN(c->out[i].end, r->end);

			err = memmap_overlap(c, &i, cur, r, mode);
			cur = next;
		}
		if (err)
			return err;
	}
	return 0;
}

/* Rule 5: merges neighbours with equal state and type, in place. */
static size_t memmap_merge(struct mem_range *out, size_t n)
{
	size_t w = 0;

	for (size_t i = 0; i < n; i++) {
		struct mem_range *p = w ? &out[w - 1] : NULL;

		if (p && p->end == out[i].start && p->state == out[i].state &&
		    p->type == out[i].type)
			p->end = out[i].end;
		else
			out[w++] = out[i];
	}
	return w;
}

/* Pre-boot mode: releases the caller's own pools (see memmap.h). */
static int memmap_release_owned(struct memmap_ctx *c)
{
	for (size_t k = 0; k < c->opts->nowned; k++) {
		struct mem_range r = c->opts->owned[k];

		r.start = ALIGN_UP(r.start, PAGE_SIZE);
		r.end = ALIGN_DOWN(r.end, PAGE_SIZE);
		if (r.start < r.end) {
			int err = memmap_add(c, &r, MEMMAP_RELEASE);

			if (err)
				return err;
		}
	}
	return 0;
}

int memmap_free_bytes(const void *map, size_t map_size, size_t desc_size,
		      uint64_t *free_bytes, uint64_t *ram_bytes)
{
	uint64_t free = 0, ram = 0;
	int err = memmap_validate(map, map_size, desc_size);

	if (err)
		return err;
	for (size_t i = 0; i < map_size / desc_size; i++) {
		struct fw_desc d = memmap_desc(map, desc_size, i);
		uint64_t bytes = d.num_pages * FW_PAGE_SIZE;

		if (memmap_type_state(d.type) == MEM_FREE)
			free += bytes;
		if (memmap_type_is_ram(d.type))
			ram += bytes;
	}
	*free_bytes = free;
	if (ram_bytes)
		*ram_bytes = ram;
	return 0;
}

int memmap_sanitize(const void *map, size_t map_size, size_t desc_size,
		    const struct memmap_opts *opts, struct mem_range *out,
		    size_t cap, struct memmap_stats *stats)
{
	static const struct memmap_opts no_opts;
	struct memmap_stats no_stats;
	struct memmap_ctx c = { out, 0, cap, opts ? opts : &no_opts,
				stats ? stats : &no_stats };
	int err = memmap_validate(map, map_size, desc_size);

	if (err)
		return err;
	memset(c.stats, 0, sizeof(*c.stats));
	c.stats->descs = map_size / desc_size;
	for (size_t i = 0; i < c.stats->descs; i++) {
		struct fw_desc d = memmap_desc(map, desc_size, i);
		struct mem_range r;

		if (!memmap_round(&d, c.opts->boot_services_up, &r)) {
			c.stats->zero_pages++;
			continue;
		}
		err = memmap_add(&c, &r, MEMMAP_ADD);
		if (err)
			return err;
	}
	if (c.opts->boot_services_up) {
		err = memmap_release_owned(&c);
		if (err)
			return err;
	}
	return (int)memmap_merge(out, c.n);
}
