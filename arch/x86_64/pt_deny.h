/*
 * arch/x86_64/pt_deny.h - why the CPU denied an access, read back from
 * the page tables: the fatal report of a #PF says which entry (or which
 * CR4 protection) refused it, e.g. "U/S clear in the PDE
 * (supervisor-only)" or "SMAP: ...".
 *
 * The rules are the SDM's (vol. 3, 4.6 "access rights"): U/S and R/W
 * must allow the access at every level, XD at any level forbids
 * fetches when EFER.NXE is set; supervisor accesses to user pages are
 * governed by SMEP (fetches) and SMAP (data, unless RFLAGS.AC).  Not
 * modelled: protection keys, reserved-bit faults (XD with NXE clear is
 * simply ignored), implicit supervisor accesses (SMAP regardless of AC),
 * and shadow stacks.
 */
#ifndef ARCH_X86_64_PT_DENY_H
#define ARCH_X86_64_PT_DENY_H

#include "../../lib/types.h"

enum pt_deny_why {
	PT_DENY_NONE,         /* the tables allow it */
	PT_DENY_NOT_PRESENT,  /* an entry on the walk has P clear */
	PT_DENY_US,           /* user access, U/S clear at some level */
	PT_DENY_RW,           /* write, R/W clear at some level */
	PT_DENY_XD,           /* fetch, XD set at some level (NXE on) */
	PT_DENY_SMEP,         /* supervisor fetch from a user page */
	PT_DENY_SMAP,         /* supervisor data access to a user page */
};

/* The access and the CPU state that governs it. */
struct pt_access {
	bool user;                 /* CPL 3 */
	bool write, exec;          /* data write / instruction fetch (neither:
				    * data read) */
	bool wp, nxe, smep, smap;  /* CR0.WP, EFER.NXE, CR4.SMEP, CR4.SMAP */
	bool ac;                   /* RFLAGS.AC (SMAP exemption for explicit
				    * supervisor accesses) */
};

struct pt_deny {
	enum pt_deny_why why;
	int level;  /* PT_LEVEL_* of the deciding entry; -1: NONE, SMEP, SMAP */
};

/*
 * Walks root's tables (levels deep: 4 or 5) for va (canonical: a #PF
 * address always is) and says what forbids access a.  When several
 * rules do, the first of:
 * not present, U/S (user), SMEP/SMAP (supervisor), R/W, XD; for U/S,
 * R/W and XD the level is the highest (closest to the root) entry that
 * decides.  A paged-out PTE is not present.
 */
struct pt_deny pt_deny_check(paddr_t root, unsigned int levels, vaddr_t va,
			     const struct pt_access *a);

/*
 * Writes one line (no newline) describing d into buf (size > 0; cut to
 * fit), e.g. "R/W clear in the PTE (read-only)" or "not present: the
 * PDPTE is empty".  Returns buf.
 */
const char *pt_deny_text(const struct pt_deny *d, char *buf, size_t size);

#endif
