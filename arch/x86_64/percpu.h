/*
 * arch/x86_64/percpu.h - each CPU's own area, found through GS.
 *
 * Every CPU efimm runs has one struct percpu: the boot CPU's is static,
 * each application processor's lies in the block machine/smp.c had the
 * firmware allocate before ExitBootServices (with its stacks and their
 * guard pages).  IA32_GS_BASE holds its address while efimm runs, so
 * this_cpu() is one load (%gs:0 is the struct's own address).
 *
 * Ring 3 owns GS while a payload runs: the entry stubs (isr.S) swap GS
 * (swapgs) when a trap came from ring 3, and every way back to ring 3
 * (enter.S, trap_resume.S) swaps it again, so efimm's GS base sits in
 * IA32_KERNEL_GS_BASE while the payload runs, out of the payload's reach
 * (efimm leaves CR4.FSGSBASE off, so ring 3 cannot write either MSR;
 * loading a selector into GS only changes the user base).  A ring-0
 * payload shares efimm's GS and is trusted like efimm.
 */
#ifndef ARCH_X86_64_PERCPU_H
#define ARCH_X86_64_PERCPU_H

/* Offsets the assembly reads (checked against the struct in percpu.c). */
#define PERCPU_SELF        0
#define PERCPU_CPU         8
#define PERCPU_KSTACK_BASE 16
#define PERCPU_KSTACK_TOP  24
/* Every CPU's mm stack (arch_call_on_kernel_stack), bytes. */
#define PERCPU_KSTACK_SIZE 16384

#ifndef __ASSEMBLER__
#include "../../lib/types.h"
#include "desc.h"

#define PERCPU_NAME_MAX 32
/* CPUs efimm runs (the boot CPU included); a machine with more starts
 * the first PERCPU_MAX_CPUS the MADT lists and names the rest. */
#define PERCPU_MAX_CPUS 64

struct percpu {
	struct percpu *self;            /* %gs:0 */
	uint32_t cpu;                   /* efimm's number: 0 = the boot CPU */
	uint32_t apic_id;               /* local APIC id */
	char *kstack_base;              /* mm's stack (arch_call_on_kernel_stack), */
	char *kstack_top;               /* PERCPU_KSTACK_SIZE bytes */
	struct cpu_desc desc;           /* GDT, TSS, IST stacks */
	/* Names of this CPU's stacks for fault reports ("CPU 3's #PF IST
	 * stack"); the boot CPU's point at constant strings instead. */
	char ist_name[IST_COUNT][PERCPU_NAME_MAX];
	char stack_name[2][PERCPU_NAME_MAX];
	/* An AP's start (arch/x86_64/smp_hw.c): the boot CPU sets WAITING,
	 * then either the AP moves it to ARRIVED or the boot CPU, giving
	 * up, to CANCELLED. */
	uint32_t start_state;
	/* trap.c's state for this CPU: reports under way (a fault while
	 * reporting is the second), and whether mm's fault entry runs. */
	int trap_depth;
	bool trap_in_entry;
};

#define PERCPU_START_WAITING   1
#define PERCPU_START_ARRIVED   2
#define PERCPU_START_CANCELLED 3

/* The boot CPU's area (percpu.c). */
extern struct percpu percpu_boot;

/*
 * The calling CPU's area.  Precondition: percpu_load() ran on this CPU
 * (the boot CPU: arch_cpu_takeover; an AP: its entry), and GS is
 * efimm's (true everywhere in efimm: see above).
 */
#include <arch_this_cpu.h>          /* the target's or the host's inline */

/* One step of a spin-wait with interrupts off: a pause, and this CPU's
 * part of a TLB shootdown round waiting for it (tlb.h).  What mm's
 * arch_spin_relax does, for machine/'s waits. */
void percpu_relax(void);

/* Points IA32_GS_BASE at p on the calling CPU and zeroes
 * IA32_KERNEL_GS_BASE (the payload's first GS base). */
void percpu_load(struct percpu *p);

/*
 * Fills the boot CPU's area (its mm stack: kstack.S) and loads it.
 * arch_cpu_takeover() calls it after loading efimm's GDT (a selector
 * load into GS resets its base), after ExitBootServices: while the
 * firmware runs, GS is the firmware's, and nothing of efimm that reads
 * this_cpu() runs before that (mm's stack switch serves payloads only).
 */
void percpu_boot_init(void);

#endif /* __ASSEMBLER__ */
#endif
