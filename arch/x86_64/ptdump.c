/*
 * arch/x86_64/ptdump.c - page-table dumps (see ptdump.h).  pt_visit()
 * walks; the callbacks here only classify and print.
 */
#include "../../lib/console.h"
#include "../../lib/kstring.h"
#include "../../lib/printf.h"
#include "pt.h"
#include "ptdump.h"

/* Attributes that split a run: what a line shows. */
#define PTDUMP_RUN_BITS (PTE_RW | PTE_US | PTE_XD | PTE_PWT | PTE_PCD | PTE_PAT)

enum ptdump_kind { PTDUMP_HOLE, PTDUMP_MAPPED, PTDUMP_SWAPPED };

struct ptdump_run {
	enum ptdump_kind kind;
	vaddr_t start, last;
	uint64_t attrs;   /* effective, 4 KiB layout, PTDUMP_RUN_BITS */
	int level;
};

struct ptdump_state {
	const struct ptdump_opts *o;  /* NULL: count W+X only */
	size_t next_marker;
	struct ptdump_run run;
	uint64_t wx;
};

/* ---- ranges view -------------------------------------------------------- */

/* "12K", "2M", "1G": the largest unit that divides size exactly. */
static void ptdump_size(char *buf, size_t len, uint64_t size)
{
	static const char units[] = "KMGTP";
	int u = 0;

	size >>= 10;
	while (u < 4 && size >= 1024 && (size & 1023) == 0) {
		size >>= 10;
		u++;
	}
	ksnprintf(buf, len, "%llu%c", (unsigned long long)size, units[u]);
}

/* Memory type of a PAT index, by name; raw bits if the PAT is unknown. */
static void ptdump_cache(char *buf, size_t len, const struct ptdump_opts *o,
			 uint64_t prot)
{
	static const char *const types[8] = {
		"UC", "WC", "?2", "?3", "WT", "WP", "WB", "UC-",
	};
	unsigned int idx = pte_pat_index(prot);

	if (o->pat_known) {
		ksnprintf(buf, len, "%s", types[(o->pat >> (idx * 8)) & 7]);
		return;
	}
	if (idx == 0) {
		ksnprintf(buf, len, "-");
		return;
	}
	ksnprintf(buf, len, "%s%s%s%s%s", (idx & 4) ? "PAT" : "",
		  (idx & 4) && (idx & 3) ? "+" : "", (idx & 2) ? "PCD" : "",
		  (idx & 2) && (idx & 1) ? "+" : "", (idx & 1) ? "PWT" : "");
}

static void ptdump_print_run(const struct ptdump_opts *o,
			     const struct ptdump_run *r)
{
	char size[24], cache[24];

	ptdump_size(size, sizeof(size), r->last - r->start + 1);
	kprintf("%016lx-%016lx  %5s  ", r->start, r->last, size);
	if (r->kind == PTDUMP_SWAPPED) {
		kprintf("swapped\n");
		return;
	}
	ptdump_cache(cache, sizeof(cache), o, r->attrs);
	kprintf("%s  %-2s  %s  %-3s  %s\n", (r->attrs & PTE_RW) ? "RW" : "RO",
		(r->attrs & PTE_XD) ? "NX" : "X", (r->attrs & PTE_US) ? "U" : "S",
		cache, pt_levels[r->level].page_size);
}

static void ptdump_flush(struct ptdump_state *s)
{
	if (s->o && s->run.kind != PTDUMP_HOLE)
		ptdump_print_run(s->o, &s->run);
	s->run.kind = PTDUMP_HOLE;
}

/* Prints the markers at or below va, closing the run before them. */
static void ptdump_markers(struct ptdump_state *s, vaddr_t va, bool all)
{
	const struct ptdump_opts *o = s->o;

	while (o && s->next_marker < o->nmarkers &&
	       (all || o->markers[s->next_marker].start <= va)) {
		ptdump_flush(s);
		kprintf("---[ %s ]---\n", o->markers[s->next_marker].name);
		s->next_marker++;
	}
}

/* Classifies an entry: its run kind and the attributes shown. */
static enum ptdump_kind ptdump_classify(int level, uint64_t e, uint64_t eff,
					uint64_t *attrs)
{
	*attrs = 0;
	if (pt_is_leaf(level, e)) {
		*attrs = pt_leaf_prot(level, eff) & PTDUMP_RUN_BITS;
		return PTDUMP_MAPPED;
	}
	if (level == PT_LEVEL_PT && pte_is_paged_out(e))
		return PTDUMP_SWAPPED;
	return PTDUMP_HOLE;
}

static void ptdump_entry(void *ctx, int level, vaddr_t va, uint64_t e,
			 uint64_t eff)
{
	struct ptdump_state *s = ctx;
	struct ptdump_run *r = &s->run;
	uint64_t attrs;
	enum ptdump_kind kind = ptdump_classify(level, e, eff, &attrs);
	vaddr_t last = va + (pt_span(level) - 1);

	if (kind == PTDUMP_MAPPED && (attrs & PTE_RW) && !(attrs & PTE_XD))
		s->wx += pt_span(level) / PAGE_SIZE;
	ptdump_markers(s, va, false);
	if (r->kind != PTDUMP_HOLE && r->kind == kind && r->attrs == attrs &&
	    r->level == level && r->last + 1 == va) {
		r->last = last;
		return;
	}
	ptdump_flush(s);
	*r = (struct ptdump_run){ kind, va, last, attrs, level };
}

uint64_t ptdump_ranges(paddr_t root, unsigned int levels,
		       const struct ptdump_opts *o)
{
	struct ptdump_state s = { .o = o };
	struct pt_visitor v = { .entry = ptdump_entry, .ctx = &s };

	kprintf("%s\n", o->header);
	pt_visit(root, levels, &v);
	ptdump_flush(&s);
	ptdump_markers(&s, 0, true);
	kprintf("W+X audit: %llu W+X pages %s\n", (unsigned long long)s.wx,
		s.wx ? "(FAIL)" : "(PASS)");
	return s.wx;
}

uint64_t ptdump_wx_count(paddr_t root, unsigned int levels)
{
	struct ptdump_state s = { .o = NULL };
	struct pt_visitor v = { .entry = ptdump_entry, .ctx = &s };

	pt_visit(root, levels, &v);
	return s.wx;
}

/* ---- grid view ---------------------------------------------------------- */

/* Zephyr's (x86_mmu.c) letter for an entry: permission class, uppercase if user. */
static char ptdump_code(int level, uint64_t e)
{
	char c;

	if (level == PT_LEVEL_PT && pte_is_paged_out(e))
		c = 's';
	else if (!(e & PTE_P))
		return '.';
	else if (e & PTE_RW)
		c = (e & PTE_XD) ? 'w' : 'a';
	else
		c = (e & PTE_XD) ? 'r' : 'x';
	return (e & PTE_US) ? (char)(c - 'a' + 'A') : c;
}

static enum con_color ptdump_color(int level, uint64_t e, vaddr_t va)
{
	if (pt_is_leaf(level, e))
		return pt_leaf_addr(level, e) == va ? CON_YELLOW : CON_GREEN;
	if (pt_is_table(level, e))
		return CON_MAGENTA;
	if (level == PT_LEVEL_PT && pte_is_paged_out(e))
		return CON_RED;
	return CON_GREY;
}

/* One grid row: 64 entries' letters and colours. */
struct grid_row {
	char code[64];
	uint8_t color[64];
};

/* bits: the width of the dump's addresses (48 or 57). */
static void grid_row_fill(struct grid_row *r, int level, const uint64_t *t,
			  vaddr_t base, unsigned int first, unsigned int bits)
{
	for (unsigned int i = 0; i < 64; i++) {
		unsigned int n = first + i;
		vaddr_t va = pte_va_canonicalize_w(base + n * pt_span(level),
						   bits);

		r->code[i] = ptdump_code(level, t[n]);
		r->color[i] = (uint8_t)ptdump_color(level, t[n], va);
	}
}

static void grid_row_print(const struct grid_row *r)
{
	int cur = -1;

	for (unsigned int i = 0; i < 64; i++) {
		if (r->color[i] != cur) {
			cur = r->color[i];
			con_color((enum con_color)cur);
		}
		con_write(&r->code[i], 1);
	}
	con_color(CON_DEFAULT);
	con_write("\n", 1);
}

static void grid_repeats_flush(unsigned int *repeats)
{
	if (*repeats)
		kprintf("  ... %u identical row%s\n", *repeats, *repeats > 1 ? "s" : "");
	*repeats = 0;
}

/*
 * Prints one table: its header, then 8 rows of 64 entries.  A row equal
 * (letters and colours) to the one above is not printed again but
 * counted ("  ... N identical rows", as `frames` does), so a firmware
 * that maps 1 TiB in 2 MiB pages prints 3 lines per table, not 9.
 */
static void ptdump_grid_table(void *ctx, int level, paddr_t table,
			      vaddr_t base)
{
	const uint64_t *t = arch_phys_to_ptr(table);
	const unsigned int *levels = ctx;
	struct grid_row rows[2];
	unsigned int repeats = 0;

	kprintf("%s at 0x%016llx: ", pt_levels[level].name,
		(unsigned long long)paddr_raw(table));
	if (level == pt_top(*levels))
		kprintf("entire address space\n");
	else
		kprintf("for 0x%016lx - 0x%016lx\n", base,
			base + (pt_span(level) * PT_ENTRIES - 1));
	for (unsigned int r = 0; r < PT_ENTRIES / 64; r++) {
		struct grid_row *row = &rows[r & 1], *prev = &rows[!(r & 1)];

		grid_row_fill(row, level, t, base, r * 64, pt_va_bits(*levels));
		if (r && memcmp(row, prev, sizeof(*row)) == 0) {
			repeats++;
			continue;
		}
		grid_repeats_flush(&repeats);
		grid_row_print(row);
	}
	grid_repeats_flush(&repeats);
}

void ptdump_grid(paddr_t root, unsigned int levels)
{
	struct pt_visitor v = { .table = ptdump_grid_table, .ctx = &levels };

	pt_visit(root, levels, &v);
}

/* ---- single address ----------------------------------------------------- */

/* Names of the bits set in e (level), space-separated. */
static void ptdump_flags(char *buf, size_t len, int level, uint64_t e)
{
	bool large = level != PT_LEVEL_PT;
	uint64_t pat = large ? PTE_PAT_LARGE : PTE_PAT;
	const struct { uint64_t bit; const char *name; } bits[] = {
		{ PTE_P, "P" }, { PTE_RW, "RW" }, { PTE_US, "US" },
		{ PTE_PWT, "PWT" }, { PTE_PCD, "PCD" }, { PTE_A, "A" },
		{ PTE_D, "D" }, { large ? PTE_PS : 0, "PS" }, { PTE_G, "G" },
		{ pt_is_used_leaf(level, e) ? pat : 0, "PAT" }, { PTE_XD, "XD" },
	};
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(bits) && n < len; i++)
		if (e & bits[i].bit)
			n += ksnprintf(buf + n, len - n, "%s%s", n ? " " : "",
				       bits[i].name);
}

/* One line for one entry of a walk. */
static void ptdump_step(const struct pt_step *st)
{
	const char *name = pt_levels[st->level].name;
	uint64_t e = st->e;
	char flags[64];

	ptdump_flags(flags, sizeof(flags), st->level, e);
	if (st->level == PT_LEVEL_PT && pte_is_paged_out(e)) {
		kprintf("%sE: paged out to slot %llu: %s\n", name,
			(unsigned long long)pte_paged_out_location(e), flags);
		return;
	}
	if (!(e & PTE_P)) {
		kprintf("%sE: not present\n", name);
		return;
	}
	kprintf("%sE: 0x%016lx -> 0x%016llx: %s\n", name, st->base,
		(unsigned long long)(pt_is_leaf(st->level, e) ?
			pt_leaf_addr(st->level, e) :
			e & pt_levels[st->level].table_mask),
		flags);
}

void ptdump_walk(paddr_t root, unsigned int levels, vaddr_t va)
{
	struct pt_path path;

	if (!pte_va_canonical_w(va, pt_va_bits(levels))) {
		kprintf("ptdump: 0x%016lx is not canonical\n", va);
		return;
	}
	pt_walk(root, levels, va, &path);
	for (unsigned int i = 0; i < path.n; i++)
		ptdump_step(&path.step[i]);
}
