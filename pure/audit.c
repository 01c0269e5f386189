/*
 * pure/audit.c - the audit's rules over a snapshot, and its printer
 * (contracts and output format in audit.h).
 *
 * Every walk-dependent rule gathers its offending pieces through struct
 * offenders, which merges contiguous pieces with the same label into
 * ranges, keeps the first AUDIT_MAX_RANGES and counts them all.
 */
#include "audit.h"
#include "memmap_fmt.h"

#include "../lib/errno.h"
#include "../lib/kstring.h"
#include "../lib/printf.h"

#define PG FWSNAP_PAGE_SIZE
#define VA_LAST (FWSNAP_VA_END - 1)

struct audit_ctx {
	const struct fwsnap *s;
	int pt_err;             /* the full walk's result */
	uint64_t pt_bad;
	uint64_t mapped;        /* bytes the full walk found */
	int mat_err;
	const char *mat_why;
	struct fwsnap_mat_header mat;
	size_t nmap;
};

/* ---- verdicts and offenders ---------------------------------------------- */

/* Sets v's result and its detail (printf format, truncated to fit). */
__attribute__((format(printf, 3, 4)))
static void say(struct audit_verdict *v, enum audit_result res, const char *fmt, ...)
{
	va_list ap;

	v->result = res;
	va_start(ap, fmt);
	kvsnprintf(v->detail, sizeof(v->detail), fmt, ap);
	va_end(ap);
}

struct offenders {
	struct audit_verdict *v;
	bool open;
	struct audit_range cur;
	uint64_t bytes;
};

/* Closes the open range: counted, kept if among the first. */
static void off_flush(struct offenders *o)
{
	if (!o->open)
		return;
	o->v->count++;
	if (o->v->nfirst < AUDIT_MAX_RANGES)
		o->v->first[o->v->nfirst++] = o->cur;
	o->open = false;
}

/* Adds [start, last] (last >= start) under label, merging with the open
 * range when it continues it. */
static void off_add(struct offenders *o, uint64_t start, uint64_t last,
		    const char *label)
{
	o->bytes += last - start + 1;
	if (o->open && o->cur.last != UINT64_MAX && start == o->cur.last + 1 &&
	    !strcmp(label, o->cur.label)) {
		o->cur.last = last;
		return;
	}
	off_flush(o);
	o->cur.start = start;
	o->cur.last = last;
	str_copy(o->cur.label, label, sizeof(o->cur.label));
	o->open = true;
}

/* Closes o; returns how many ranges offended in all. */
static uint64_t off_done(struct offenders *o)
{
	off_flush(o);
	return o->v->count;
}

/* ---- scans of the tables ------------------------------------------------- */

enum want { WANT_W, WANT_X, WANT_WX, WANT_ANY };

struct scan {
	struct offenders *o;
	enum want want;
	const char *label;
	uint64_t mapped;
};

/* True if a leaf has what the scan looks for. */
static bool offends(const struct fwsnap_leaf *l, enum want want)
{
	switch (want) {
	case WANT_W:
		return l->write;
	case WANT_X:
		return l->exec;
	case WANT_WX:
		return l->write && l->exec;
	default:
		return true;
	}
}

/* fwsnap_walk's callback: counts mapped bytes, collects offenders. */
static void scan_leaf(void *ctx, const struct fwsnap_leaf *l)
{
	struct scan *sc = ctx;

	sc->mapped += l->size;
	if (offends(l, sc->want))
		off_add(sc->o, l->va, l->va + l->size - 1, sc->label);
}

/* Adds the mapped pieces of [lo, hi] (clipped to the walk's space) that
 * have want to o; returns the bytes mapped there, or 0 on a walk error
 * (the audit checked the full walk first). */
static uint64_t scan(const struct audit_ctx *c, uint64_t lo, uint64_t hi,
		     enum want want, const char *label, struct offenders *o)
{
	struct scan sc = { .o = o, .want = want, .label = label };

	if (lo > VA_LAST)
		return 0;
	fwsnap_walk(c->s, lo, MIN(hi, VA_LAST), scan_leaf, &sc, NULL);
	return sc.mapped;
}

/* Last byte of n pages from start, saturating. */
static uint64_t span_last(uint64_t start, uint64_t pages)
{
	if (pages > (UINT64_MAX - start) / PG)
		return UINT64_MAX;
	return start + pages * PG - 1;
}

/* True (and v SKIP) if the tables could not be walked. */
static bool walk_skip(const struct audit_ctx *c, struct audit_verdict *v)
{
	if (!c->pt_err)
		return false;
	say(v, AUDIT_SKIP, "page tables not walkable (see page-tables)");
	return true;
}

/* ---- CPU and tables ------------------------------------------------------ */

/* page-tables: the full walk from CR3 worked (its error decides FAIL or SKIP). */
static void rule_page_tables(const struct audit_ctx *c, struct audit_verdict *v)
{
	const struct fwsnap *s = c->s;

	if (!s->npt)
		say(v, AUDIT_SKIP, "no page tables in the snapshot");
	else if (!c->pt_err)
		say(v, AUDIT_PASS, "%zu table pages from CR3 0x%llx, %llu MiB mapped",
		    s->npt, (unsigned long long)s->cr3, (unsigned long long)(c->mapped >> 20));
	else if (c->pt_err == -FWSNAP_ELOOP) {
		say(v, AUDIT_FAIL, "1 table is its own ancestor (a loop)");
		v->first[0] = (struct audit_range){ c->pt_bad, c->pt_bad + PG - 1, "table" };
		v->nfirst = 1;
		v->count = 1;
	} else if (c->pt_err == -ENOENT)
		say(v, AUDIT_SKIP, "table page 0x%llx not in the snapshot (%zu kept, %zu dropped)",
		    (unsigned long long)c->pt_bad, s->npt, s->pt_dropped);
	else if (c->pt_err == -ENOTSUP)
		say(v, AUDIT_SKIP, "5-level paging (CR4.LA57) not supported");
	else
		say(v, AUDIT_SKIP, "over %u table visits", FWSNAP_WALK_MAX_TABLES);
}

/* write-protect: CR0.WP, without which ring 0 writes ignore R/W. */
static void rule_write_protect(const struct audit_ctx *c, struct audit_verdict *v)
{
	if (c->s->cr0 & FWSNAP_CR0_WP)
		say(v, AUDIT_PASS, "CR0.WP set");
	else
		say(v, AUDIT_FAIL, "CR0.WP clear: ring 0 writes ignore read-only pages");
}

/* nx-enabled: EFER.NXE, without which no XD bit counts. */
static void rule_nx_enabled(const struct audit_ctx *c, struct audit_verdict *v)
{
	if (c->s->efer & FWSNAP_EFER_NXE)
		say(v, AUDIT_PASS, "EFER.NXE set");
	else
		say(v, AUDIT_FAIL, "EFER.NXE clear: no page can be non-executable");
}

/* null-page: nothing mapped at [0, 4 KiB). */
static void rule_null_page(const struct audit_ctx *c, struct audit_verdict *v)
{
	struct offenders o = { .v = v };

	if (walk_skip(c, v))
		return;
	scan(c, 0, PG - 1, WANT_ANY, "", &o);
	if (off_done(&o))
		say(v, AUDIT_FAIL, "1 range: page 0 is mapped");
	else
		say(v, AUDIT_PASS, "page 0 not present");
}

/* no-wx: no mapped page both writable and executable, anywhere. */
static void rule_no_wx(const struct audit_ctx *c, struct audit_verdict *v)
{
	struct offenders o = { .v = v };

	if (walk_skip(c, v))
		return;
	scan(c, 0, VA_LAST, WANT_WX, "", &o);
	if (off_done(&o))
		say(v, AUDIT_FAIL, "%llu W+X ranges (%llu pages)",
		    (unsigned long long)v->count, (unsigned long long)(o.bytes / PG));
	else
		say(v, AUDIT_PASS, "no page both writable and executable");
}

/* ---- memory-map types --------------------------------------------------- */

/* Map types that must never be executable: device and reserved memory. */
static bool type_is_mmio_or_reserved(uint32_t t)
{
	return t == FW_MMIO || t == FW_MMIO_PORT || t == FW_RESERVED;
}

/* Free memory. */
static bool type_is_free(uint32_t t)
{
	return t == FW_CONVENTIONAL;
}

/* The mapped parts of every map range whose type pick() accepts, checked
 * for executable pages.  Returns how many ranges were checked. */
static size_t scan_types(const struct audit_ctx *c, bool (*pick)(uint32_t),
			 struct offenders *o)
{
	size_t n = 0;

	for (size_t i = 0; i < c->nmap; i++) {
		struct fw_desc d = fwsnap_map_desc(c->s, i);

		if (!pick(d.type) || !d.num_pages)
			continue;
		n++;
		scan(c, d.phys_start, span_last(d.phys_start, d.num_pages), WANT_X,
		     memmap_fmt_type_name(d.type), o);
	}
	return n;
}

/* The verdict of a rule "mapped pages of these map types are NX". */
static void rule_types_nx(const struct audit_ctx *c, struct audit_verdict *v,
			  bool (*pick)(uint32_t), const char *what)
{
	struct offenders o = { .v = v };
	size_t n;

	if (walk_skip(c, v))
		return;
	if (!c->nmap) {
		say(v, AUDIT_SKIP, "memory map unreadable");
		return;
	}
	n = scan_types(c, pick, &o);
	if (off_done(&o))
		say(v, AUDIT_FAIL, "%llu executable %s ranges (%llu pages)",
		    (unsigned long long)v->count, what, (unsigned long long)(o.bytes / PG));
	else
		say(v, AUDIT_PASS, "%zu %s ranges, none executable", n, what);
}

/* mmio-nx: MMIO, MMIO_Port and Reserved ranges non-executable. */
static void rule_mmio_nx(const struct audit_ctx *c, struct audit_verdict *v)
{
	rule_types_nx(c, v, type_is_mmio_or_reserved, "MMIO/reserved");
}

/* free-nx: Conventional ranges non-executable. */
static void rule_free_nx(const struct audit_ctx *c, struct audit_verdict *v)
{
	rule_types_nx(c, v, type_is_free, "free");
}

/* ---- loaded images ------------------------------------------------------- */

/* A section is code if marked executable or as holding code. */
static bool section_is_code(const struct fwsnap_section *sec)
{
	return sec->characteristics & (FWSNAP_SCN_MEM_EXEC | FWSNAP_SCN_CNT_CODE);
}

/* Checks one section's pages (rounded out to 4 KiB) for want. */
static void scan_section(const struct audit_ctx *c, const struct fwsnap_image *im,
			 const struct fwsnap_section *sec, enum want want,
			 struct offenders *o)
{
	char label[AUDIT_LABEL_MAX];
	uint64_t start = im->base + sec->rva;

	if (!sec->size || start < im->base || start > UINT64_MAX - sec->size - PG)
		return;
	ksnprintf(label, sizeof(label), "%s %s", im->name, sec->name);
	scan(c, ALIGN_DOWN(start, PG), ALIGN_UP(start + sec->size, PG) - 1, want,
	     label, o);
}

struct image_count {
	size_t sections, images, unreadable;
};

/* Scans the sections of every image that are code (code == true) or
 * data for want. */
static struct image_count scan_images(const struct audit_ctx *c, bool code,
				      enum want want, struct offenders *o)
{
	struct image_count n = { 0 };

	for (size_t i = 0; i < c->s->nimg; i++) {
		const struct fwsnap_image *im = &c->s->img[i];

		n.images++;
		if (!im->pe_ok) {
			n.unreadable++;
			continue;
		}
		for (uint32_t k = 0; k < im->nsect && k < FWSNAP_MAX_SECTIONS; k++) {
			if (section_is_code(&im->sect[k]) != code)
				continue;
			n.sections++;
			scan_section(c, im, &im->sect[k], want, o);
		}
	}
	return n;
}

/* The verdict of image-code-ro (code) or image-data-nx (!code). */
static void rule_image(const struct audit_ctx *c, struct audit_verdict *v,
		       bool code)
{
	struct offenders o = { .v = v };
	const char *what = code ? "code" : "data";
	struct image_count n;

	if (walk_skip(c, v))
		return;
	if (!c->s->nimg || !c->s->img) {
		say(v, AUDIT_SKIP, "no loaded images in the snapshot");
		return;
	}
	n = scan_images(c, code, code ? WANT_W : WANT_X, &o);
	if (off_done(&o))
		say(v, AUDIT_FAIL, "%llu %s ranges (%llu pages)", (unsigned long long)v->count,
		    code ? "writable code" : "executable data",
		    (unsigned long long)(o.bytes / PG));
	else if (n.unreadable)
		say(v, AUDIT_WARN, "%zu %s sections of %zu images fine; %zu images without readable PE headers",
		    n.sections, what, n.images, n.unreadable);
	else
		say(v, AUDIT_PASS, "%zu %s sections of %zu images %s", n.sections, what,
		    n.images, code ? "read-only" : "non-executable");
}

/* image-code-ro: code sections not writable. */
static void rule_image_code_ro(const struct audit_ctx *c, struct audit_verdict *v)
{
	rule_image(c, v, true);
}

/* image-data-nx: other sections not executable. */
static void rule_image_data_nx(const struct audit_ctx *c, struct audit_verdict *v)
{
	rule_image(c, v, false);
}

/* ---- the stack ------------------------------------------------------------- */

/* The highest unmapped page below page (within AUDIT_STACK_SEARCH), or
 * UINT64_MAX if there is none. */
static uint64_t stack_guard(const struct audit_ctx *c, uint64_t page)
{
	struct fwsnap_leaf l;

	for (uint64_t k = PG; k <= AUDIT_STACK_SEARCH && k <= page; k += PG)
		if (fwsnap_lookup(c->s, page - k, &l) == 0)
			return page - k;
	return UINT64_MAX;
}

/* stack-nx-guard: the stack up to RSP's page NX, an unmapped page below
 * it within AUDIT_STACK_SEARCH. */
static void rule_stack(const struct audit_ctx *c, struct audit_verdict *v)
{
	struct offenders o = { .v = v };
	uint64_t rsp = c->s->rsp & VA_LAST, page = ALIGN_DOWN(rsp, PG), guard, low;

	if (walk_skip(c, v))
		return;
	if (!c->s->rsp) {
		say(v, AUDIT_SKIP, "no stack pointer in the snapshot");
		return;
	}
	guard = stack_guard(c, page);
	low = guard != UINT64_MAX ? guard + PG
				  : page - MIN(page, AUDIT_STACK_SEARCH);
	scan(c, low, page + PG - 1, WANT_X, "stack", &o);
	if (off_done(&o))
		say(v, AUDIT_FAIL, "%llu executable stack ranges at or below RSP 0x%llx%s",
		    (unsigned long long)v->count, (unsigned long long)c->s->rsp,
		    guard == UINT64_MAX ? ", no unmapped guard page below" : "");
	else if (guard == UINT64_MAX) {
		say(v, AUDIT_FAIL, "1 range: no unmapped guard page in the %llu KiB below RSP 0x%llx",
		    AUDIT_STACK_SEARCH >> 10, (unsigned long long)c->s->rsp);
		off_add(&o, low, page + PG - 1, "stack");
		off_done(&o);
	} else
		say(v, AUDIT_PASS, "stack 0x%llx-0x%llx non-executable, guard page 0x%llx unmapped",
		    (unsigned long long)low, (unsigned long long)(page + PG - 1),
		    (unsigned long long)guard);
}

/* ---- the Memory Attributes Table ----------------------------------------- */

/* True (and v SKIP) if there is no usable MAT. */
static bool mat_skip(const struct audit_ctx *c, struct audit_verdict *v)
{
	if (!c->mat_err)
		return false;
	say(v, AUDIT_SKIP, "no usable Memory Attributes Table (see mat-present)");
	return true;
}

/* mat-present: the MAT is there and well-formed. */
static void rule_mat_present(const struct audit_ctx *c, struct audit_verdict *v)
{
	if (c->mat_err == -ENOENT)
		say(v, AUDIT_FAIL, "no Memory Attributes Table");
	else if (c->mat_err)
		say(v, AUDIT_FAIL, "Memory Attributes Table malformed: %s", c->mat_why);
	else
		say(v, AUDIT_PASS, "version %u, %u entries, flags 0x%x", c->mat.version,
		    c->mat.entries, c->mat.flags);
}

/* Adds descriptor d's range (at least one page) to o. */
static void off_desc(struct offenders *o, const struct fw_desc *d, const char *label)
{
	off_add(o, d->phys_start, span_last(d->phys_start, d->num_pages ? d->num_pages : 1),
		label);
}

/* mat-sorted: entries ascending, none overlapping the one before. */
static void rule_mat_sorted(const struct audit_ctx *c, struct audit_verdict *v)
{
	struct offenders o = { .v = v };
	uint64_t next = 0;

	if (mat_skip(c, v))
		return;
	for (size_t i = 0; i < c->mat.entries; i++) {
		struct fw_desc d = fwsnap_mat_desc(c->s, &c->mat, i);

		if (i && d.phys_start < next)
			off_desc(&o, &d, memmap_fmt_type_name(d.type));
		else
			next = span_last(d.phys_start, d.num_pages) + 1;
	}
	if (off_done(&o))
		say(v, AUDIT_FAIL, "%llu entries out of order or overlapping",
		    (unsigned long long)v->count);
	else
		say(v, AUDIT_PASS, "%u entries sorted, no overlaps", c->mat.entries);
}

/* The end of the runtime map range holding addr in *last (true), or the
 * start of the next one above addr in *last (false; UINT64_MAX if none). */
static bool runtime_at(const struct audit_ctx *c, uint64_t addr, uint64_t *last)
{
	uint64_t next = UINT64_MAX;

	for (size_t i = 0; i < c->nmap; i++) {
		struct fw_desc d = fwsnap_map_desc(c->s, i);
		uint64_t l = span_last(d.phys_start, d.num_pages);

		if (!(d.attribute & FW_ATTR_RUNTIME) || !d.num_pages)
			continue;
		if (addr >= d.phys_start && addr <= l) {
			*last = l;
			return true;
		}
		if (d.phys_start > addr)
			next = MIN(next, d.phys_start);
	}
	*last = next;
	return false;
}

/* Adds the parts of [start, last] outside runtime map ranges to o. */
static void uncovered(const struct audit_ctx *c, uint64_t start, uint64_t last,
		      const char *label, struct offenders *o)
{
	uint64_t pos = start, bound, end;

	for (;;) {
		if (runtime_at(c, pos, &bound)) {
			if (bound >= last)
				return;
			pos = bound + 1;
			continue;
		}
		end = (bound == UINT64_MAX || bound - 1 >= last) ? last : bound - 1;
		off_add(o, pos, end, label);
		if (end == last)
			return;
		pos = bound;
	}
}

/* mat-in-runtime: every entry inside map ranges with EFI_MEMORY_RUNTIME. */
static void rule_mat_in_runtime(const struct audit_ctx *c, struct audit_verdict *v)
{
	struct offenders o = { .v = v };

	if (mat_skip(c, v))
		return;
	if (!c->nmap) {
		say(v, AUDIT_SKIP, "memory map unreadable");
		return;
	}
	for (size_t i = 0; i < c->mat.entries; i++) {
		struct fw_desc d = fwsnap_mat_desc(c->s, &c->mat, i);

		if (d.num_pages)
			uncovered(c, d.phys_start, span_last(d.phys_start, d.num_pages),
				  memmap_fmt_type_name(d.type), &o);
	}
	if (off_done(&o))
		say(v, AUDIT_FAIL, "%llu ranges outside the map's runtime ranges (%llu pages)",
		    (unsigned long long)v->count, (unsigned long long)(o.bytes / PG));
	else
		say(v, AUDIT_PASS, "%u entries inside runtime ranges", c->mat.entries);
}

/* A MAT rule on attributes alone: the entries of type (code: the
 * executable ones) must have the attribute need. */
static void rule_mat_attr(const struct audit_ctx *c, struct audit_verdict *v,
			  uint32_t type, uint64_t need, const char *what)
{
	struct offenders o = { .v = v };
	size_t n = 0;

	if (mat_skip(c, v))
		return;
	for (size_t i = 0; i < c->mat.entries; i++) {
		struct fw_desc d = fwsnap_mat_desc(c->s, &c->mat, i);

		if (d.type != type || (type == FW_RT_CODE && (d.attribute & FW_ATTR_XP)))
			continue;
		n++;
		if (!(d.attribute & need))
			off_desc(&o, &d, memmap_fmt_type_name(d.type));
	}
	if (off_done(&o))
		say(v, AUDIT_FAIL, "%llu %s entries without %s", (unsigned long long)v->count,
		    what, need == FW_ATTR_RO ? "RO" : "XP");
	else
		say(v, AUDIT_PASS, "%zu %s entries %s", n, what,
		    need == FW_ATTR_RO ? "RO+X" : "NX");
}

/* mat-code-rox: executable RT_Code entries carry RO. */
static void rule_mat_code_rox(const struct audit_ctx *c, struct audit_verdict *v)
{
	rule_mat_attr(c, v, FW_RT_CODE, FW_ATTR_RO, "code");
}

/* mat-data-nx: RT_Data entries carry XP. */
static void rule_mat_data_nx(const struct audit_ctx *c, struct audit_verdict *v)
{
	rule_mat_attr(c, v, FW_RT_DATA, FW_ATTR_XP, "data");
}

/* mat-agrees: no live page has more rights than its MAT entry. */
static void rule_mat_agrees(const struct audit_ctx *c, struct audit_verdict *v)
{
	struct offenders o = { .v = v };

	if (walk_skip(c, v) || mat_skip(c, v))
		return;
	for (size_t i = 0; i < c->mat.entries; i++) {
		struct fw_desc d = fwsnap_mat_desc(c->s, &c->mat, i);
		uint64_t last = span_last(d.phys_start, d.num_pages);

		if (!d.num_pages)
			continue;
		if (d.attribute & FW_ATTR_RO)
			scan(c, d.phys_start, last, WANT_W, "RO but writable", &o);
		if (d.attribute & FW_ATTR_XP)
			scan(c, d.phys_start, last, WANT_X, "XP but executable", &o);
	}
	if (off_done(&o))
		say(v, AUDIT_FAIL, "%llu ranges mapped with more rights than the MAT gives (%llu pages)",
		    (unsigned long long)v->count, (unsigned long long)(o.bytes / PG));
	else
		say(v, AUDIT_PASS, "live tables agree with %u entries", c->mat.entries);
}

/* ---- the memory map ------------------------------------------------------- */

/* Why descriptor d is inconsistent, or NULL. */
static const char *desc_problem(const struct fw_desc *d)
{
	bool rt = d->attribute & FW_ATTR_RUNTIME;

	if (d->phys_start % PG)
		return "misaligned";
	if (d->num_pages > (UINT64_MAX - d->phys_start) / PG + 1)
		return "wraps";
	if (d->type >= FW_MAX_TYPE && d->type < 0x70000000u)
		return "unknown type";
	if ((d->type == FW_RT_CODE || d->type == FW_RT_DATA) && !rt)
		return "runtime type without RUNTIME";
	if (rt && (d->type == FW_CONVENTIONAL || d->type == FW_LOADER_CODE ||
		   d->type == FW_LOADER_DATA || d->type == FW_BS_CODE ||
		   d->type == FW_BS_DATA))
		return "boot type with RUNTIME";
	return NULL;
}

/* True if descriptor i overlaps an earlier one. */
static bool desc_overlaps(const struct audit_ctx *c, size_t i, const struct fw_desc *d)
{
	uint64_t last = span_last(d->phys_start, d->num_pages);

	for (size_t k = 0; k < i; k++) {
		struct fw_desc e = fwsnap_map_desc(c->s, k);

		if (e.num_pages && e.phys_start <= last &&
		    d->phys_start <= span_last(e.phys_start, e.num_pages))
			return true;
	}
	return false;
}

/* memmap-sane: aligned, no wrap, no overlap, consistent attributes. */
static void rule_memmap_sane(const struct audit_ctx *c, struct audit_verdict *v)
{
	struct offenders o = { .v = v };
	const char *why = "no memory map";
	size_t zero = 0;

	if (!c->nmap && (!c->s->map || memmap_fmt_check(c->s->map_size, c->s->desc_size, &why))) {
		say(v, AUDIT_FAIL, "memory map unreadable: %s", why);
		return;
	}
	for (size_t i = 0; i < c->nmap; i++) {
		struct fw_desc d = fwsnap_map_desc(c->s, i);
		const char *p = desc_problem(&d);

		zero += !d.num_pages;
		if (!p && d.num_pages && desc_overlaps(c, i, &d))
			p = "overlap";
		if (p)
			off_desc(&o, &d, p);
	}
	if (off_done(&o))
		say(v, AUDIT_FAIL, "%llu bad entries of %zu", (unsigned long long)v->count, c->nmap);
	else if (zero || c->s->desc_version != 1)
		say(v, AUDIT_WARN, "%zu entries, %zu with no pages, descriptor version %u",
		    c->nmap, zero, c->s->desc_version);
	else
		say(v, AUDIT_PASS, "%zu entries aligned, no overlaps, attributes consistent",
		    c->nmap);
}

/* memory-attribute-protocol: EFI_MEMORY_ATTRIBUTE_PROTOCOL installed. */
static void rule_map_protocol(const struct audit_ctx *c, struct audit_verdict *v)
{
	if (c->s->mem_attr_protocol)
		say(v, AUDIT_PASS, "EFI_MEMORY_ATTRIBUTE_PROTOCOL installed");
	else
		say(v, AUDIT_FAIL, "EFI_MEMORY_ATTRIBUTE_PROTOCOL not installed");
}

/* ---- running and printing ------------------------------------------------ */

static const struct {
	const char *name;
	void (*fn)(const struct audit_ctx *c, struct audit_verdict *v);
} rules[AUDIT_NRULES] = {
	{ "page-tables", rule_page_tables },
	{ "write-protect", rule_write_protect },
	{ "nx-enabled", rule_nx_enabled },
	{ "null-page", rule_null_page },
	{ "no-wx", rule_no_wx },
	{ "mmio-nx", rule_mmio_nx },
	{ "free-nx", rule_free_nx },
	{ "image-code-ro", rule_image_code_ro },
	{ "image-data-nx", rule_image_data_nx },
	{ "stack-nx-guard", rule_stack },
	{ "mat-present", rule_mat_present },
	{ "mat-sorted", rule_mat_sorted },
	{ "mat-in-runtime", rule_mat_in_runtime },
	{ "mat-code-rox", rule_mat_code_rox },
	{ "mat-data-nx", rule_mat_data_nx },
	{ "mat-agrees", rule_mat_agrees },
	{ "memmap-sane", rule_memmap_sane },
	{ "memory-attribute-protocol", rule_map_protocol },
};

/* fwsnap_walk's callback: adds a leaf's bytes to *ctx. */
static void count_mapped(void *ctx, const struct fwsnap_leaf *l)
{
	*(uint64_t *)ctx += l->size;
}

/* What every rule shares: the full walk's result, the MAT's, the map's. */
static void ctx_init(struct audit_ctx *c, const struct fwsnap *s)
{
	*c = (struct audit_ctx){ .s = s, .mat_why = "" };
	c->pt_err = s->npt ? fwsnap_walk(s, 0, VA_LAST, count_mapped, &c->mapped, &c->pt_bad)
			   : -ENOENT;
	c->mat_err = fwsnap_mat_check(s, &c->mat, &c->mat_why);
	c->nmap = fwsnap_map_count(s);
}

/* Counts one verdict into the totals. */
static void tally(struct audit_report *r, enum audit_result res)
{
	if (res == AUDIT_PASS)
		r->passed++;
	else if (res == AUDIT_FAIL)
		r->failed++;
	else if (res == AUDIT_WARN)
		r->warned++;
	else
		r->skipped++;
}

void audit_run(const struct fwsnap *s, struct audit_report *r)
{
	struct audit_ctx c;

	ctx_init(&c, s);
	memset(r, 0, sizeof(*r));
	for (size_t i = 0; i < AUDIT_NRULES; i++) {
		struct audit_verdict *v = &r->v[r->n++];

		v->rule = rules[i].name;
		rules[i].fn(&c, v);
		tally(r, v->result);
	}
}

const char *audit_result_name(enum audit_result res)
{
	static const char *const names[] = { "PASS", "FAIL", "WARN", "SKIP" };

	return (unsigned int)res < ARRAY_SIZE(names) ? names[res] : "?";
}

/* "audit: RULE RESULT DETAIL[: RANGES[, ...]]" and a newline. */
static void print_verdict(const struct audit_verdict *v)
{
	kprintf("audit: %s %s %s", v->rule, audit_result_name(v->result), v->detail);
	for (unsigned int i = 0; i < v->nfirst && i < AUDIT_MAX_RANGES; i++) {
		const struct audit_range *g = &v->first[i];

		kprintf("%s%s%s0x%llx-0x%llx", i ? ", " : ": ", g->label,
			g->label[0] ? " " : "", (unsigned long long)g->start,
			(unsigned long long)g->last);
	}
	kprintf("%s\n", v->count > v->nfirst ? ", ..." : "");
}

void audit_print(const struct audit_report *r)
{
	for (size_t i = 0; i < r->n; i++)
		print_verdict(&r->v[i]);
	kprintf("audit: %u passed, %u failed, %u warnings, %u skipped\n", r->passed,
		r->failed, r->warned, r->skipped);
}
