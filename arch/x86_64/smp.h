/*
 * arch/x86_64/smp.h - starting the application processors (APs) and
 * what each one owns.  The policy (which CPUs, in what order, what they
 * run) is machine/smp.c's; this is the mechanism: the trampoline
 * (smp_tramp.h), INIT-SIPI-SIPI through the local APIC, and each AP's
 * first steps into efimm's GDT, TSS, IDT and per-CPU area.
 *
 * Why INIT-SIPI-SIPI and not the firmware's MP Services protocol: efimm
 * runs its CPUs after ExitBootServices, when the protocol is gone and the
 * memory its parked APs ran in (boot-services code) is free RAM; APs
 * parked by the protocol would still hold the firmware's GDT, IDT and
 * tables, so efimm would have to move each one over anyway.  A trampoline
 * below 1 MiB, reserved before ExitBootServices, does the same on every
 * firmware and does it once (the way Linux and kvm-unit-tests start
 * CPUs).
 */
#ifndef ARCH_X86_64_SMP_H
#define ARCH_X86_64_SMP_H

#include "../../lib/types.h"
#include "desc.h"
#include "percpu.h"

#define SMP_STACK_SIZE  KiB(16)
/* Guard pages in an AP's area (IST stacks, mm's stack, its own stack). */
#define SMP_AREA_GUARDS (IST_COUNT + 2)

/*
 * One AP's memory, from the block allocated before ExitBootServices:
 * its IST stacks, mm's stack, the stack it idles and takes ring-3 traps
 * on (TSS.RSP0), each above a guard page that machine/ unmaps, then its
 * IDT and per-CPU area.
 */
struct smp_area {
	struct ist_area ist[IST_COUNT];
	uint8_t kguard[PAGE_SIZE];
	uint8_t kstack[PERCPU_KSTACK_SIZE];
	uint8_t sguard[PAGE_SIZE];
	uint8_t stack[SMP_STACK_SIZE];
	uint8_t idt[IDT_BYTES];
	struct percpu pc;
} __attribute__((aligned(4096)));

/* What an AP runs once it is efimm's: never returns. */
typedef void (*smp_ap_main_fn)(unsigned int cpu);

/*
 * Builds AP cpu's area a (APIC id apic_id): GDT, TSS, IST pointers, IDT
 * copy, per-CPU area, and registers its guard pages' names (the caller
 * unmaps them: smp_area_guards).  Runs on the boot CPU after
 * arch_cpu_takeover().  Returns 0, or -ENOSPC when the trap's guard
 * registry is full.
 */
int smp_area_init(struct smp_area *a, unsigned int cpu, uint32_t apic_id);

/* The SMP_AREA_GUARDS guard pages of a, into g[]. */
void smp_area_guards(const struct smp_area *a, uint64_t g[SMP_AREA_GUARDS]);

/*
 * Copies the trampoline to the TR_LOW_PAGES pages at low (below 1 MiB,
 * page-aligned, identity-mapped read-write in efimm's tables) and builds
 * the temporary tables there from the live root; records the boot CPU's
 * CR0, CR4 and EFER for the APs.  After arch_pt_activate() and
 * arch_timer_start() (the local APIC is mapped then).  Returns 0 or
 * -EINVAL (low out of range).
 */
int smp_tramp_prepare(uint64_t low);

/* Fault injection for one AP's start (run option inject=). */
enum smp_start_inject {
	SMP_START_NORMAL,
	SMP_START_STUCK,        /* ap-stuck: its trampoline is cli; hlt */
	SMP_START_LATE,         /* ap-late: held in the trampoline past its
				 * time, let go when the next AP starts */
};

/*
 * Starts the AP of a (smp_area_init done) with INIT, then STARTUP twice,
 * and waits up to limit_tsc TSC cycles for it to reach efimm's code;
 * then main(cpu) runs on it (on its own stack, interrupts off).  One AP
 * at a time: the trampoline's data block is shared, so an AP that did not
 * arrive in time is sent INIT again (back to waiting for a STARTUP) before
 * this returns, and one that runs on all the same (a STARTUP latched
 * across the INIT) halts in the trampoline when the block's APIC id is
 * not its own, before it could take the next AP's stack and area.  how: fault injection (enum smp_start_inject).  Returns
 * 0, or -ETIMEDOUT (it never arrived: its area stays reserved, never
 * reused) or -EIO (the local APIC never accepted an IPI).
 */
int smp_start_ap(struct smp_area *a, smp_ap_main_fn main, uint64_t limit_tsc,
		 enum smp_start_inject how);

/* Sends interrupt vector to the CPU with APIC id apic_id; returns 0 or
 * -EIO (never accepted). */
int smp_send_ipi(uint32_t apic_id, uint8_t vector);

/* Sends an NMI to the CPU with APIC id apic_id (it arrives with
 * interrupts off too); 0 or -EIO. */
int smp_send_nmi(uint32_t apic_id);

/* Interrupts off, halted for good (an AP that arrived too late). */
__attribute__((noreturn)) void smp_halt_forever(void);

/* Halts until an interrupt (sti; hlt), which is served, then returns with
 * interrupts off again: an idle CPU's wait that costs the host nothing. */
void smp_wait_interrupt(void);

/* The TSC's rate for smp_start_ap's waits (the timer's calibration);
 * until set, 1 GHz is assumed. */
void smp_set_tsc_khz(uint64_t khz);

/* Whether the local APIC is mapped and in xAPIC mode (arch_timer_start
 * found it usable): the APs are started and reached through it. */
bool smp_lapic_ready(void);

/* The calling CPU's local APIC id (its ID register, in either mode;
 * after arch_timer_start found the APIC). */
uint32_t smp_apic_id(void);

/* The highest APIC id an IPI can reach in the APIC's mode: 0xFE in
 * xAPIC mode (0xFF is the broadcast), 0xFFFFFFFE in x2APIC mode. */
uint32_t smp_apic_id_max(void);

/* The calling CPU's initial APIC id from CPUID (any time): leaf 0xB's
 * 32-bit x2APIC id where that leaf is valid, else leaf 1's 8 bits. */
uint32_t smp_cpuid_apic_id(void);

#endif
