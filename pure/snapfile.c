/*
 * pure/snapfile.c - the snapshot file's writer and reader (format and
 * contracts in snapfile.h).
 *
 * The writer runs twice over the same code: once without a buffer to
 * count the bytes (snapfile_size), once to fill it, so the two cannot
 * disagree.  The reader trusts nothing: every length is checked against
 * what is left before a byte is read.
 */
#include "snapfile.h"

#include "../lib/errno.h"
#include "../lib/kstring.h"
#include "../lib/le.h"
#include "../lib/printf.h"

#define REGS_SIZE   (7 * 8u)
#define CPUID_SIZE  24u
#define PT_REC_SIZE (8u + FWSNAP_PAGE_SIZE)
#define EXTRA_SIZE  24u
#define LAYOUT_HEAD (8 * 8u + 8u)
#define SECT_SIZE   20u
#define REGS_F_MAP  1ull
#define IMG_F_PE    1u

/* ---- writer ----------------------------------------------------------------- */

/* Output position; buf NULL only counts. */
struct out {
	uint8_t *buf;
	size_t off;
};

/* n bytes of p at the position (counted only without a buffer). */
static void put(struct out *o, const void *p, size_t n)
{
	if (o->buf && n)
		memcpy(o->buf + o->off, p, n);
	o->off += n;
}

/* v, little-endian (x86_64 only: the host is the target's kind). */
static void put_u32(struct out *o, uint32_t v)
{
	put(o, &v, 4);
}

/* v, little-endian. */
static void put_u64(struct out *o, uint64_t v)
{
	put(o, &v, 8);
}

/* n zero bytes (padding, unused slots). */
static void put_zero(struct out *o, size_t n)
{
	if (o->buf)
		memset(o->buf + o->off, 0, n);
	o->off += n;
}

/* Starts a section of type; returns where its header is. */
static size_t sec_begin(struct out *o, uint32_t type)
{
	size_t at = o->off;

	put_u32(o, type);
	put_u32(o, 0);
	put_u64(o, 0);
	return at;
}

/* Ends the section whose header is at at: its length, then padding. */
static void sec_end(struct out *o, size_t at)
{
	uint64_t len = o->off - at - SNAPFILE_SEC_HEADER;

	if (o->buf)
		memcpy(o->buf + at + 8, &len, 8);
	put_zero(o, (8 - o->off % 8) % 8);
}

/* The REGS section: CR0, CR3, CR4, EFER, RSP, PAT, flags. */
static void put_regs(struct out *o, const struct fwsnap *s,
		     const struct snapfile_meta *m)
{
	size_t at = sec_begin(o, SNAPFILE_SEC_REGS);

	put_u64(o, s->cr0);
	put_u64(o, s->cr3);
	put_u64(o, s->cr4);
	put_u64(o, s->efer);
	put_u64(o, s->rsp);
	put_u64(o, m->pat);
	put_u64(o, s->mem_attr_protocol ? REGS_F_MAP : 0);
	sec_end(o, at);
}

/* The CPUID section: one 24-byte record per leaf. */
static void put_cpuid(struct out *o, const struct snapfile_meta *m)
{
	size_t at = sec_begin(o, SNAPFILE_SEC_CPUID);

	for (uint32_t i = 0; i < m->ncpuid; i++) {
		const struct snapfile_cpuid *c = &m->cpuid[i];

		put_u32(o, c->leaf);
		put_u32(o, c->subleaf);
		put_u32(o, c->eax);
		put_u32(o, c->ebx);
		put_u32(o, c->ecx);
		put_u32(o, c->edx);
	}
	sec_end(o, at);
}

/* The EFIMM and MEMMAP sections, and MAT when there is one. */
static void put_blobs(struct out *o, const struct fwsnap *s,
		      const struct snapfile_meta *m)
{
	size_t at = sec_begin(o, SNAPFILE_SEC_EFIMM);

	put(o, m->version, strlen(m->version) + 1);
	sec_end(o, at);
	at = sec_begin(o, SNAPFILE_SEC_MEMMAP);
	put_u32(o, (uint32_t)s->desc_size);
	put_u32(o, s->desc_version);
	put(o, s->map, s->map_size);
	sec_end(o, at);
	if (!s->mat || !s->mat_size)
		return;
	at = sec_begin(o, SNAPFILE_SEC_MAT);
	put(o, s->mat, s->mat_size);
	sec_end(o, at);
}

/* The PTPAGES section, pages in s's (ascending) order. */
static void put_pt(struct out *o, const struct fwsnap *s)
{
	size_t at = sec_begin(o, SNAPFILE_SEC_PTPAGES);

	put_u64(o, s->npt);
	put_u64(o, s->pt_dropped);
	for (size_t i = 0; i < s->npt; i++) {
		put_u64(o, s->pt[i].phys);
		put(o, s->pt[i].data, FWSNAP_PAGE_SIZE);
	}
	sec_end(o, at);
}

/* One 400-byte IMAGES record; section names cut to 8 bytes as PE has them. */
static void put_image(struct out *o, const struct fwsnap_image *im)
{
	char name[FWSNAP_NAME_MAX] = { 0 };

	str_copy(name, im->name, sizeof(name));
	put(o, name, sizeof(name));
	put_u64(o, im->base);
	put_u64(o, im->size);
	put_u32(o, im->pe_ok ? IMG_F_PE : 0);
	put_u32(o, im->nsect);
	put_u32(o, im->nsect_total);
	put_u32(o, 0);
	for (uint32_t i = 0; i < FWSNAP_MAX_SECTIONS; i++) {
		const struct fwsnap_section *sc = &im->sect[i];
		char sn[8] = { 0 };

		if (i < im->nsect) {
			memcpy(sn, sc->name, strlen(sc->name) < 8 ? strlen(sc->name) : 8);
			put(o, sn, 8);
			put_u32(o, sc->rva);
			put_u32(o, sc->size);
			put_u32(o, sc->characteristics);
		} else {
			put_zero(o, SECT_SIZE);
		}
	}
}

/* The IMAGES section. */
static void put_images(struct out *o, const struct fwsnap *s)
{
	size_t at = sec_begin(o, SNAPFILE_SEC_IMAGES);

	put_u32(o, (uint32_t)s->nimg);
	put_u32(o, (uint32_t)s->img_dropped);
	for (size_t i = 0; i < s->nimg; i++)
		put_image(o, &s->img[i]);
	sec_end(o, at);
}

/* The LAYOUT section. */
static void put_layout(struct out *o, const struct snapfile_layout *l)
{
	size_t at = sec_begin(o, SNAPFILE_SEC_LAYOUT);
	const uint64_t v[8] = { l->text, l->text_end, l->rodata, l->rodata_end,
				l->data, l->data_end, l->owned, l->owned_end };

	for (int i = 0; i < 8; i++)
		put_u64(o, v[i]);
	put_u32(o, l->nextra);
	put_u32(o, 0);
	for (uint32_t i = 0; i < l->nextra; i++) {
		put_u64(o, l->extra[i].start);
		put_u64(o, l->extra[i].size);
		put_u32(o, l->extra[i].cache);
		put_u32(o, l->extra[i].access);
	}
	sec_end(o, at);
}

/* The whole file through o; returns its section count. */
static uint32_t put_file(struct out *o, const struct fwsnap *s,
			 const struct snapfile_meta *m)
{
	uint32_t nsec = m->has_layout ? 7 : 6;

	if (s->mat && s->mat_size)
		nsec++;
	put(o, SNAPFILE_MAGIC, 8);
	put_u32(o, SNAPFILE_VERSION);
	put_u32(o, nsec);
	put_u64(o, 0);
	put_u64(o, 0);
	put_blobs(o, s, m);
	put_regs(o, s, m);
	put_cpuid(o, m);
	put_pt(o, s);
	put_images(o, s);
	if (m->has_layout)
		put_layout(o, &m->layout);
	return nsec;
}

size_t snapfile_size(const struct fwsnap *s, const struct snapfile_meta *m)
{
	struct out o = { 0 };

	put_file(&o, s, m);
	return o.off;
}

/* True if s has a NUL within its first n bytes. */
static bool has_nul(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!s[i])
			return true;
	return false;
}

/* Whether s and m fit the format (see snapfile_write). */
static bool writable(const struct fwsnap *s, const struct snapfile_meta *m)
{
	return s->desc_size && s->desc_size <= UINT32_MAX &&
	       s->map_size % s->desc_size == 0 && (s->map || !s->map_size) &&
	       m->ncpuid <= SNAPFILE_MAX_CPUID && s->nimg <= FWSNAP_MAX_IMAGES &&
	       s->npt <= FWSNAP_MAX_PT_PAGES && m->layout.nextra <= SNAPFILE_MAX_EXTRA &&
	       has_nul(m->version, SNAPFILE_VERSION_MAX);
}

long snapfile_write(const struct fwsnap *s, const struct snapfile_meta *m,
		    uint8_t *buf, size_t cap)
{
	struct out o = { .buf = buf };
	size_t need;
	uint64_t size;

	if (!writable(s, m))
		return -EINVAL;
	need = snapfile_size(s, m);
	if (cap < need)
		return -ENOSPC;
	put_file(&o, s, m);
	size = o.off;
	memcpy(buf + 16, &size, 8);
	return (long)size;
}

/* ---- reader ----------------------------------------------------------------- */

/* Where each known section's payload is. */
struct secref {
	const uint8_t *p;
	uint64_t len;
	bool seen;
};

static const char *const sec_names[SNAPFILE_SEC_COUNT] = {
	"?", "EFIMM", "REGS", "CPUID", "MEMMAP", "MAT", "PTPAGES", "IMAGES", "LAYOUT",
};

/* Formats the reason into why (SNAPFILE_WHY_MAX bytes); returns -EINVAL. */
static int refuse(char *why, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kvsnprintf(why, SNAPFILE_WHY_MAX, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* The file header: magic, version, size.  *nsec on success. */
static int read_header(const uint8_t *buf, size_t len, uint32_t *nsec, char *why)
{
	uint64_t size;

	if (len < SNAPFILE_HEADER_SIZE)
		return refuse(why, "truncated: %zu bytes, shorter than the %u-byte header",
			      len, SNAPFILE_HEADER_SIZE);
	if (memcmp(buf, SNAPFILE_MAGIC, 8))
		return refuse(why, "not an efimm snapshot (no %s magic)", SNAPFILE_MAGIC);
	if (le_read32(buf + 8) != SNAPFILE_VERSION)
		return refuse(why, "snapshot format version %u, this reader knows %u",
			      le_read32(buf + 8), SNAPFILE_VERSION);
	size = le_read64(buf + 16);
	if (size > len)
		return refuse(why, "truncated: %zu bytes, the header says %llu",
			      len, (unsigned long long)size);
	if (size < len)
		return refuse(why, "%zu bytes, the header says %llu (data after the end)",
			      len, (unsigned long long)size);
	*nsec = le_read32(buf + 12);
	return 0;
}

/* One section header at *off: records a known type, moves *off past it. */
static int read_section(const uint8_t *buf, size_t len, size_t *off, uint32_t i,
			struct secref *sec, char *why)
{
	uint32_t type;
	uint64_t n, end;

	if (len - *off < SNAPFILE_SEC_HEADER)
		return refuse(why, "section %u: header past the end of the file", i);
	type = le_read32(buf + *off);
	n = le_read64(buf + *off + 8);
	if (n > len - *off - SNAPFILE_SEC_HEADER)
		return refuse(why, "section %u (type %u): %llu bytes run past the end of the file",
			      i, type, (unsigned long long)n);
	end = *off + SNAPFILE_SEC_HEADER + n;
	end += (8 - end % 8) % 8;
	if (end > len)
		return refuse(why, "section %u (type %u): its padding runs past the end of the file",
			      i, type);
	if (type > 0 && type < SNAPFILE_SEC_COUNT) {
		if (sec[type].seen)
			return refuse(why, "a second %s section (section %u)",
				      sec_names[type], i);
		sec[type] = (struct secref){ buf + *off + SNAPFILE_SEC_HEADER, n, true };
	}
	*off = (size_t)end;
	return 0;
}

/* Every section header, and the required sections present. */
static int read_sections(const uint8_t *buf, size_t len, uint32_t nsec,
			 struct secref *sec, char *why)
{
	static const uint8_t required[] = {
		SNAPFILE_SEC_EFIMM, SNAPFILE_SEC_REGS, SNAPFILE_SEC_CPUID,
		SNAPFILE_SEC_MEMMAP, SNAPFILE_SEC_PTPAGES, SNAPFILE_SEC_IMAGES,
	};
	size_t off = SNAPFILE_HEADER_SIZE;

	for (uint32_t i = 0; i < nsec; i++) {
		int err = read_section(buf, len, &off, i, sec, why);

		if (err)
			return err;
	}
	if (off != len)
		return refuse(why, "%zu bytes after the last of %u sections", len - off, nsec);
	for (size_t i = 0; i < sizeof(required); i++)
		if (!sec[required[i]].seen)
			return refuse(why, "no %s section", sec_names[required[i]]);
	return 0;
}

/* Each read_*: one section's payload into f, or -EINVAL with why. */
static int read_efimm(const struct secref *r, struct snapfile_meta *m, char *why)
{
	if (r->len == 0 || r->len > SNAPFILE_VERSION_MAX || r->p[r->len - 1])
		return refuse(why, "EFIMM section: %llu bytes, not a NUL-terminated version of at most %u",
			      (unsigned long long)r->len, SNAPFILE_VERSION_MAX);
	memcpy(m->version, r->p, r->len);
	return 0;
}

static int read_regs(const struct secref *r, struct snapfile *f, char *why)
{
	const uint8_t *p = r->p;

	if (r->len != REGS_SIZE)
		return refuse(why, "REGS section: %llu bytes, not %u",
			      (unsigned long long)r->len, REGS_SIZE);
	f->s.cr0 = le_read64(p);
	f->s.cr3 = le_read64(p + 8);
	f->s.cr4 = le_read64(p + 16);
	f->s.efer = le_read64(p + 24);
	f->s.rsp = le_read64(p + 32);
	f->m.pat = le_read64(p + 40);
	f->s.mem_attr_protocol = (le_read64(p + 48) & REGS_F_MAP) != 0;
	return 0;
}

static int read_cpuid(const struct secref *r, struct snapfile_meta *m, char *why)
{
	if (r->len % CPUID_SIZE || r->len / CPUID_SIZE > SNAPFILE_MAX_CPUID)
		return refuse(why, "CPUID section: %llu bytes, not up to %u leaves of %u",
			      (unsigned long long)r->len, SNAPFILE_MAX_CPUID, CPUID_SIZE);
	m->ncpuid = (uint32_t)(r->len / CPUID_SIZE);
	for (uint32_t i = 0; i < m->ncpuid; i++) {
		const uint8_t *p = r->p + i * CPUID_SIZE;

		m->cpuid[i] = (struct snapfile_cpuid){ le_read32(p), le_read32(p + 4), le_read32(p + 8),
						       le_read32(p + 12), le_read32(p + 16), le_read32(p + 20) };
	}
	return 0;
}

static int read_memmap(const struct secref *r, struct fwsnap *s, char *why)
{
	uint32_t ds;

	if (r->len < 8)
		return refuse(why, "MEMMAP section: %llu bytes, shorter than its 8-byte header",
			      (unsigned long long)r->len);
	ds = le_read32(r->p);
	if (ds < sizeof(struct fw_desc) || ds % 8)
		return refuse(why, "MEMMAP section: descriptor size %u (at least %zu, a multiple of 8)",
			      ds, sizeof(struct fw_desc));
	if ((r->len - 8) % ds)
		return refuse(why, "MEMMAP section: %llu bytes of map, not a multiple of the descriptor size %u",
			      (unsigned long long)(r->len - 8), ds);
	s->desc_size = ds;
	s->desc_version = le_read32(r->p + 4);
	s->map = r->p + 8;
	s->map_size = (size_t)(r->len - 8);
	return 0;
}

static int read_pt(const struct secref *r, struct snapfile *f, char *why)
{
	uint64_t n;

	if (r->len < 16)
		return refuse(why, "PTPAGES section: %llu bytes, shorter than its 16-byte header",
			      (unsigned long long)r->len);
	n = le_read64(r->p);
	if (n > FWSNAP_MAX_PT_PAGES || r->len != 16 + n * PT_REC_SIZE)
		return refuse(why, "PTPAGES section: %llu bytes for %llu pages (at most %u of %u bytes)",
			      (unsigned long long)r->len, (unsigned long long)n,
			      FWSNAP_MAX_PT_PAGES, PT_REC_SIZE);
	f->s.pt_dropped = (size_t)le_read64(r->p + 8);
	for (uint64_t i = 0; i < n; i++) {
		const uint8_t *p = r->p + 16 + i * PT_REC_SIZE;
		uint64_t phys = le_read64(p);
		int err = fwsnap_pt_add(&f->s, phys, p + 8);

		if (err == -EINVAL)
			return refuse(why, "PTPAGES section: table page at 0x%llx is not 4 KiB aligned",
				      (unsigned long long)phys);
		if (err)
			return refuse(why, "PTPAGES section: table page at 0x%llx appears twice",
				      (unsigned long long)phys);
	}
	return 0;
}

/* One 400-byte image record at p into im. */
static int read_image(const uint8_t *p, uint32_t i, struct fwsnap_image *im, char *why)
{
	memset(im, 0, sizeof(*im));
	if (!has_nul((const char *)p, FWSNAP_NAME_MAX))
		return refuse(why, "IMAGES section: image %u's name is not NUL-terminated", i);
	memcpy(im->name, p, FWSNAP_NAME_MAX);
	im->base = le_read64(p + 48);
	im->size = le_read64(p + 56);
	im->pe_ok = (le_read32(p + 64) & IMG_F_PE) != 0;
	im->nsect = le_read32(p + 68);
	im->nsect_total = le_read32(p + 72);
	if (im->nsect > FWSNAP_MAX_SECTIONS)
		return refuse(why, "IMAGES section: image %u has %u sections, at most %u",
			      i, im->nsect, FWSNAP_MAX_SECTIONS);
	for (uint32_t k = 0; k < im->nsect; k++) {
		const uint8_t *sp = p + 80 + k * SECT_SIZE;

		memcpy(im->sect[k].name, sp, 8);
		im->sect[k].rva = le_read32(sp + 8);
		im->sect[k].size = le_read32(sp + 12);
		im->sect[k].characteristics = le_read32(sp + 16);
	}
	return 0;
}

static int read_images(const struct secref *r, struct snapfile *f, char *why)
{
	uint32_t n;

	if (r->len < 8)
		return refuse(why, "IMAGES section: %llu bytes, shorter than its 8-byte header",
			      (unsigned long long)r->len);
	n = le_read32(r->p);
	if (n > FWSNAP_MAX_IMAGES || r->len != 8 + (uint64_t)n * SNAPFILE_IMAGE_SIZE)
		return refuse(why, "IMAGES section: %llu bytes for %u images (at most %u of %u bytes)",
			      (unsigned long long)r->len, n, FWSNAP_MAX_IMAGES,
			      SNAPFILE_IMAGE_SIZE);
	f->s.img_dropped = le_read32(r->p + 4);
	for (uint32_t i = 0; i < n; i++) {
		int err = read_image(r->p + 8 + (size_t)i * SNAPFILE_IMAGE_SIZE, i,
				     &f->img[i], why);

		if (err)
			return err;
	}
	f->s.nimg = n;
	return 0;
}

static int read_layout(const struct secref *r, struct snapfile_layout *l, char *why)
{
	uint64_t *v[8] = { &l->text, &l->text_end, &l->rodata, &l->rodata_end,
			   &l->data, &l->data_end, &l->owned, &l->owned_end };
	uint32_t n;

	if (r->len < LAYOUT_HEAD)
		return refuse(why, "LAYOUT section: %llu bytes, shorter than its %u-byte header",
			      (unsigned long long)r->len, LAYOUT_HEAD);
	n = le_read32(r->p + 64);
	if (n > SNAPFILE_MAX_EXTRA || r->len != LAYOUT_HEAD + (uint64_t)n * EXTRA_SIZE)
		return refuse(why, "LAYOUT section: %llu bytes for %u extra ranges (at most %u)",
			      (unsigned long long)r->len, n, SNAPFILE_MAX_EXTRA);
	for (int i = 0; i < 8; i++)
		*v[i] = le_read64(r->p + 8 * i);
	l->nextra = n;
	for (uint32_t i = 0; i < n; i++) {
		const uint8_t *p = r->p + LAYOUT_HEAD + i * EXTRA_SIZE;

		l->extra[i] = (struct snapfile_extra){ le_read64(p), le_read64(p + 8), le_read32(p + 16),
						       le_read32(p + 20) };
	}
	return 0;
}

/* The walk of check_tables needs no leaves. */
static void no_leaf(void *ctx, const struct fwsnap_leaf *l)
{
	UNUSED(ctx);
	UNUSED(l);
}

/* The tables from CR3 must be whole: no page missing, no loop. */
static int check_tables(const struct fwsnap *s, char *why)
{
	uint64_t bad = 0;
	int err;

	if (s->pt_dropped || (s->cr4 & FWSNAP_CR4_LA57))
		return 0;
	err = fwsnap_walk(s, 0, FWSNAP_VA_END - 1, no_leaf, NULL, &bad);
	if (err == -ENOENT)
		return refuse(why, "page tables: an entry points to 0x%llx, a table page not in the file",
			      (unsigned long long)bad);
	if (err == -FWSNAP_ELOOP)
		return refuse(why, "page tables: the table at 0x%llx is its own ancestor (a loop)",
			      (unsigned long long)bad);
	if (err)
		return refuse(why, "page tables: more than %u table visits from CR3",
			      FWSNAP_WALK_MAX_TABLES);
	return 0;
}

/* The known sections' payloads into f. */
static int read_payloads(const struct secref *sec, struct snapfile *f, char *why)
{
	int err = read_efimm(&sec[SNAPFILE_SEC_EFIMM], &f->m, why);

	if (!err)
		err = read_regs(&sec[SNAPFILE_SEC_REGS], f, why);
	if (!err)
		err = read_cpuid(&sec[SNAPFILE_SEC_CPUID], &f->m, why);
	if (!err)
		err = read_memmap(&sec[SNAPFILE_SEC_MEMMAP], &f->s, why);
	if (!err)
		err = read_pt(&sec[SNAPFILE_SEC_PTPAGES], f, why);
	if (!err)
		err = read_images(&sec[SNAPFILE_SEC_IMAGES], f, why);
	if (!err && sec[SNAPFILE_SEC_LAYOUT].seen) {
		f->m.has_layout = true;
		err = read_layout(&sec[SNAPFILE_SEC_LAYOUT], &f->m.layout, why);
	}
	if (!err && sec[SNAPFILE_SEC_MAT].seen) {
		f->s.mat = sec[SNAPFILE_SEC_MAT].p;
		f->s.mat_size = (size_t)sec[SNAPFILE_SEC_MAT].len;
	}
	return err;
}

int snapfile_read(const uint8_t *buf, size_t len, struct snapfile *f, char *why)
{
	struct secref sec[SNAPFILE_SEC_COUNT] = { 0 };
	uint32_t nsec = 0;
	int err;

	memset(&f->m, 0, sizeof(f->m));
	fwsnap_init(&f->s);
	f->s.pt = f->pt;
	f->s.pt_cap = FWSNAP_MAX_PT_PAGES;
	f->s.img = f->img;
	f->s.img_cap = FWSNAP_MAX_IMAGES;
	why[0] = '\0';
	err = read_header(buf, len, &nsec, why);
	if (!err)
		err = read_sections(buf, len, nsec, sec, why);
	if (!err)
		err = read_payloads(sec, f, why);
	if (!err)
		err = check_tables(&f->s, why);
	return err;
}

bool snapfile_cpuid_get(const struct snapfile_meta *m, uint32_t leaf,
			uint32_t subleaf, struct snapfile_cpuid *out)
{
	for (uint32_t i = 0; i < m->ncpuid && i < SNAPFILE_MAX_CPUID; i++)
		if (m->cpuid[i].leaf == leaf && m->cpuid[i].subleaf == subleaf) {
			*out = m->cpuid[i];
			return true;
		}
	return false;
}
