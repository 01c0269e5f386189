/*
 * pure/elf.c - the payload ELF checker (see elf.h for the contract).
 *
 * The file is untrusted: every header is copied out with memcpy (the
 * buffer may be unaligned), every sum of two file-supplied numbers is
 * checked for wrap-around before it is used, and the first violation
 * stops the check with a reason.  The image is built in a local copy and
 * only handed to the caller when everything passed.
 */
#include "../lib/assert.h"
#include "../lib/errno.h"
#include "../lib/kstring.h"
#include "../lib/printf.h"
#include "elf.h"

/* The ELF64 structures and constants this checker needs (System V ABI). */
struct elf64_ehdr {
	uint8_t  e_ident[16];
	uint16_t e_type;
	uint16_t e_machine;
	uint32_t e_version;
	uint64_t e_entry;
	uint64_t e_phoff;
	uint64_t e_shoff;
	uint32_t e_flags;
	uint16_t e_ehsize;
	uint16_t e_phentsize;
	uint16_t e_phnum;
	uint16_t e_shentsize;
	uint16_t e_shnum;
	uint16_t e_shstrndx;
};

struct elf64_phdr {
	uint32_t p_type;
	uint32_t p_flags;
	uint64_t p_offset;
	uint64_t p_vaddr;
	uint64_t p_paddr;
	uint64_t p_filesz;
	uint64_t p_memsz;
	uint64_t p_align;
};

struct elf64_shdr {
	uint32_t sh_name;
	uint32_t sh_type;
	uint64_t sh_flags;
	uint64_t sh_addr;
	uint64_t sh_offset;
	uint64_t sh_size;
	uint32_t sh_link;
	uint32_t sh_info;
	uint64_t sh_addralign;
	uint64_t sh_entsize;
};

struct elf64_sym {
	uint32_t st_name;
	uint8_t  st_info;
	uint8_t  st_other;
	uint16_t st_shndx;
	uint64_t st_value;
	uint64_t st_size;
};

#define SHT_SYMTAB      2
#define STT_FUNC        2

#define EI_CLASS        4
#define EI_DATA         5
#define EI_VERSION      6
#define EI_OSABI        7
#define ELFCLASS64      2
#define ELFDATA2LSB     1
#define EV_CURRENT      1
#define ELFOSABI_SYSV   0
#define ELFOSABI_GNU    3
#define ET_EXEC         2
#define EM_X86_64       62
#define PT_LOAD         1
#define PT_DYNAMIC      2
#define PT_INTERP       3
#define PT_TLS          7
#define PF_X            1u
#define PF_W            2u
#define PF_R            4u

struct elf_ctx {
	const uint8_t *file;
	size_t size;
	const struct elf_limits *lim;
	char *why;
	size_t whylen;
	struct elf_image img;
	uint32_t phidx[ELF_MAX_SEGMENTS];  /* program header index of seg[i] */
};

/* Records the reason and returns err, so a check can `return fail(...)`. */
__attribute__((format(printf, 3, 4)))
static int fail(struct elf_ctx *c, int err, const char *fmt, ...)
{
	va_list ap;

	if (c->whylen) {
		va_start(ap, fmt);
		kvsnprintf(c->why, c->whylen, fmt, ap);
		va_end(ap);
	}
	return err;
}

/* True if [off, off+len) lies inside the file, without wrapping. */
static bool in_file(const struct elf_ctx *c, uint64_t off, uint64_t len)
{
	return off <= c->size && len <= c->size - off;
}

/* Bits 63..47 all equal (x86_64 4-level paging).  Own copy: this file
 * must not depend on arch/. */
static bool canonical(uint64_t va)
{
	uint64_t top = va >> 47;

	return top == 0 || top == (UINT64_MAX >> 47);
}

/* e_ident: magic, class, byte order, version, OS ABI. */
static int check_ident(struct elf_ctx *c, const struct elf64_ehdr *eh)
{
	const uint8_t *id = eh->e_ident;

	if (id[0] != 0x7f || id[1] != 'E' || id[2] != 'L' || id[3] != 'F')
		return fail(c, -ENOEXEC, "bad magic (not an ELF file)");
	if (id[EI_CLASS] != ELFCLASS64)
		return fail(c, -ENOEXEC, "not a 64-bit ELF (class %u)",
			    id[EI_CLASS]);
	if (id[EI_DATA] != ELFDATA2LSB)
		return fail(c, -ENOEXEC, "not little-endian (data encoding %u)",
			    id[EI_DATA]);
	if (id[EI_VERSION] != EV_CURRENT)
		return fail(c, -ENOEXEC, "bad ELF version %u", id[EI_VERSION]);
	if (id[EI_OSABI] != ELFOSABI_SYSV && id[EI_OSABI] != ELFOSABI_GNU)
		return fail(c, -ENOEXEC, "unsupported OS ABI %u", id[EI_OSABI]);
	return 0;
}

/* The rest of the ELF header, and the program header table's bounds. */
static int check_header(struct elf_ctx *c, const struct elf64_ehdr *eh)
{
	uint64_t tabsz;

	if (eh->e_type != ET_EXEC)
		return fail(c, -ENOEXEC,
			    "not an executable (type %u; payloads are static ET_EXEC)",
			    eh->e_type);
	if (eh->e_machine != EM_X86_64)
		return fail(c, -ENOEXEC, "wrong machine %u (need x86_64, %u)",
			    eh->e_machine, EM_X86_64);
	if (eh->e_version != EV_CURRENT)
		return fail(c, -ENOEXEC, "bad ELF version %u", eh->e_version);
	if (eh->e_ehsize < sizeof(*eh))
		return fail(c, -ENOEXEC, "bad ELF header size %u", eh->e_ehsize);
	if (eh->e_phnum == 0)
		return fail(c, -ENOEXEC, "no program headers");
	if (eh->e_phentsize != sizeof(struct elf64_phdr))
		return fail(c, -ENOEXEC, "bad program header size %u (need %zu)",
			    eh->e_phentsize, sizeof(struct elf64_phdr));
	if (eh->e_phnum > c->lim->max_phnum)
		return fail(c, -E2BIG, "too many program headers (%u, limit %u)",
			    eh->e_phnum, c->lim->max_phnum);
	tabsz = (uint64_t)eh->e_phnum * eh->e_phentsize;
	if (!in_file(c, eh->e_phoff, tabsz))
		return fail(c, -ENOEXEC, "program header table outside the file");
	return 0;
}

/* File-level consistency of a PT_LOAD: sizes, bounds, alignment. */
static int check_load_file(struct elf_ctx *c, uint32_t i,
			   const struct elf64_phdr *ph)
{
	uint64_t align = ph->p_align;

	if (ph->p_filesz > ph->p_memsz)
		return fail(c, -ENOEXEC,
			    "segment %u: file size exceeds memory size", i);
	if (!in_file(c, ph->p_offset, ph->p_filesz))
		return fail(c, -ENOEXEC,
			    "segment %u: file contents outside the file", i);
	if (align > 1 && (align & (align - 1)))
		return fail(c, -ENOEXEC,
			    "segment %u: alignment 0x%lx is not a power of two",
			    i, (unsigned long)align);
	if (align > 1 && ph->p_vaddr % align != ph->p_offset % align)
		return fail(c, -ENOEXEC,
			    "segment %u: address and file offset disagree modulo its alignment",
			    i);
	if (ph->p_vaddr % PAGE_SIZE != ph->p_offset % PAGE_SIZE)
		return fail(c, -ENOEXEC,
			    "segment %u: address and file offset disagree modulo the page size",
			    i);
	return 0;
}

/* True if [va, va+len) lies inside the caller's window and is canonical
 * at both ends (the window check alone would trust the caller's limits). */
static bool in_window(const struct elf_limits *lim, uint64_t va, uint64_t len)
{
	if (va < lim->vaddr_lo || va >= lim->vaddr_hi ||
	    len > lim->vaddr_hi - va)
		return false;
	return canonical(va) && canonical(va + len - (len != 0));
}

/* Policy of a PT_LOAD: W^X, size, placement inside the window. */
static int check_load_policy(struct elf_ctx *c, uint32_t i,
			     const struct elf64_phdr *ph)
{
	const struct elf_limits *lim = c->lim;
	uint64_t va = ph->p_vaddr;

	if ((ph->p_flags & (PF_W | PF_X)) == (PF_W | PF_X))
		return fail(c, -EINVAL,
			    "segment %u is both writable and executable", i);
	if (ph->p_memsz > lim->max_memsz)
		return fail(c, -E2BIG,
			    "segment %u is too large (0x%lx bytes, limit 0x%lx)",
			    i, (unsigned long)ph->p_memsz,
			    (unsigned long)lim->max_memsz);
	if (!in_window(lim, va, ph->p_memsz))
		return fail(c, -EINVAL,
			    "segment %u at 0x%lx is outside the payload window 0x%lx-0x%lx",
			    i, (unsigned long)va, (unsigned long)lim->vaddr_lo,
			    (unsigned long)lim->vaddr_hi);
	return 0;
}

/* Adds a checked PT_LOAD to the image (empty ones carry nothing). */
static int add_segment(struct elf_ctx *c, uint32_t i,
		       const struct elf64_phdr *ph)
{
	struct elf_image *img = &c->img;

	if (ph->p_memsz == 0)
		return 0;
	if (img->nseg == ELF_MAX_SEGMENTS)
		return fail(c, -E2BIG, "too many loadable segments (limit %u)",
			    ELF_MAX_SEGMENTS);
	c->phidx[img->nseg] = i;
	img->seg[img->nseg++] = (struct elf_segment){
		.vaddr = ph->p_vaddr,
		.memsz = ph->p_memsz,
		.offset = ph->p_offset,
		.filesz = ph->p_filesz,
		.flags = ((ph->p_flags & PF_R) ? ELF_SEG_R : 0) |
			 ((ph->p_flags & PF_W) ? ELF_SEG_W : 0) |
			 ((ph->p_flags & PF_X) ? ELF_SEG_X : 0),
	};
	return 0;
}

/* One program header: PT_LOAD is checked and kept, a few types that
 * need a run-time efimm does not have are refused, the rest ignored. */
static int check_phdr(struct elf_ctx *c, uint32_t i,
		      const struct elf64_phdr *ph)
{
	int err;

	switch (ph->p_type) {
	case PT_LOAD:
		err = check_load_file(c, i, ph);
		if (!err)
			err = check_load_policy(c, i, ph);
		return err ? err : add_segment(c, i, ph);
	case PT_INTERP:
		return fail(c, -ENOEXEC,
			    "segment %u: interpreter requested (payloads are static)", i);
	case PT_DYNAMIC:
		return fail(c, -ENOEXEC,
			    "segment %u: dynamic section (payloads are static)", i);
	case PT_TLS:
		return fail(c, -ENOEXEC,
			    "segment %u: thread-local storage is not supported", i);
	default:
		return 0;
	}
}

/* Sorts the segments (and their header indices) by address; n <= 16. */
static void sort_segments(struct elf_ctx *c)
{
	struct elf_image *img = &c->img;

	for (uint32_t i = 1; i < img->nseg; i++) {
		struct elf_segment s = img->seg[i];
		uint32_t idx = c->phidx[i];
		uint32_t j = i;

		for (; j > 0 && img->seg[j - 1].vaddr > s.vaddr; j--) {
			img->seg[j] = img->seg[j - 1];
			c->phidx[j] = c->phidx[j - 1];
		}
		img->seg[j] = s;
		c->phidx[j] = idx;
	}
}

/* Page-rounded segments must not share a page (each page gets exactly one
 * set of permissions); also computes the span and page count.  Sums cannot
 * wrap: every segment lies below lim->vaddr_hi. */
static int check_layout(struct elf_ctx *c)
{
	struct elf_image *img = &c->img;
	uint64_t prev_end = 0, pages = 0;

	if (img->nseg == 0)
		return fail(c, -ENOEXEC, "no loadable segment");
	sort_segments(c);
	for (uint32_t i = 0; i < img->nseg; i++) {
		const struct elf_segment *s = &img->seg[i];
		uint64_t lo = ALIGN_DOWN(s->vaddr, PAGE_SIZE);
		uint64_t hi = ALIGN_UP(s->vaddr + s->memsz, PAGE_SIZE);

		if (i > 0 && lo < prev_end)
			return fail(c, -EINVAL, "segments %u and %u overlap",
				    c->phidx[i - 1], c->phidx[i]);
		prev_end = hi;
		pages += (hi - lo) / PAGE_SIZE;
	}
	img->lo = ALIGN_DOWN(img->seg[0].vaddr, PAGE_SIZE);
	img->hi = prev_end;
	img->total_pages = pages;
	if (pages > c->lim->max_memsz / PAGE_SIZE)
		return fail(c, -E2BIG, "image too large (%lu pages, limit %lu)",
			    (unsigned long)pages,
			    (unsigned long)(c->lim->max_memsz / PAGE_SIZE));
	return 0;
}

/* The entry point must be in the file-backed bytes of an X segment. */
static int check_entry(struct elf_ctx *c)
{
	const struct elf_image *img = &c->img;

	for (uint32_t i = 0; i < img->nseg; i++) {
		const struct elf_segment *s = &img->seg[i];

		if ((s->flags & ELF_SEG_X) && img->entry >= s->vaddr &&
		    img->entry - s->vaddr < s->filesz)
			return 0;
	}
	return fail(c, -ENOEXEC,
		    "entry point 0x%lx is not in an executable segment",
		    (unsigned long)img->entry);
}

void elf_limits_default(struct elf_limits *lim)
{
	*lim = (struct elf_limits){
		.vaddr_lo = ELF_WINDOW_LO,
		.vaddr_hi = ELF_WINDOW_HI - ELF_STACK_RESERVE,
		.max_phnum = 64,
		.max_memsz = GiB(1),
	};
}

/* Header, then each program header, then the image as a whole. */
static int check_all(struct elf_ctx *c)
{
	struct elf64_ehdr eh;
	struct elf64_phdr ph;
	int err;

	if (c->size < sizeof(eh))
		return fail(c, -ENOEXEC, "file too small for an ELF header (%zu bytes)",
			    c->size);
	memcpy(&eh, c->file, sizeof(eh));
	err = check_ident(c, &eh);
	if (!err)
		err = check_header(c, &eh);
	for (uint32_t i = 0; !err && i < eh.e_phnum; i++) {
		memcpy(&ph, c->file + eh.e_phoff + (uint64_t)i * sizeof(ph),
		       sizeof(ph));
		err = check_phdr(c, i, &ph);
	}
	if (err)
		return err;
	c->img.entry = eh.e_entry;
	err = check_layout(c);
	return err ? err : check_entry(c);
}

int elf_check(const void *file, size_t size, const struct elf_limits *lim,
	      struct elf_image *out, char *why, size_t whylen)
{
	struct elf_ctx c = {
		.file = file, .size = size, .lim = lim,
		.why = why, .whylen = whylen,
	};
	int err;

	ASSERT(lim && out && (why || whylen == 0), "elf: bad arguments");
	ASSERT(lim->vaddr_lo < lim->vaddr_hi &&
	       IS_ALIGNED(lim->vaddr_lo, PAGE_SIZE) &&
	       IS_ALIGNED(lim->vaddr_hi, PAGE_SIZE),
	       "elf: bad window 0x%lx-0x%lx", (unsigned long)lim->vaddr_lo,
	       (unsigned long)lim->vaddr_hi);
	ASSERT(file || size == 0, "elf: NULL file of size %zu", size);
	if (whylen)
		why[0] = '\0';
	err = check_all(&c);
	if (!err)
		*out = c.img;
	return err;
}

/* Section header i, if the table and the header lie inside the file. */
static bool read_shdr(const uint8_t *file, size_t size, const struct elf64_ehdr *eh,
		      uint32_t i, struct elf64_shdr *sh)
{
	uint64_t off = eh->e_shoff + (uint64_t)i * sizeof(*sh);

	if (eh->e_shentsize != sizeof(*sh) || i >= eh->e_shnum ||
	    off < eh->e_shoff || off > size || sizeof(*sh) > size - off)
		return false;
	memcpy(sh, file + off, sizeof(*sh));
	return true;
}

/* Copies the STT_FUNC symbols with a value of symtab sh into out (at most
 * max); returns how many there are in all. */
static int copy_functions(const uint8_t *file, const struct elf64_shdr *sh,
			  struct symtab_entry *out, size_t max)
{
	size_t count = sh->sh_size / sizeof(struct elf64_sym), n = 0;

	for (size_t i = 0; i < count; i++) {
		struct elf64_sym sym;

		memcpy(&sym, file + sh->sh_offset + i * sizeof(sym), sizeof(sym));
		if ((sym.st_info & 0xf) != STT_FUNC || sym.st_value == 0)
			continue;
		if (n < max)
			out[n] = (struct symtab_entry){ .addr = sym.st_value,
							.size = sym.st_size,
							.name = sym.st_name };
		n++;
	}
	return n > (size_t)INT32_MAX ? INT32_MAX : (int)n;
}

int elf_symbols(const void *file, size_t size, struct symtab_entry *out,
		size_t max, const char **names, size_t *names_size)
{
	const uint8_t *f = file;
	struct elf64_ehdr eh;
	struct elf64_shdr sh, str;

	*names = NULL;
	*names_size = 0;
	if (size < sizeof(eh))
		return -ENOEXEC;
	memcpy(&eh, f, sizeof(eh));
	for (uint32_t i = 0; eh.e_shoff && i < eh.e_shnum; i++) {
		if (!read_shdr(f, size, &eh, i, &sh))
			return -ENOEXEC;
		if (sh.sh_type != SHT_SYMTAB)
			continue;
		if (sh.sh_offset > size || sh.sh_size > size - sh.sh_offset ||
		    !read_shdr(f, size, &eh, sh.sh_link, &str) ||
		    str.sh_offset > size || str.sh_size > size - str.sh_offset ||
		    str.sh_size == 0 || f[str.sh_offset + str.sh_size - 1] != '\0')
			return -ENOEXEC;
		*names = (const char *)f + str.sh_offset;
		*names_size = str.sh_size;
		return copy_functions(f, &sh, out, max);
	}
	return 0;
}
