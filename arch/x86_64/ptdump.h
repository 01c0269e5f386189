/*
 * arch/x86_64/ptdump.h - page-table dumps of ANY root (the firmware's
 * live tables from CR3, or efimm's), after Linux mm/ptdump.c: one walker
 * (pt_visit) feeding separate printers.  Every function takes the root's
 * number of levels: 4 (PML4 on top) or 5 (LA57, PML5 on top).
 *
 *   ptdump_ranges  runs of identical attributes, one line each, with
 *                  region markers and the W+X audit line;
 *   ptdump_grid    Zephyr's (x86_mmu.c) per-table 64-column character grid;
 *   ptdump_walk    one address, level by level (fault report, `ptdump ADDR`);
 *   ptdump_wx_count  the W+X audit alone.
 *
 * Permissions are the effective ones: RW/US need every level to allow
 * them, XD at any level wins.
 */
#ifndef ARCH_X86_64_PTDUMP_H
#define ARCH_X86_64_PTDUMP_H

#include "../../lib/types.h"

/* "---[ name ]---" is printed before the first entry at or above start. */
struct ptdump_marker {
	vaddr_t start;
	const char *name;
};

struct ptdump_opts {
	const char *header;                  /* first line, no newline */
	const struct ptdump_marker *markers; /* ascending start; may be NULL */
	size_t nmarkers;
	/* IA32_PAT as the dumped tables are used with.  If !pat_known the
	 * CACHE column shows the raw bits: "PAT+PCD+PWT" subsets, "-" none. */
	bool pat_known;
	uint64_t pat;
};

/*
 * Prints o->header, then one line per run of contiguous pages with the
 * same attributes and page size:
 *   START-END  SIZE  RW|RO  X|NX  U|S  CACHE  PAGESIZE
 * (END inclusive; paged-out runs print "swapped" instead of attributes),
 * markers where they fall, and "W+X audit: N W+X pages (PASS|FAIL)".
 * Returns N, the number of 4 KiB pages both writable and executable.
 */
uint64_t ptdump_ranges(paddr_t root, unsigned int levels,
		       const struct ptdump_opts *o);

/*
 * Prints every table, root first then each child after its parent
 * (depth first), as "NAME at 0x...: entire address space" or
 * "NAME at 0x...: for 0xSTART - 0xEND", then 512 characters in rows of
 * 64: '.' not present, 'w' RW+NX, 'a' RW+X, 'r' RO+NX, 'x' RO+X,
 * uppercase for user, 's'/'S' paged out.  Colours: identity-mapped leaf
 * YELLOW, other leaf GREEN, table MAGENTA, not present GREY, paged out RED.
 */
void ptdump_grid(paddr_t root, unsigned int levels);

/*
 * Prints va's walk: one "NAMEE: 0xVIRT -> 0xPHYS: FLAGS" line per level
 * (VIRT: start of the range the entry covers; PHYS: the table or page it
 * points to), ending in the leaf, "NAMEE: not present" or
 * "PTE: paged out to slot N: FLAGS".
 */
void ptdump_walk(paddr_t root, unsigned int levels, vaddr_t va);

/* Number of 4 KiB pages mapped writable and executable under root. */
uint64_t ptdump_wx_count(paddr_t root, unsigned int levels);

#endif
