/*
 * arch/x86_64/cpu_setup.h - taking the CPU over from the firmware.
 */
#ifndef ARCH_X86_64_CPU_SETUP_H
#define ARCH_X86_64_CPU_SETUP_H

#include <stdbool.h>

struct desc_ptr;

/* What arch_cpu_takeover() turned on (bit set). */
#define CPU_TAKEOVER_NX    (1u << 0)   /* EFER.NXE (CPU has NX) */
#define CPU_TAKEOVER_WP    (1u << 1)   /* CR0.WP */
#define CPU_TAKEOVER_SMEP  (1u << 2)   /* CR4.SMEP (CPUID.7:EBX[7]) */
#define CPU_TAKEOVER_SMAP  (1u << 3)   /* CR4.SMAP (CPUID.7:EBX[20]) */

/*
 * Interrupts off, then efimm's GDT (segments reloaded, CS by a far
 * return), TSS with the IST stacks, the 256-gate IDT (every vector ends
 * in the fatal report, arch/x86_64/trap.h), EFER.NXE, CR0.WP, and
 * CR4.SMEP/SMAP where CPUID has them.  Call after ExitBootServices (the
 * firmware's handlers are gone with it), once.  CR3 is left alone:
 * loading efimm's own tables is the caller's next step.  The firmware's
 * tables must not map efimm's image as user pages (OVMF's do not),
 * else SMEP faults on the next instruction fetch.  Returns the
 * CPU_TAKEOVER_* bits for the log.  Also tells trap.c which protections
 * are on and where the copy helper's fixup is (ucopy.h).
 */
unsigned int arch_cpu_takeover(void);

/*
 * Loads the GDT, reloads CS with a far return (a plain mov cannot load
 * CS), the data segments with the kernel data selector (which zeroes
 * the GS base: percpu_load() comes after), then the TSS.
 */
void cpu_load_gdt(const struct desc_ptr *gdtr);
void cpu_load_idt(const struct desc_ptr *idtr);

/*
 * Sets (on) or clears CR0.WP; returns whether it was set.  With WP set,
 * supervisor writes honour read-only pages too.  Clearing it is only for
 * editing tables the firmware write-protected (OVMF maps its own page
 * tables read-only); restore it right after.
 */
bool cpu_set_write_protect(bool on);

#endif
