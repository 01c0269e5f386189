/*
 * tests/fuzz/fuzz_elf.c - libFuzzer target for pure/elf.c.
 *
 * Input: one byte choosing the reason buffer's length, then the ELF file.
 * The file is copied to a buffer of exactly its size so ASan catches any
 * read past it.  On success every promise of elf.h is re-checked here
 * (segments inside the window, sorted and page-disjoint, file contents
 * inside the file, no W+X, entry in file-backed executable bytes); on
 * failure the reason must be a NUL-terminated line.  A broken promise
 * aborts, which libFuzzer reports with the input.  elf_symbols runs on
 * every input too (it reads untrusted section headers): its string table
 * must lie inside the file, a looked-up name inside the table, and the
 * sort must leave the entries in order.
 */
#include <stdlib.h>
#include <string.h>

#include "../../pure/elf.h"

static void require(bool ok)
{
	if (!ok)
		abort();
}

static void check_segment(const struct elf_segment *s, size_t size,
			  const struct elf_limits *lim, uint64_t entry,
			  bool *entry_ok)
{
	require(s->memsz > 0 && s->filesz <= s->memsz);
	require(s->offset <= size && s->filesz <= size - s->offset);
	require(s->vaddr >= lim->vaddr_lo && s->vaddr < lim->vaddr_hi &&
		s->memsz <= lim->vaddr_hi - s->vaddr);
	require((s->flags & (ELF_SEG_W | ELF_SEG_X)) != (ELF_SEG_W | ELF_SEG_X));
	if ((s->flags & ELF_SEG_X) && entry >= s->vaddr &&
	    entry - s->vaddr < s->filesz)
		*entry_ok = true;
}

/* elf_symbols over the same file, then the sort and a lookup. */
static void check_symbols(const uint8_t *file, size_t size)
{
	struct symtab_entry e[64];
	struct symtab t = { .e = e };
	const char *names, *name;
	uint64_t off;
	int n = elf_symbols(file, size, e, 64, &names, &t.names_size);

	if (n <= 0)
		return;
	require(names >= (const char *)file && t.names_size <= size &&
		names + t.names_size <= (const char *)file + size);
	t.n = n < 64 ? (size_t)n : 64;
	t.names = names;
	symtab_sort(e, t.n);
	for (size_t i = 1; i < t.n; i++)
		require(e[i - 1].addr <= e[i].addr);
	name = symtab_lookup(&t, e[0].addr, &off);
	require(name && off == 0);
	require(strcmp(name, "?") == 0 ||
		(name >= names && name + strlen(name) < names + t.names_size));
}

static void check_image(const struct elf_image *img, size_t size,
			const struct elf_limits *lim)
{
	bool entry_ok = false;
	uint64_t pages = 0;

	require(img->nseg >= 1 && img->nseg <= ELF_MAX_SEGMENTS);
	for (uint32_t i = 0; i < img->nseg; i++) {
		const struct elf_segment *s = &img->seg[i];
		uint64_t lo = ALIGN_DOWN(s->vaddr, PAGE_SIZE);
		uint64_t hi = ALIGN_UP(s->vaddr + s->memsz, PAGE_SIZE);

		check_segment(s, size, lim, img->entry, &entry_ok);
		if (i > 0)
			require(lo >= ALIGN_UP(img->seg[i - 1].vaddr +
					       img->seg[i - 1].memsz, PAGE_SIZE));
		pages += (hi - lo) / PAGE_SIZE;
	}
	require(entry_ok && pages == img->total_pages);
	require(pages <= lim->max_memsz / PAGE_SIZE);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct elf_limits lim;
	struct elf_image img;
	char why[96];
	size_t whylen;
	uint8_t *file;
	int err;

	if (size < 1)
		return 0;
	whylen = data[0] % (sizeof(why) + 1);
	file = malloc(size - 1 ? size - 1 : 1);
	memcpy(file, data + 1, size - 1);
	elf_limits_default(&lim);
	memset(why, 'x', sizeof(why));
	err = elf_check(file, size - 1, &lim, &img, whylen ? why : NULL, whylen);
	if (err == 0)
		check_image(&img, size - 1, &lim);
	else if (whylen)
		require(memchr(why, '\0', whylen) && !strchr(why, '\n') &&
			(whylen == 1 || why[0] != '\0'));
	check_symbols(file, size - 1);
	free(file);
	return 0;
}
