/*
 * mm/pfdb.c - the page-frame database (layout and costs: see pfdb.h).
 */
#include "../lib/assert.h"
#include "../lib/console.h"
#include "../lib/errno.h"
#include "../lib/kstring.h"
#include "../lib/printf.h"
#include "arch_hooks.h"
#include "pfdb.h"

#define PFDB_SEG_SHIFT   48
#define PFDB_MAX_SEGS    0xffffu
#define PFDB_MAX_FRAMES  (1ULL << 36)
#define PFDB_ADDR_MASK   0x0000fffffffff000ULL
#define PFDB_DIR_SHIFT   30          /* one directory entry per GiB */
#define PFDB_ROW         64

struct pfdb_seg {
	uint64_t start, end;   /* physical, page-aligned */
	uint64_t first;        /* index of the entry for start */
};

static struct {
	struct page_frame *ent;
	struct pfdb_seg *seg;
	uint16_t *dir;
	size_t nseg, nframes, ndir, nfree, bytes;
	uint64_t free_head;    /* index + 1 of the first free frame; 0: none */
} db;

/* Sizes of a database for map r[0..n): segments, frames, directory. */
struct pfdb_shape {
	size_t nseg, nframes, ndir, bytes;
	const struct mem_range *pool;   /* largest FREE RAM range */
};

static void pfdb_measure(const struct mem_range *r, size_t n,
			 struct pfdb_shape *s)
{
	uint64_t prev_end = ~0ULL, top = 0;

	memset(s, 0, sizeof(*s));
	for (size_t i = 0; i < n; i++) {
		if (!memmap_type_is_ram(r[i].type))
			continue;
		if (r[i].start != prev_end)
			s->nseg++;
		prev_end = r[i].end;
		top = r[i].end;
		s->nframes += (r[i].end - r[i].start) / PAGE_SIZE;
		if (r[i].state == MEM_FREE && (!s->pool ||
		    r[i].end - r[i].start > s->pool->end - s->pool->start))
			s->pool = &r[i];
	}
	s->ndir = ALIGN_UP(top, 1ULL << PFDB_DIR_SHIFT) >> PFDB_DIR_SHIFT;
	s->bytes = ALIGN_UP(s->nframes * sizeof(struct page_frame) +
			    s->nseg * sizeof(struct pfdb_seg) +
			    s->ndir * sizeof(uint16_t), PAGE_SIZE);
}

static uint64_t pfdb_index(const struct page_frame *pf)
{
	ASSERT(pf >= db.ent && pf < db.ent + db.nframes,
	       "pfdb: %p is not a frame", (const void *)pf);
	return (uint64_t)(pf - db.ent);
}

/* Initial flags of a RAM range's frames. */
static uint64_t pfdb_initial_flags(uint32_t state)
{
	if (state == MEM_FREE)
		return PFDB_FREE;
	return state == MEM_EFIMM ? PFDB_PINNED : PFDB_RESERVED;
}

/* Fills segments and entries from the RAM ranges of r. */
static void pfdb_fill(const struct mem_range *r, size_t n)
{
	uint64_t idx = 0;

	db.nseg = 0;
	for (size_t i = 0; i < n; i++) {
		struct pfdb_seg *s = db.nseg ? &db.seg[db.nseg - 1] : NULL;
		uint64_t flags = pfdb_initial_flags(r[i].state);

		if (!memmap_type_is_ram(r[i].type))
			continue;
		if (!s || s->end != r[i].start) {
			s = &db.seg[db.nseg++];
			s->start = r[i].start;
			s->first = idx;
		}
		s->end = r[i].end;
		for (uint64_t p = r[i].start; p < r[i].end; p += PAGE_SIZE)
			db.ent[idx++].bits = flags |
				((uint64_t)(db.nseg - 1) << PFDB_SEG_SHIFT);
	}
}

/* dir[g] = first segment that ends above GiB g. */
static void pfdb_fill_dir(void)
{
	size_t s = 0;

	for (size_t g = 0; g < db.ndir; g++) {
		while (s < db.nseg && db.seg[s].end <= ((uint64_t)g << PFDB_DIR_SHIFT))
			s++;
		db.dir[g] = (uint16_t)s;
	}
}

/* Pushes every FREE frame, highest first, so allocation starts low. */
static void pfdb_build_free_list(void)
{
	db.free_head = 0;
	db.nfree = 0;
	for (uint64_t i = db.nframes; i-- > 0;) {
		if (!(db.ent[i].bits & PFDB_FREE))
			continue;
		db.ent[i].bits = (db.ent[i].bits & ~PFDB_ADDR_MASK) |
				 (db.free_head << PAGE_SHIFT);
		db.free_head = i + 1;
		db.nfree++;
	}
}

int pfdb_init(const struct mem_range *r, size_t n)
{
	struct pfdb_shape s;
	uint64_t base;
	uint8_t *mem;

	pfdb_measure(r, n, &s);
	if (s.nseg > PFDB_MAX_SEGS || s.nframes >= PFDB_MAX_FRAMES)
		return -E2BIG;
	if (!s.pool || s.pool->end - s.pool->start < s.bytes)
		return -ENOMEM;
	base = s.pool->end - s.bytes;
	mem = arch_phys_to_ptr(PADDR(base));
	db.ent = (struct page_frame *)mem;
	db.seg = (struct pfdb_seg *)(mem + s.nframes * sizeof(*db.ent));
	db.dir = (uint16_t *)((uint8_t *)db.seg + s.nseg * sizeof(*db.seg));
	db.nframes = s.nframes;
	db.ndir = s.ndir;
	db.bytes = s.bytes;
	pfdb_fill(r, n);
	pfdb_fill_dir();
	for (uint64_t p = base; p < base + s.bytes; p += PAGE_SIZE) {
		struct page_frame *pf = pfdb_from_phys(PADDR(p));

		pf->bits = (pf->bits & ~(uint64_t)PFDB_FLAGS_MASK) | PFDB_PINNED;
	}
	pfdb_build_free_list();
	return 0;
}

struct page_frame *pfdb_from_phys(paddr_t phys)
{
	uint64_t p = paddr_raw(phys);
	uint64_t g = p >> PFDB_DIR_SHIFT;

	if (g >= db.ndir)
		return NULL;
	for (size_t s = db.dir[g]; s < db.nseg && db.seg[s].start <= p; s++) {
		if (p < db.seg[s].end)
			return &db.ent[db.seg[s].first +
				       ((p - db.seg[s].start) >> PAGE_SHIFT)];
	}
	return NULL;
}

paddr_t pfdb_to_phys(const struct page_frame *pf)
{
	uint64_t i = pfdb_index(pf);
	const struct pfdb_seg *s = &db.seg[pf->bits >> PFDB_SEG_SHIFT];

	return PADDR(s->start + ((i - s->first) << PAGE_SHIFT));
}

struct page_frame *pfdb_alloc(void)
{
	struct page_frame *pf;

	if (db.free_head == 0)
		return NULL;
	pf = &db.ent[db.free_head - 1];
	ASSERT(pfdb_flags(pf) == PFDB_FREE, "pfdb: free list corrupt");
	db.free_head = (pf->bits & PFDB_ADDR_MASK) >> PAGE_SHIFT;
	pf->bits &= ~(PFDB_ADDR_MASK | PFDB_FLAGS_MASK);
	db.nfree--;
	return pf;
}

void pfdb_free(struct page_frame *pf)
{
	uint64_t i = pfdb_index(pf);

	ASSERT((pfdb_flags(pf) & ~PFDB_PINNED) == 0,
	       "pfdb: freeing frame %llx with flags %x",
	       (unsigned long long)paddr_raw(pfdb_to_phys(pf)), pfdb_flags(pf));
	pf->bits = (pf->bits & ~(PFDB_ADDR_MASK | PFDB_FLAGS_MASK)) |
		   PFDB_FREE | (db.free_head << PAGE_SHIFT);
	db.free_head = i + 1;
	db.nfree++;
}

size_t pfdb_frame_index(const struct page_frame *pf)
{
	return (size_t)pfdb_index(pf);
}

struct page_frame *pfdb_frame_at(size_t index)
{
	return index < db.nframes ? &db.ent[index] : NULL;
}

void pfdb_reserve(struct page_frame *pf)
{
	ASSERT(pfdb_flags(pf) == 0, "pfdb: reserving a frame in use (%x)",
	       pfdb_flags(pf));
	pf->bits |= PFDB_RESERVED;
}

static void pfdb_check_owned(const struct page_frame *pf)
{
	ASSERT(!(pfdb_flags(pf) & (PFDB_FREE | PFDB_RESERVED)),
	       "pfdb: frame %llx is free or reserved",
	       (unsigned long long)paddr_raw(pfdb_to_phys(pf)));
}

void pfdb_pin(struct page_frame *pf)
{
	pfdb_check_owned(pf);
	pf->bits |= PFDB_PINNED;
}

void pfdb_unpin(struct page_frame *pf)
{
	pfdb_check_owned(pf);
	pf->bits &= ~(uint64_t)PFDB_PINNED;
}

void pfdb_set_mapped(struct page_frame *pf, vaddr_t va)
{
	pfdb_check_owned(pf);
	ASSERT(IS_ALIGNED(va, PAGE_SIZE) && (va & ~PFDB_ADDR_MASK) == 0,
	       "pfdb: bad va %llx", (unsigned long long)va);
	pf->bits = (pf->bits & ~PFDB_ADDR_MASK) | va | PFDB_MAPPED;
}

void pfdb_set_unmapped(struct page_frame *pf)
{
	pf->bits &= ~(PFDB_ADDR_MASK | PFDB_MAPPED);
}

void pfdb_set_flags(struct page_frame *pf, uint32_t flags)
{
	ASSERT((flags & ~(PFDB_BUSY | PFDB_BACKED)) == 0, "pfdb: flags %x", flags);
	pfdb_check_owned(pf);
	pf->bits |= flags;
}

void pfdb_clear_flags(struct page_frame *pf, uint32_t flags)
{
	ASSERT((flags & ~(PFDB_BUSY | PFDB_BACKED)) == 0, "pfdb: flags %x", flags);
	pf->bits &= ~(uint64_t)flags;
}

vaddr_t pfdb_va(const struct page_frame *pf)
{
	ASSERT(pfdb_flags(pf) & PFDB_MAPPED, "pfdb: frame not mapped");
	return (vaddr_t)(pf->bits & PFDB_ADDR_MASK);
}

size_t pfdb_free_count(void)
{
	return db.nfree;
}

size_t pfdb_frame_count(void)
{
	return db.nframes;
}

size_t pfdb_overhead_bytes(void)
{
	return db.bytes;
}

void pfdb_foreach(pfdb_foreach_fn fn, void *ctx)
{
	for (size_t s = 0; s < db.nseg; s++) {
		const struct pfdb_seg *sg = &db.seg[s];

		for (uint64_t p = sg->start; p < sg->end; p += PAGE_SIZE)
			fn(&db.ent[sg->first + ((p - sg->start) >> PAGE_SHIFT)],
			   PADDR(p), ctx);
	}
}

/* The dump character of a frame and its colour, by precedence. */
static char pfdb_char(uint32_t f, enum con_color *color)
{
	static const struct { uint32_t flag; char c; enum con_color color; } t[] = {
		{ PFDB_RESERVED, 'R', CON_CYAN },
		{ PFDB_BUSY,     'B', CON_MAGENTA },
		{ PFDB_PINNED,   'P', CON_YELLOW },
		{ PFDB_FREE,     '.', CON_GREY },
		{ PFDB_MAPPED,   'M', CON_DEFAULT },
	};

	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		if (f & t[i].flag) {
			*color = t[i].color;
			return t[i].c;
		}
	}
	*color = CON_RED;
	return '?';
}

static void pfdb_count_one(struct page_frame *pf, paddr_t phys, void *ctx)
{
	struct pfdb_counts *c = ctx;
	enum con_color color;

	UNUSED(phys);
	c->total++;
	switch (pfdb_char(pfdb_flags(pf), &color)) {
	case 'R': c->reserved++; break;
	case 'B': c->busy++; break;
	case 'P': c->pinned++; break;
	case '.': c->free++; break;
	case 'M': c->mapped++; break;
	default: c->other++; break;
	}
}

void pfdb_counts(struct pfdb_counts *c)
{
	memset(c, 0, sizeof(*c));
	pfdb_foreach(pfdb_count_one, c);
}

/* Prints one row of the dump, switching colour only when it changes. */
static void pfdb_print_row(const char *row, const uint8_t *colors, size_t len)
{
	size_t i = 0;

	while (i < len) {
		size_t j = i;

		while (j < len && colors[j] == colors[i])
			j++;
		con_color((enum con_color)colors[i]);
		con_write(row + i, j - i);
		i = j;
	}
	con_color(CON_DEFAULT);
	con_write("\n", 1);
}

static void pfdb_flush_repeats(size_t *repeats)
{
	if (*repeats)
		kprintf("  ... %zu identical rows\n", *repeats);
	*repeats = 0;
}

static void pfdb_dump_segment(const struct pfdb_seg *sg)
{
	char row[PFDB_ROW], prev[PFDB_ROW];
	uint8_t colors[PFDB_ROW];
	size_t nframes = (sg->end - sg->start) >> PAGE_SHIFT, repeats = 0;

	kprintf("Physical memory from 0x%llx to 0x%llx\n",
		(unsigned long long)sg->start, (unsigned long long)sg->end);
	for (size_t r = 0; r < nframes; r += PFDB_ROW) {
		size_t len = MIN(PFDB_ROW, nframes - r);

		for (size_t i = 0; i < len; i++) {
			enum con_color c;

			row[i] = pfdb_char(pfdb_flags(&db.ent[sg->first + r + i]), &c);
			colors[i] = (uint8_t)c;
		}
		if (r > 0 && len == PFDB_ROW && memcmp(row, prev, len) == 0) {
			repeats++;
			continue;
		}
		pfdb_flush_repeats(&repeats);
		pfdb_print_row(row, colors, len);
		memcpy(prev, row, len);
	}
	pfdb_flush_repeats(&repeats);
}

void pfdb_dump(void)
{
	struct pfdb_counts c;

	kprintf("Legend: R reserved, B busy, P pinned, . free, M mapped, "
		"? allocated; 64 frames of 4 KiB per row\n");
	for (size_t s = 0; s < db.nseg; s++)
		pfdb_dump_segment(&db.seg[s]);
	pfdb_counts(&c);
	kprintf("frames: %zu total, %zu free, %zu mapped, %zu pinned, "
		"%zu busy, %zu reserved, %zu other\n", c.total, c.free,
		c.mapped, c.pinned, c.busy, c.reserved, c.other);
}
