/*
 * machine/smp.h - running every CPU the firmware lists under efimm.
 *
 * Before ExitBootServices, efi/ fills smp_plan (efi/fw/smp_fw.c): the
 * CPUs of the ACPI MADT, TR_LOW_PAGES pages below 1 MiB for the
 * trampoline and one struct smp_area per AP (its stacks, guard pages,
 * IDT and per-CPU area), all LoaderData, so they stay efimm's.  After
 * efimm's tables and the timer are up, smp_start() starts the APs one at
 * a time (arch/x86_64/smp.h) and prints `efimm: N CPUs online`, naming
 * every listed CPU that was left out and why.  A CPU that does not
 * arrive within SMP_START_MS is left out, not fatal.
 *
 * The boot CPU is CPU 0; the APs are numbered 1.. in the order the MADT
 * lists them.  An AP that arrived waits in smp_idle, halted with
 * interrupts on.
 */
#ifndef MACHINE_SMP_H
#define MACHINE_SMP_H

#include "../arch/x86_64/percpu.h"
#include "../arch/x86_64/smp.h"
#include "../pure/madt.h"

#define SMP_START_MS 1000

struct smp_plan {
	struct madt_info madt;  /* the firmware's CPUs (madt.ncpus 0: none) */
	const char *why;        /* no usable MADT: why, for the log */
	uint64_t low;           /* TR_LOW_PAGES pages below 1 MiB, 0: none */
	uint64_t areas;         /* nareas struct smp_area, 0: none */
	size_t nareas;
	uint32_t bsp_apic_id;   /* the boot CPU's local APIC id */
	enum smp_start_inject inject;   /* inject=ap-stuck (the last AP) or
					 * ap-late (the first AP) */
};

/* Filled by efi/ before ExitBootServices (zero: the boot CPU alone). */
extern struct smp_plan smp_plan;

/*
 * How many struct smp_area the plan needs for madt (every enabled CPU
 * but the boot CPU, at most PERCPU_MAX_CPUS - 1), and their bytes.
 */
size_t smp_plan_areas(const struct madt_info *madt, uint32_t bsp_apic_id);
size_t smp_area_bytes(void);

/*
 * Unmaps the guard pages of the plan's areas in efimm's tables (call
 * after kas_build, before arch_pt_activate).  Panics if one cannot be.
 */
void smp_unmap_guards(void);

/*
 * Starts every AP of the plan (after arch_pt_activate and timeout_init,
 * whose TSC rate times the waits; interrupts off) and prints the `CPUs
 * online` line.  Returns the number of CPUs online.
 */
unsigned int smp_start(void);

/* The local APIC id of online CPU cpu. */
uint32_t smp_apic_of(unsigned int cpu);

/* CPUs online (1 before smp_start). */
unsigned int smp_cpus_online(void);

/* The calling CPU's number (0: the boot CPU). */
static inline unsigned int smp_cpu_id(void)
{
	return this_cpu()->cpu;
}

#endif
