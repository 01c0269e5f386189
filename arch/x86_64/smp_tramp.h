/*
 * arch/x86_64/smp_tramp.h - the application processors' way from real
 * mode into efimm (smp_tramp.S, smp_hw.c).
 *
 * smp_hw.c copies the blob [smp_tramp_start, smp_tramp_end) to the
 * first of the low pages (physical T, 4 KiB aligned, below 1 MiB: a
 * STARTUP IPI names the page by T >> 12 and the AP starts in real mode
 * at T:0) and fills its data block at T + TR_DATA for one AP at a time:
 *
 *   real mode at T      lgdt of the block's GDT, CR0.PE, far jump
 *   32-bit flat         CR4 (the boot CPU's: PAE, LA57 if on), CR3 = the
 *                       temporary root below 1 MiB, EFER.LME|NXE, CR0
 *                       (PG), far jump
 *   64-bit, low page    RSP = the AP's stack, jump to smp_ap_entry64
 *   efimm's .text       CR3 = efimm's root, smp_ap_main(percpu)
 *
 * The temporary tables are copies of efimm's along virtual address 0
 * down to the page directory, whose entry 0 becomes a 2 MiB
 * identity page, executable, for the low page: efimm's own tables map
 * RAM non-executable (W^X), and CR3 can only hold an address below
 * 4 GiB until long mode is on.  Everything else the copies point at is
 * efimm's, so smp_ap_entry64 (efimm's text) is mapped when the jump
 * lands; its first instruction loads efimm's root.
 *
 * Data block (offsets from T; the 16-bit code addresses it through DS =
 * T >> 4, the rest through RBX = T):
 */
#ifndef ARCH_X86_64_SMP_TRAMP_H
#define ARCH_X86_64_SMP_TRAMP_H

#define TR_DATA      0x800
#define TR_GDT       (TR_DATA + 0x00)   /* 4 descriptors */
#define TR_GDTR      (TR_DATA + 0x20)   /* limit u16, base u32 */
#define TR_PM32      (TR_DATA + 0x28)   /* far pointer: offset u32, selector u16 */
#define TR_LM64      (TR_DATA + 0x30)   /* far pointer: offset u32, selector u16 */
#define TR_CR4       (TR_DATA + 0x38)   /* u32 */
#define TR_CR3       (TR_DATA + 0x3c)   /* u32: the temporary root */
#define TR_CR0       (TR_DATA + 0x40)   /* u32 */
#define TR_EFER      (TR_DATA + 0x44)   /* u32: bits to set in EFER */
#define TR_STACK     (TR_DATA + 0x48)   /* u64 */
#define TR_ENTRY     (TR_DATA + 0x50)   /* u64: smp_ap_entry64 */
#define TR_ARG       (TR_DATA + 0x58)   /* u64: the AP's struct percpu */
#define TR_ROOT      (TR_DATA + 0x60)   /* u64: efimm's CR3 */
#define TR_HOLD      (TR_DATA + 0x68)   /* u32: non-zero: wait at the start (inject=ap-late) */
#define TR_APIC      (TR_DATA + 0x6c)   /* u32: the APIC id of the AP the block is for */
#define TR_END       (TR_DATA + 0x70)

/* The block's GDT selectors. */
#define TR_SEL_CODE32 0x08
#define TR_SEL_DATA   0x10
#define TR_SEL_CODE64 0x18

/* Low pages: the trampoline, then up to 4 temporary table pages (five
 * levels: PML5, PML4, PDPT, PD). */
#define TR_LOW_PAGES 5

#endif
