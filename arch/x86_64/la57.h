/*
 * arch/x86_64/la57.h - five-level paging (LA57): is it there, is it on,
 * and the switch from the firmware's four levels to efimm's five.
 *
 * CR4.LA57 can change only with paging off (SDM 4.1.1; a MOV to CR4 that
 * changes it in IA-32e mode is #GP).  la57_switch() therefore leaves long
 * mode through a trampoline on an identity-mapped page below 4 GiB:
 * 64-bit code -> 32-bit compatibility code (its own small GDT) -> CR0.PG
 * off -> CR4.LA57 on -> CR3 = a copy of the new PML5 below 4 GiB -> CR0.PG
 * on (long mode again, EFER.LME stays set) -> 64-bit code -> CR3 = the
 * real root, efimm's GDT and segments back.  Target only.  Interrupts
 * are off throughout; an NMI in the few instructions with paging off
 * would not be survivable, and nothing efimm sets up sends one.
 */
#ifndef ARCH_X86_64_LA57_H
#define ARCH_X86_64_LA57_H

#include "../../lib/types.h"

#define CR4_LA57  (1ULL << 12)

/* Pages the trampoline needs, each below 4 GiB: one for its code, GDT
 * and data (mapped R+X in the new tables), one for the PML5 copy. */
#define LA57_TRAMP_PAGES  2

/* CR4 as it is now. */
uint64_t cpu_read_cr4(void);

/* CPUID.(EAX=7,ECX=0):ECX[16]: the CPU can run five-level paging. */
bool la57_cpu_has(void);

/*
 * Copies the trampoline into code_page and keeps root_page for the PML5
 * copy: both 4 KiB-aligned, below 4 GiB, identity-mapped in the live
 * tables and in the ones la57_switch will load (code_page executable
 * there).  Call before ExitBootServices, when the pages are allocated.
 */
void la57_prepare(paddr_t code_page, paddr_t root_page);

/* The code page la57_prepare was given (PADDR_INVALID if none). */
paddr_t la57_tramp_page(void);

/*
 * Turns five-level paging on with root (a PML5 efimm built; it must
 * identity-map the trampoline's code page executable and the caller's
 * code and stack): interrupts must be off, CR4.PCIDE clear, CR4.LA57
 * clear, la57_prepare done.  Records five live levels
 * (pt_set_live_levels).  The TLB holds nothing of the old tables after.
 */
void la57_switch(paddr_t root);

#endif
