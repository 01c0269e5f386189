/*
 * mm/pfdb_dump.c - the `frames` grid and the per-state counts of the
 * page-frame database (format in pfdb.h); reads the database only
 * through pfdb.h.
 */
#include "../lib/console.h"
#include "../lib/kstring.h"
#include "../lib/printf.h"
#include "pfdb.h"

#define PFDB_ROW 64     /* frames per row of the grid */

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
	c->free -= pfdb_held_count();           /* FREE entries pfdb_cap holds */
	c->reserved += pfdb_held_count();
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

static void pfdb_dump_segment(const struct pfdb_span *sg)
{
	char row[PFDB_ROW], prev[PFDB_ROW];
	uint8_t colors[PFDB_ROW];
	uint64_t start = paddr_raw(sg->start), end = paddr_raw(sg->end);
	size_t nframes = (end - start) >> PAGE_SHIFT, repeats = 0;

	kprintf("Physical memory from 0x%llx to 0x%llx\n",
		(unsigned long long)start, (unsigned long long)end);
	for (size_t r = 0; r < nframes; r += PFDB_ROW) {
		size_t len = MIN(PFDB_ROW, nframes - r);

		for (size_t i = 0; i < len; i++) {
			enum con_color c;

			row[i] = pfdb_char(pfdb_flags(pfdb_frame_at(sg->first + r + i)), &c);
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
	struct pfdb_span sg;

	kprintf("Legend: R reserved, B busy, P pinned, . free, M mapped, "
		"? allocated; 64 frames of 4 KiB per row\n");
	for (size_t s = 0; pfdb_segment(s, &sg); s++)
		pfdb_dump_segment(&sg);
	pfdb_counts(&c);
	kprintf("frames: %zu total, %zu free, %zu mapped, %zu pinned, "
		"%zu busy, %zu reserved, %zu other\n", c.total, c.free,
		c.mapped, c.pinned, c.busy, c.reserved, c.other);
}
