/*
 * arch/x86_64/pte.h - x86_64 4- and 5-level paging entries: every bit
 * named once (Intel SDM vol. 3A, 4.5, tables 4-15 to 4-20; a PML5E is laid
 * out as a PML4E), the address masks, the canonical-address rule for 48-
 * and 57-bit addresses, and efimm's non-present "paged-out" encoding.
 *
 * A present entry at any level:
 *
 *   63 62  59 58  52 51                      12 11  9 8 7  6 5 4   3   2  1 0
 *  +--+------+------+--------------------------+-----+-+--+-+-+---+---+--+--+-+
 *  |XD| PKEY|ignored|  physical address        | AVL |G|PS|D|A|PCD|PWT|US|RW|P|
 *  +--+------+------+--------------------------+-----+-+--+-+-+---+---+--+--+-+
 *
 * Bit 7 is PS in a PDPTE/PDE and PAT in a PTE; a 2 MiB/1 GiB leaf keeps
 * its PAT bit at bit 12, so its address starts at bit 13 (21/30 in fact).
 */
#ifndef ARCH_X86_64_PTE_H
#define ARCH_X86_64_PTE_H

#include "../../lib/types.h"

#define PTE_P           (1ULL << 0)   /* present */
#define PTE_RW          (1ULL << 1)   /* writable */
#define PTE_US          (1ULL << 2)   /* user accessible */
#define PTE_PWT         (1ULL << 3)   /* write-through (PAT index bit 0) */
#define PTE_PCD         (1ULL << 4)   /* cache disable (PAT index bit 1) */
#define PTE_A           (1ULL << 5)   /* accessed */
#define PTE_D           (1ULL << 6)   /* dirty (leaves only) */
#define PTE_PS          (1ULL << 7)   /* large page (PDPTE, PDE) */
#define PTE_PAT         (1ULL << 7)   /* PAT index bit 2, 4 KiB PTE */
#define PTE_G           (1ULL << 8)   /* global (leaves only) */
#define PTE_PAT_LARGE   (1ULL << 12)  /* PAT index bit 2, 2 MiB/1 GiB leaf */
#define PTE_XD          (1ULL << 63)  /* execute disable (needs EFER.NXE) */

/* Address fields (MAXPHYADDR <= 52). */
#define PTE_ADDR_MASK     0x000FFFFFFFFFF000ULL  /* table or 4 KiB page */
#define PTE_ADDR_2M_MASK  0x000FFFFFFFE00000ULL  /* 2 MiB page */
#define PTE_ADDR_1G_MASK  0x000FFFFFC0000000ULL  /* 1 GiB page */
#define PTE_PHYS_LIMIT    (1ULL << 52)           /* MAXPHYADDR bound */

/*
 * Leaf attributes in the 4 KiB layout ("prot"): what a mapping asks for
 * and what a split or protect carries over.  A/D are state, not attributes.
 */
#define PTE_PROT_MASK  (PTE_RW | PTE_US | PTE_PWT | PTE_PCD | PTE_PAT | \
			PTE_G | PTE_XD)

/* Intermediate entries: P|RW always, US if some leaf below is user;
 * permissions and caching are decided at the leaves. */
#define PTE_TABLE_FLAGS (PTE_P | PTE_RW)

/* Moves PAT from bit 7 (4 KiB layout) to bit 12 (large layout). */
static inline uint64_t pte_prot_to_large(uint64_t prot)
{
	uint64_t pat = (prot & PTE_PAT) ? PTE_PAT_LARGE : 0;

	return (prot & ~PTE_PAT) | pat;
}

/* Inverse of pte_prot_to_large; the result is in the 4 KiB layout. */
static inline uint64_t pte_prot_from_large(uint64_t e)
{
	uint64_t pat = (e & PTE_PAT_LARGE) ? PTE_PAT : 0;

	return (e & (PTE_PROT_MASK & ~PTE_PAT)) | pat;
}

/* PAT index (0..7) of a leaf's PAT:PCD:PWT bits, 4 KiB layout. */
static inline unsigned int pte_pat_index(uint64_t prot)
{
	return ((prot & PTE_PAT) ? 4u : 0u) | ((prot & PTE_PCD) ? 2u : 0u) |
	       ((prot & PTE_PWT) ? 1u : 0u);
}

/*
 * Canonical addresses: with 4-level paging bits 63..47 must all equal
 * bit 47 (48-bit addresses), with 5-level paging (LA57) bits 63..56 must
 * equal bit 56 (57-bit addresses).  The *_w functions take the width;
 * the others use the live paging mode's (pte_live_va_bits, set by
 * pt_set_live_levels() in pt.c).  For 48 bits the lower half ends at
 * PTE_CANON_LOW_END and the upper half starts at PTE_CANON_HIGH_START.
 */
#define PTE_VA_BITS           48
#define PTE_VA_BITS_LA57      57
#define PTE_CANON_LOW_END     0x00007FFFFFFFFFFFULL
#define PTE_CANON_HIGH_START  0xFFFF800000000000ULL

extern unsigned int pte_live_va_bits;

/*
 * The paging mode the CPU runs now (4, or 5 with CR4.LA57), in pt.c:
 * what the canonical checks of addresses not tied to a struct pt use, and
 * the depth of the live (CR3) tables.  4 until the firmware's mode or
 * the LA57 switch says 5; setting it sets pte_live_va_bits.
 */
unsigned int pt_live_levels(void);
void pt_set_live_levels(unsigned int levels);

/* True if va is canonical for bits-bit addresses (48 or 57). */
static inline bool pte_va_canonical_w(vaddr_t va, unsigned int bits)
{
	unsigned int sh = 64 - bits;

	return (vaddr_t)((int64_t)((uint64_t)va << sh) >> sh) == va;
}

/* Sign-extends a bits-bit address (as a walker builds it) to canonical. */
static inline vaddr_t pte_va_canonicalize_w(uint64_t va, unsigned int bits)
{
	unsigned int sh = 64 - bits;

	return (vaddr_t)((int64_t)(va << sh) >> sh);
}

/* True if [va, last] holds only addresses canonical for bits-bit
 * addresses (no hole inside). */
static inline bool pte_range_canonical_w(vaddr_t va, vaddr_t last,
					 unsigned int bits)
{
	return va <= last && pte_va_canonical_w(va, bits) &&
	       pte_va_canonical_w(last, bits) && (va >> 63) == (last >> 63);
}

/* pte_va_canonical_w for the live paging mode's width. */
static inline bool pte_va_canonical(vaddr_t va)
{
	return pte_va_canonical_w(va, pte_live_va_bits);
}

/*
 * Paged-out PTE (4 KiB level only, P = 0, so the CPU ignores every other
 * bit).  The SW marker makes it non-zero even for slot 0 and no
 * permissions, so it is never taken for an unmapped (zero) entry.  The
 * saved bits sit where a present PTE has them, so paging back in is
 * "set P, set the frame".  The location is stored inverted, as Linux
 * does for swap entries: an L1TF speculative load through a non-present
 * PTE then targets the top of the physical space, not RAM.
 *
 *   63 62      52 51                             12 11 10  9  8  7   6 5  4   3   2  1 0
 *  +--+----------+---------------------------------+--+--+--+--+---+-+-+---+---+--+--+-+
 *  |XD|    0     | ~location (40 bits, inverted)   | 0| 0|SW| 0|PAT|0|0|PCD|PWT|US|RW|0|
 *  +--+----------+---------------------------------+--+--+--+--+---+-+-+---+---+--+--+-+
 *   saved                                                 marker    saved permissions
 */
#define PTE_SW_PAGED_OUT   (1ULL << 9)
#define PTE_LOC_SHIFT      12
#define PTE_LOC_BITS       40
#define PTE_LOC_MAX        ((1ULL << PTE_LOC_BITS) - 1)
#define PTE_LOC_MASK       (PTE_LOC_MAX << PTE_LOC_SHIFT)
#define PTE_SAVED_MASK     (PTE_RW | PTE_US | PTE_PWT | PTE_PCD | PTE_PAT | \
			    PTE_XD)

/* True if e (a 4 KiB-level entry) is a paged-out PTE. */
static inline bool pte_is_paged_out(uint64_t e)
{
	return !(e & PTE_P) && (e & PTE_SW_PAGED_OUT);
}

/* Builds a paged-out PTE.  Precondition: location <= PTE_LOC_MAX. */
static inline uint64_t pte_paged_out(uint64_t location, uint64_t prot)
{
	return PTE_SW_PAGED_OUT | (prot & PTE_SAVED_MASK) |
	       ((~location & PTE_LOC_MAX) << PTE_LOC_SHIFT);
}

/* The backing-store location recorded in a paged-out PTE. */
static inline uint64_t pte_paged_out_location(uint64_t e)
{
	return ~(e >> PTE_LOC_SHIFT) & PTE_LOC_MAX;
}

#endif
