/*
 * lib/symtab.h - a table of function symbols and the lookup a backtrace
 * needs: which function holds an address, and how far into it.
 *
 * efimm's own table is generated at build time (tools/ksyms.py: from the
 * first link's symbols; entries are offsets from the image base); a
 * payload's comes from its ELF .symtab (pure/elf.c elf_symbols), read
 * before ExitBootServices.  Entries are sorted by address; names are
 * offsets into one blob of NUL-terminated strings.
 */
#ifndef LIB_SYMTAB_H
#define LIB_SYMTAB_H

#include "types.h"

struct symtab_entry {
	uint64_t addr;          /* from the table's base */
	uint64_t size;          /* 0: unknown (up to the next entry) */
	uint32_t name;          /* offset into names */
};

struct symtab {
	const struct symtab_entry *e;   /* sorted by addr */
	size_t n;
	const char *names;
	size_t names_size;              /* bytes of names */
	uint64_t base;                  /* added to every addr */
	const char *module;             /* "efimm", a payload's name */
};

/* efimm's own table (build/gen/ksyms.c, made by tools/ksyms.py; in the
 * UEFI image only).  Its base is 0: add the image base to look up. */
extern const struct symtab efimm_ksyms;

/*
 * The symbol holding addr: the last entry at or below it, if addr lies
 * within its size (or, size 0, below the next entry: the last entry with
 * size 0 covers nothing).  Returns its name
 * and sets *off, or returns NULL.  A name offset outside names reads as
 * "?".
 */
const char *symtab_lookup(const struct symtab *t, uint64_t addr, uint64_t *off);

/* Sorts e[0..n) by addr, in place, in O(n log n). */
void symtab_sort(struct symtab_entry *e, size_t n);

#endif
