/*
 * pure/fwsnap.c - the firmware snapshot's readers: table pages by
 * address, the capture from CR3, the walk, the memory map and MAT
 * accessors, and the PE section table of a loaded image.
 */
#include "fwsnap.h"
#include "memmap_fmt.h"

#include "../lib/errno.h"
#include "../lib/kstring.h"
#include "../lib/le.h"

#define PT_ENTRIES 512u
#define PTE_ADDR_2M 0x000FFFFFFFE00000ULL
#define PTE_ADDR_1G 0x000FFFFFC0000000ULL
#define PERM_W 1u
#define PERM_X 2u
#define PERM_U 4u

void fwsnap_init(struct fwsnap *s)
{
	memset(s, 0, sizeof(*s));
}

/* Index of the first page with phys >= key (npt if none). */
static size_t pt_lower_bound(const struct fwsnap *s, uint64_t key)
{
	size_t lo = 0, hi = s->npt;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->pt[mid].phys < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Index of the page at phys, or -1. */
static long pt_index(const struct fwsnap *s, uint64_t phys)
{
	size_t i;

	if (!s->pt)
		return -1;
	i = pt_lower_bound(s, phys);
	return (i < s->npt && s->pt[i].phys == phys) ? (long)i : -1;
}

const uint8_t *fwsnap_pt_page(const struct fwsnap *s, uint64_t phys)
{
	long i = pt_index(s, phys);

	return i < 0 ? NULL : s->pt[i].data;
}

int fwsnap_pt_add(struct fwsnap *s, uint64_t phys, const uint8_t *data)
{
	size_t i;

	if (phys % FWSNAP_PAGE_SIZE)
		return -EINVAL;
	if (pt_index(s, phys) >= 0)
		return -EEXIST;
	if (!s->pt || s->npt >= s->pt_cap) {
		s->pt_dropped++;
		return -ENOSPC;
	}
	i = pt_lower_bound(s, phys);
	memmove(&s->pt[i + 1], &s->pt[i], (s->npt - i) * sizeof(s->pt[0]));
	s->pt[i] = (struct fwsnap_ptpage){ .phys = phys, .data = data };
	s->npt++;
	return 0;
}

/* Entry i of a table page (any alignment of page). */
static uint64_t entry_at(const uint8_t *page, unsigned int i)
{
	uint64_t e;

	memcpy(&e, page + (size_t)i * 8, sizeof(e));
	return e;
}

/* ---- capture ------------------------------------------------------------ */

struct capture {
	struct fwsnap *s;
	uint8_t (*store)[FWSNAP_PAGE_SIZE];
	size_t store_pages, used;
	fwsnap_read_fn read;
	void *ctx;
};

/* The copy of phys, read and added if new; NULL if it cannot be had. */
static const uint8_t *capture_page(struct capture *c, uint64_t phys)
{
	const uint8_t *p = fwsnap_pt_page(c->s, phys);
	uint8_t *dst;

	if (p)
		return p;
	if (c->used >= c->store_pages || c->s->npt >= c->s->pt_cap) {
		c->s->pt_dropped++;
		return NULL;
	}
	dst = c->store[c->used];
	if (c->read(c->ctx, phys, dst) || fwsnap_pt_add(c->s, phys, dst))
		return NULL;
	c->used++;
	return dst;
}

/* True if an entry at level points to a table (not a leaf, not reserved). */
static bool entry_is_table(uint64_t e, int level)
{
	return (e & FWSNAP_PTE_P) && level > 1 && !(e & FWSNAP_PTE_PS);
}

/* Captures the table at phys used at level (4..1), once per level, and
 * everything below it.  Recursion depth <= 4. */
static void capture_table(struct capture *c, uint64_t phys, int level)
{
	const uint8_t *page = capture_page(c, phys);
	long i = pt_index(c->s, phys);
	uint8_t bit = (uint8_t)(1u << level);

	if (!page || i < 0 || (c->s->pt[i].levels_seen & bit))
		return;
	c->s->pt[i].levels_seen |= bit;
	for (unsigned int k = 0; k < PT_ENTRIES; k++) {
		uint64_t e = entry_at(page, k);

		if (entry_is_table(e, level))
			capture_table(c, e & FWSNAP_PTE_ADDR, level - 1);
	}
}

int fwsnap_pt_capture(struct fwsnap *s, uint8_t (*store)[FWSNAP_PAGE_SIZE],
		      size_t store_pages, fwsnap_read_fn read, void *ctx)
{
	struct capture c = { .s = s, .store = store, .store_pages = store_pages,
			     .read = read, .ctx = ctx };
	size_t dropped = s->pt_dropped;

	capture_table(&c, s->cr3 & FWSNAP_PTE_ADDR, 4);
	return s->pt_dropped > dropped ? -ENOSPC : 0;
}

/* ---- walk --------------------------------------------------------------- */

struct walk {
	const struct fwsnap *s;
	uint64_t lo, hi;
	fwsnap_leaf_fn fn;
	void *ctx;
	uint64_t *bad;
	uint64_t anc[4];
	int depth;
	uint32_t visits;
	bool nxe;
};

static const unsigned int level_shift[5] = { 0, 12, 21, 30, 39 };

/* The rights one entry grants (PERM_*); XD counts only with EFER.NXE. */
static unsigned int entry_perm(uint64_t e, bool nxe)
{
	return ((e & FWSNAP_PTE_RW) ? PERM_W : 0) | ((e & FWSNAP_PTE_US) ? PERM_U : 0) |
	       ((nxe && (e & FWSNAP_PTE_XD)) ? 0 : PERM_X);
}

/* The canonical form of a 48-bit linear address. */
static uint64_t canonical(uint64_t va48)
{
	return (uint64_t)((int64_t)(va48 << 16) >> 16);
}

/* Reports the leaf e at va (level, effective perm), clipped to the range. */
static void walk_leaf(struct walk *w, uint64_t e, int level, uint64_t va,
		      unsigned int perm)
{
	static const uint64_t mask[4] = { 0, FWSNAP_PTE_ADDR, PTE_ADDR_2M, PTE_ADDR_1G };
	uint64_t last = va + (1ULL << level_shift[level]) - 1;
	uint64_t start = MAX(va, w->lo), end = MIN(last, w->hi);
	struct fwsnap_leaf l = {
		.va = canonical(start), .size = end - start + 1,
		.phys = (e & mask[level]) + (start - va), .level = level,
		.write = perm & PERM_W, .exec = perm & PERM_X, .user = perm & PERM_U,
	};

	w->fn(w->ctx, &l);
}

static int walk_table(struct walk *w, uint64_t phys, int level, uint64_t base,
		      unsigned int perm);

/* The entries of one table page that overlap [lo, hi]. */
static int walk_entries(struct walk *w, const uint8_t *page, int level,
			uint64_t base, unsigned int perm)
{
	unsigned int sh = level_shift[level];
	uint64_t top = base + ((uint64_t)PT_ENTRIES << sh) - 1;
	unsigned int first = (unsigned int)((MAX(w->lo, base) - base) >> sh);
	unsigned int last = (unsigned int)((MIN(w->hi, top) - base) >> sh);

	for (unsigned int i = first; i <= last; i++) {
		uint64_t e = entry_at(page, i), va = base + ((uint64_t)i << sh);
		unsigned int p = perm & entry_perm(e, w->nxe);
		int ret = 0;

		if (!(e & FWSNAP_PTE_P) || (level == 4 && (e & FWSNAP_PTE_PS)))
			continue;   /* a PS PML4E is reserved: the CPU faults */
		if (level == 1 || (e & FWSNAP_PTE_PS))
			walk_leaf(w, e, level, va, p);
		else
			ret = walk_table(w, e & FWSNAP_PTE_ADDR, level - 1, va, p);
		if (ret)
			return ret;
	}
	return 0;
}

/* Walks the table at phys used at level, covering from base, with the
 * rights perm granted above it; returns 0 or the walk's error. */
static int walk_table(struct walk *w, uint64_t phys, int level, uint64_t base,
		      unsigned int perm)
{
	const uint8_t *page;
	int ret;

	if (++w->visits > FWSNAP_WALK_MAX_TABLES)
		return -E2BIG;
	for (int i = 0; i < w->depth; i++) {
		if (w->anc[i] == phys) {
			*w->bad = phys;
			return -FWSNAP_ELOOP;
		}
	}
	page = fwsnap_pt_page(w->s, phys);
	if (!page) {
		*w->bad = phys;
		return -ENOENT;
	}
	w->anc[w->depth++] = phys;
	ret = walk_entries(w, page, level, base, perm);
	w->depth--;
	return ret;
}

int fwsnap_walk(const struct fwsnap *s, uint64_t lo, uint64_t hi,
		fwsnap_leaf_fn fn, void *ctx, uint64_t *bad)
{
	uint64_t dummy;
	struct walk w = { .s = s, .lo = lo, .hi = hi, .fn = fn, .ctx = ctx,
			  .bad = bad ? bad : &dummy,
			  .nxe = (s->efer & FWSNAP_EFER_NXE) != 0 };

	if (lo > hi || hi >= FWSNAP_VA_END)
		return -EINVAL;
	if (s->cr4 & FWSNAP_CR4_LA57)
		return -ENOTSUP;
	return walk_table(&w, s->cr3 & FWSNAP_PTE_ADDR, 4, 0,
			  PERM_W | PERM_X | PERM_U);
}

struct lookup {
	struct fwsnap_leaf *out;
	int found;
};

/* fwsnap_lookup's callback: keeps the leaf. */
static void lookup_leaf(void *ctx, const struct fwsnap_leaf *l)
{
	struct lookup *k = ctx;

	*k->out = *l;
	k->found = 1;
}

int fwsnap_lookup(const struct fwsnap *s, uint64_t va, struct fwsnap_leaf *out)
{
	struct lookup k = { .out = out, .found = 0 };
	int ret = fwsnap_walk(s, va, va, lookup_leaf, &k, NULL);

	return ret ? ret : k.found;
}

/* ---- memory map and MAT ------------------------------------------------- */

size_t fwsnap_map_count(const struct fwsnap *s)
{
	const char *why;

	if (!s->map || memmap_fmt_check(s->map_size, s->desc_size, &why))
		return 0;
	return s->map_size / s->desc_size;
}

struct fw_desc fwsnap_map_desc(const struct fwsnap *s, size_t i)
{
	return memmap_fmt_desc(s->map, s->desc_size, i);
}

int fwsnap_mat_check(const struct fwsnap *s, struct fwsnap_mat_header *h,
		     const char **why)
{
	if (!s->mat)
		return -ENOENT;
	if (s->mat_size < sizeof(*h)) {
		*why = "shorter than its header";
		return -EINVAL;
	}
	memcpy(h, s->mat, sizeof(*h));
	if (h->desc_size < FW_DESC_MIN_SIZE || h->desc_size % 8) {
		*why = "bad descriptor size";
		return -EINVAL;
	}
	if (h->entries > (s->mat_size - sizeof(*h)) / h->desc_size) {
		*why = "entries beyond the table's size";
		return -EINVAL;
	}
	return 0;
}

struct fw_desc fwsnap_mat_desc(const struct fwsnap *s,
			       const struct fwsnap_mat_header *h, size_t i)
{
	return memmap_fmt_desc((const uint8_t *)s->mat + sizeof(*h),
			       h->desc_size, i);
}

/* ---- PE ------------------------------------------------------------------- */

/* True if [off, off + n) lies inside a buffer of len bytes. */
static bool in_buf(size_t len, uint64_t off, uint64_t n)
{
	return off <= len && n <= len - off;
}

/* Offset of the optional header, its size in *opt_size, the section
 * count in *nsect; 0 if the headers are not a readable PE. */
static size_t pe_opt_header(const uint8_t *img, size_t len, uint16_t *opt_size,
			    uint16_t *nsect)
{
	uint32_t nt;

	if (!in_buf(len, 0, 0x40) || img[0] != 'M' || img[1] != 'Z')
		return 0;
	nt = le_read32(img + 0x3C);
	if (!in_buf(len, nt, 24) || memcmp(img + nt, "PE\0\0", 4))
		return 0;
	*nsect = le_read16(img + nt + 6);
	*opt_size = le_read16(img + nt + 20);
	return (size_t)nt + 24;
}

/* One 40-byte section header into out. */
static void pe_section(const uint8_t *sh, struct fwsnap_section *out)
{
	uint32_t vsize = le_read32(sh + 8);

	memcpy(out->name, sh, 8);
	out->name[8] = '\0';
	out->rva = le_read32(sh + 12);
	out->size = vsize ? vsize : le_read32(sh + 16);
	out->characteristics = le_read32(sh + 36);
}

int fwsnap_pe_sections(const uint8_t *img, size_t len, struct fwsnap_image *out)
{
	uint16_t opt_size, nsect;
	size_t opt = pe_opt_header(img, len, &opt_size, &nsect);
	uint64_t table = (uint64_t)opt + opt_size;

	out->pe_ok = false;
	out->nsect = out->nsect_total = 0;
	if (!opt || !in_buf(len, table, (uint64_t)nsect * 40))
		return -ENOEXEC;
	for (uint32_t i = 0; i < nsect && i < FWSNAP_MAX_SECTIONS; i++)
		pe_section(img + table + (uint64_t)i * 40, &out->sect[out->nsect++]);
	out->nsect_total = nsect;
	out->pe_ok = true;
	return 0;
}

/* The debug data directory's RVA and size; false if there is none. */
static bool pe_debug_dir(const uint8_t *img, size_t len, uint32_t *rva,
			 uint32_t *size)
{
	uint16_t opt_size, nsect;
	size_t opt = pe_opt_header(img, len, &opt_size, &nsect);
	size_t dirs, count_off;

	if (!opt || !in_buf(len, opt, 2) || opt_size < 2)
		return false;
	if (le_read16(img + opt) == 0x20B) {
		count_off = 108;
		dirs = 112;
	} else {
		count_off = 92;
		dirs = 96;
	}
	if (opt_size < dirs + 7 * 8 || !in_buf(len, opt, dirs + 7 * 8) ||
	    le_read32(img + opt + count_off) < 7)
		return false;
	*rva = le_read32(img + opt + dirs + 6 * 8);
	*size = le_read32(img + opt + dirs + 6 * 8 + 4);
	return *size != 0;
}

/* Offset of the path in a CodeView record of n bytes, or 0. */
static size_t cv_path_offset(const uint8_t *cv, size_t n)
{
	if (n >= 24 && !memcmp(cv, "RSDS", 4))
		return 24;
	if (n >= 16 && !memcmp(cv, "NB10", 4))
		return 16;
	if (n >= 20 && !memcmp(cv, "MTOC", 4))
		return 20;
	return 0;
}

/* Copies the last path component of p[0..n) (stops at NUL) into name. */
static int copy_basename(const uint8_t *p, size_t n, char *name, size_t namelen)
{
	size_t start = 0, end = 0, k = 0;

	while (end < n && p[end]) {
		if (p[end] == '/' || p[end] == '\\')
			start = end + 1;
		end++;
	}
	if (start >= end || namelen == 0)
		return -ENOENT;
	for (size_t i = start; i < end && k + 1 < namelen; i++)
		name[k++] = (p[i] >= 0x20 && p[i] < 0x7F) ? (char)p[i] : '?';
	name[k] = '\0';
	return 0;
}

int fwsnap_pe_debug_name(const uint8_t *img, size_t len, char *name,
			 size_t namelen)
{
	uint32_t rva, size;

	if (!pe_debug_dir(img, len, &rva, &size) || !in_buf(len, rva, size))
		return -ENOENT;
	for (uint32_t off = 0; off + 28 <= size; off += 28) {
		const uint8_t *d = img + rva + off;
		uint32_t dlen = le_read32(d + 16), drva = le_read32(d + 20);
		size_t path;

		if (le_read32(d + 12) != 2 || !in_buf(len, drva, dlen))
			continue;   /* type 2: CodeView */
		path = cv_path_offset(img + drva, dlen);
		if (path && !copy_basename(img + drva + path, dlen - path, name, namelen))
			return 0;
	}
	return -ENOENT;
}
