/*
 * arch/x86_64/desc.h - efimm's descriptor tables: the GDT with its TSS
 * (gdt.c) and the IDT (idt.c).  Building them is plain memory writes,
 * tested on the host; loading them (lgdt, ltr, lidt, segment reloads)
 * is cpu_setup_hw.c's arch_cpu_takeover().
 *
 * GDT layout (selectors):
 *   0x00 null
 *   0x08 kernel code, 64-bit      GDT_KCODE
 *   0x10 kernel data              GDT_KDATA
 *   0x18 user data  (RPL 3: 0x1b) GDT_UDATA - before user code, the order
 *   0x20 user code  (RPL 3: 0x23) GDT_UCODE   SYSRET expects (ring 3 later)
 *   0x28 TSS, 16 bytes (2 slots)  GDT_TSS
 *
 * TSS.RSP0: the stack the CPU switches to when ring 3 is interrupted
 * (system calls, exceptions without an IST): efimm's run stack below the
 * frame that entered the payload (arch_enter_payload sets it).
 *
 * Each CPU has its own GDT, TSS and IST stacks (struct cpu_desc, in its
 * struct percpu: percpu.h) and its own copy of the IDT; the functions
 * below without a cpu_desc act on the calling CPU's.
 *
 * IST stacks (TSS.IST1..5): #DF, NMI, #MC, #PF and the interrupts
 * (vectors 32..255, the local APIC timer's among them) each run on their own
 * 16 KiB stack (the boot CPU's in efimm's image, an AP's in its block), so a kernel stack overflow (a #PF
 * with a dead RSP) or a fault in the middle of another exception still
 * lands on good memory.  Each stack sits right above its own 4 KiB guard
 * page inside the image (struct ist_area): the guard is registered with
 * trap_register_guard() but only guards once efimm's own page tables
 * leave it unmapped (the lead's kernel address space must skip
 * gdt_ist_stack(i)->guard); under the firmware's tables it is plain RAM.
 * A second #PF while the #PF handler runs restarts at the top of the same
 * IST stack, overwriting the first frame: harmless, as trap_dispatch
 * never returns to it.  The interrupt stack is why a timer tick never
 * pushes on a payload's stack, which demand paging may have paged out;
 * interrupts do not nest (their gates clear IF and handlers never set it).
 */
#ifndef ARCH_X86_64_DESC_H
#define ARCH_X86_64_DESC_H

#include "../../lib/types.h"

#define GDT_KCODE  0x08
#define GDT_KDATA  0x10
#define GDT_UDATA  0x18
#define GDT_UCODE  0x20
#define GDT_TSS    0x28
#define GDT_RPL3   3
#define GDT_ENTRIES 7

#define IST_DF   1
#define IST_NMI  2
#define IST_MC   3
#define IST_PF   4
#define IST_IRQ  5
#define IST_COUNT 5
#define IST_STACK_SIZE KiB(16)

/* The 64-bit TSS (SDM vol. 3, 8.7); only rsp[] and ist[] are used. */
struct tss64 {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed));

/* Operand of lgdt/lidt. */
struct desc_ptr {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

struct ist_stack {
	const char *name;      /* "the #DF IST stack" */
	uint64_t guard;        /* its guard page (4 KiB, below bottom) */
	uint64_t bottom, top;  /* [bottom, top); top is 16-byte aligned */
};

/* One CPU's descriptor tables and IST stacks. */
struct cpu_desc {
	uint64_t gdt[GDT_ENTRIES];
	struct tss64 tss;
	struct ist_stack ist[IST_COUNT];
} __attribute__((aligned(16)));

/* IST_COUNT of these, one after the other, hold a CPU's IST stacks: a
 * guard page then the stack, page-aligned so the guard can be unmapped. */
struct ist_area {
	uint8_t guard[PAGE_SIZE];
	uint8_t stack[IST_STACK_SIZE];
} __attribute__((aligned(4096)));

/*
 * Fills d's GDT and TSS, the IST pointers at the tops of the stacks in
 * areas[0..IST_COUNT-1] (named names[i], e.g. "the #PF IST stack"), and
 * registers each IST guard page with trap_register_guard().  Call once
 * per CPU, before its lgdt.  Returns the lgdt operand.
 */
struct desc_ptr gdt_init_cpu(struct cpu_desc *d, struct ist_area *areas,
			     const char *const names[IST_COUNT]);

/* The boot CPU's gdt_init_cpu, with the IST stacks in efimm's image, into
 * percpu_boot (percpu.h). */
struct desc_ptr gdt_init(void);

/* The calling CPU's GDT and TSS (for the tests and ptdump users). */
const uint64_t *gdt_table(void);
const struct tss64 *gdt_tss(void);

/* Sets the calling CPU's TSS.RSP0 (16-byte aligned). */
void gdt_set_rsp0(uint64_t top);

/* The calling CPU's IST stack ist (1..IST_COUNT). */
const struct ist_stack *gdt_ist_stack(int ist);

/*
 * Fills all 256 IDT gates: a 64-bit interrupt gate (IF cleared on entry),
 * DPL 0, selector GDT_KCODE, pointing at stub_base + v * stub_stride
 * (isr.S's stubs are equally spaced), #DF/NMI/#MC/#PF on their IST and
 * every vector from TRAP_FIRST_IRQ up on IST_IRQ - except the system
 * call (TRAP_SYSCALL), which has no IST and DPL 3, as #BP and #OF do.
 * Returns the lidt operand.
 */
struct desc_ptr idt_init(uint64_t stub_base, uint64_t stub_stride);

/*
 * Copies the IDT idt_init() built into dst (TRAP_VECTORS gates of 16
 * bytes, 16-byte aligned): an AP's own IDT.  Returns its lidt operand.
 */
struct desc_ptr idt_copy(void *dst);
#define IDT_BYTES 4096

/* Gate v as two 64-bit words (low, high) - for the tests. */
void idt_gate(unsigned int v, uint64_t *lo, uint64_t *hi);

#endif
