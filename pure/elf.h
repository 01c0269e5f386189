/*
 * pure/elf.h - the payload ELF checker.
 *
 * elf_check() validates a whole payload file before the loader changes
 * anything (maps a page, copies a byte): once it returns 0 the loader can
 * trust every number in struct elf_image without re-checking it.  It is
 * pure code - no firmware call, no allocation, no global state - so it
 * runs on the host under the unit tests and the fuzzer too.
 *
 * What a payload is (see payload/sdk/): an ELF64 little-endian x86_64
 * ET_EXEC, statically linked, whose PT_LOAD segments lie in the payload
 * image window and are never both writable and executable.
 */
#ifndef EFI_ELF_H
#define EFI_ELF_H

#include "../lib/symtab.h"
#include "../lib/types.h"

/* The payload image window of the virtual layout (design: 0x5000_0000_0000
 * up to the last page below 0x6000_0000_0000). */
#define ELF_WINDOW_LO        0x0000500000000000ULL
#define ELF_WINDOW_HI        0x00005FFFFFFFF000ULL

/* Default room kept free at the top of the window for the payload stack
 * and its guard page: segments must end below ELF_WINDOW_HI minus this. */
#define ELF_STACK_RESERVE    GiB(1)

/* Most PT_LOAD segments an image may have (struct elf_image's array). */
#define ELF_MAX_SEGMENTS     16

/* Segment permissions in struct elf_segment.flags. */
#define ELF_SEG_R            (1u << 0)
#define ELF_SEG_W            (1u << 1)
#define ELF_SEG_X            (1u << 2)

/*
 * What the caller allows.  Segments (page-rounded) must lie inside
 * [vaddr_lo, vaddr_hi); the file may have at most max_phnum program
 * headers; the page-rounded sizes of all segments may add up to at most
 * max_memsz bytes.
 */
struct elf_limits {
	uint64_t vaddr_lo;
	uint64_t vaddr_hi;
	uint32_t max_phnum;
	uint64_t max_memsz;
};

/* One PT_LOAD segment, exactly as in the file (not page-rounded):
 * copy filesz bytes from file offset `offset` to vaddr, zero up to memsz. */
struct elf_segment {
	uint64_t vaddr;
	uint64_t memsz;
	uint64_t offset;
	uint64_t filesz;
	uint32_t flags;         /* ELF_SEG_* */
};

/* A checked image.  Segments are sorted by vaddr; [lo, hi) is the
 * page-rounded span they cover. */
struct elf_image {
	uint64_t entry;
	uint32_t nseg;
	struct elf_segment seg[ELF_MAX_SEGMENTS];
	uint64_t lo;
	uint64_t hi;
	uint64_t total_pages;   /* pages the loader must map */
};

/*
 * Fills *lim with the defaults: the whole window minus ELF_STACK_RESERVE
 * at its top, at most 64 program headers and 1 GiB of segments.
 */
void elf_limits_default(struct elf_limits *lim);

/*
 * Checks the ELF file [file, file+size) against lim.  file may have any
 * alignment.  Returns 0 and fills *out, or a negative errno and writes a
 * one-line reason (no "efimm:" prefix, no newline; the caller prints
 * "efimm: PATH: REASON") into why (why may be NULL when whylen is 0):
 *   -ENOEXEC  not a valid x86_64 static ELF64 executable (bad magic,
 *             class, byte order, version, machine, type, truncated or
 *             inconsistent headers, misaligned segment, entry point not
 *             in executable file contents, interpreter, dynamic, TLS);
 *   -E2BIG    too many program headers or PT_LOAD segments, a segment or
 *             the image larger than lim->max_memsz;
 *   -EINVAL   violates efimm's policy: segment writable and executable,
 *             outside [vaddr_lo, vaddr_hi), overlapping another one.
 * *out is only written on success.  lim is the caller's: ASSERTs that
 * vaddr_lo < vaddr_hi, both page-aligned.
 */
int elf_check(const void *file, size_t size, const struct elf_limits *lim,
	      struct elf_image *out, char *why, size_t whylen);

/*
 * The function symbols of the ELF file [file, file+size) (untrusted; any
 * alignment): writes {st_value, st_size, st_name} of every STT_FUNC
 * symbol with a non-zero value in its .symtab to out[0..max), unsorted,
 * points *names at the symbol table's string table inside the file
 * (*names_size bytes) and returns how many such symbols there are in all
 * (only max are written).  0 for a file without a symbol table
 * (stripped); -ENOEXEC when a section header, the symbol table or its
 * string table lies outside the file, or the string table does not end
 * in a NUL (so every name is a string inside it).  Names are offsets into *names
 * (symtab_lookup refuses one outside it).
 */
int elf_symbols(const void *file, size_t size, struct symtab_entry *out,
		size_t max, const char **names, size_t *names_size);

#endif
