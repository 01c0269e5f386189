/*
 * tests/fuzz/fuzz_audit.c - libFuzzer target for pure/fwsnap.c and
 * pure/audit.c: a snapshot made of untrusted bytes (what a snapshot file
 * will carry: a memory map, a Memory Attributes Table, page-table pages
 * pointing anywhere, loops included, images with any sections) must give
 * verdicts, never a read outside its buffers, a hang or a crash.
 *
 * Input: a header (flags, descriptor size, CR3, RSP, the map's and the
 * MAT's lengths), the map, the MAT, one image's base/size and sections,
 * then table pages of 8 bytes of physical address and 4,096 bytes each.
 * Every buffer is copied to a heap block of exactly its size, so ASan
 * catches any read past it.  The report's counts must add up.
 */
#include <stdlib.h>
#include <string.h>

#include "../../pure/audit.h"

#define MAX_PAGES 8

struct cursor {
	const uint8_t *p;
	size_t left;
};

/* n bytes from c into a fresh heap block (NULL when n is 0 or short). */
static void *take(struct cursor *c, size_t n)
{
	void *b;

	if (n == 0 || n > c->left)
		return NULL;
	b = malloc(n);
	memcpy(b, c->p, n);
	c->p += n;
	c->left -= n;
	return b;
}

static uint64_t take_u64(struct cursor *c)
{
	uint64_t v = 0;

	if (c->left >= 8) {
		memcpy(&v, c->p, 8);
		c->p += 8;
		c->left -= 8;
	}
	return v;
}

/* One image with up to FWSNAP_MAX_SECTIONS sections from the input. */
static void take_image(struct cursor *c, struct fwsnap_image *img)
{
	memset(img, 0, sizeof(*img));
	strcpy(img->name, "fuzz");
	img->base = take_u64(c);
	img->size = take_u64(c) & 0xffffffffu;
	img->pe_ok = (img->base & 1) == 0;
	img->nsect = (uint32_t)(img->size % (FWSNAP_MAX_SECTIONS + 1));
	img->nsect_total = img->nsect;
	for (uint32_t i = 0; i < img->nsect; i++) {
		uint64_t a = take_u64(c), b = take_u64(c);

		memcpy(img->sect[i].name, "s", 2);
		img->sect[i].rva = (uint32_t)a;
		img->sect[i].size = (uint32_t)(a >> 32);
		img->sect[i].characteristics = (uint32_t)b;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t desc_sizes[] = { 40, 48, 56, 8, 0, 4096 };
	struct cursor c = { data, size };
	struct fwsnap_ptpage pt[MAX_PAGES];
	struct fwsnap_image img;
	struct audit_report r;
	struct fwsnap s;
	uint64_t hdr = take_u64(&c), lens = take_u64(&c);
	unsigned int passed;

	fwsnap_init(&s);
	s.desc_size = desc_sizes[(hdr & 0xff) % 6];
	s.desc_version = (uint32_t)((hdr >> 8) & 3);
	s.mem_attr_protocol = (hdr >> 10) & 1;
	s.cr0 = (hdr >> 11) & 1 ? FWSNAP_CR0_WP : 0;
	s.efer = (hdr >> 12) & 1 ? FWSNAP_EFER_NXE : 0;
	s.cr4 = (hdr >> 13) & 1 ? FWSNAP_CR4_LA57 : 0;
	s.cr3 = take_u64(&c);
	s.rsp = take_u64(&c);
	s.map_size = lens & 0x3fff;
	s.map = take(&c, s.map_size);
	s.map_size = s.map ? s.map_size : 0;
	s.mat_size = (lens >> 16) & 0x3fff;
	s.mat = take(&c, s.mat_size);
	s.mat_size = s.mat ? s.mat_size : 0;
	take_image(&c, &img);
	s.img = &img;
	s.nimg = s.img_cap = 1;
	s.pt = pt;
	s.pt_cap = MAX_PAGES;
	while (s.npt < MAX_PAGES && c.left >= 8 + FWSNAP_PAGE_SIZE) {
		uint64_t phys = take_u64(&c) & FWSNAP_PTE_ADDR;
		uint8_t *page = take(&c, FWSNAP_PAGE_SIZE);

		if (fwsnap_pt_add(&s, phys, page) != 0)
			free(page);
	}
	audit_run(&s, &r);
	audit_print(&r);
	passed = r.passed + r.failed + r.warned + r.skipped;
	if (r.n != AUDIT_NRULES || passed != r.n)
		abort();
	for (size_t i = 0; i < s.npt; i++)
		free((void *)s.pt[i].data);
	free((void *)s.map);
	free((void *)s.mat);
	return 0;
}
