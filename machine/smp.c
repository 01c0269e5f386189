/*
 * machine/smp.c - starting the APs the firmware lists (smp.h).
 */
#include "smp.h"
#include "smp_run.h"
#include "symbols.h"
#include "timeout.h"

#include "../arch/x86_64/smp.h"
#include "../lib/assert.h"
#include "../lib/errno.h"
#include "../lib/printf.h"
#include "../mm/kas.h"

struct smp_plan smp_plan;
static unsigned int online = 1;
/* Each online CPU's local APIC id, by CPU number. */
static uint32_t apic_of[PERCPU_MAX_CPUS];

/* A CPU past efimm's limit is always one madt_parse kept, so the report
 * can name the first one left out. */
_Static_assert(MADT_MAX_CPUS > PERCPU_MAX_CPUS, "MADT_MAX_CPUS <= PERCPU_MAX_CPUS");

uint32_t smp_apic_of(unsigned int cpu)
{
	ASSERT(cpu < online, "machine: no CPU %u", cpu);
	return apic_of[cpu];
}

size_t smp_area_bytes(void)
{
	return sizeof(struct smp_area);
}

size_t smp_plan_areas(const struct madt_info *madt, uint32_t bsp_apic_id)
{
	struct madt_plan p;

	madt_plan(madt, bsp_apic_id, PERCPU_MAX_CPUS, &p);
	return p.start;
}

static struct smp_area *smp_area(size_t i)
{
	return (struct smp_area *)(uintptr_t)smp_plan.areas + i;
}

void smp_unmap_guards(void)
{
	uint64_t g[SMP_AREA_GUARDS];

	for (size_t i = 0; i < smp_plan.nareas; i++) {
		smp_area_guards(smp_area(i), g);
		for (int j = 0; j < SMP_AREA_GUARDS; j++)
			if (kas_guard_page(PADDR(g[j])))
				panic("machine: cannot unmap a guard page of AP area %zu", i);
	}
}

unsigned int smp_cpus_online(void)
{
	return online;
}

/* Lets backtraces read efimm's frames on the AP's stacks. */
static void smp_add_stacks(const struct smp_area *a)
{
	int err = symbols_add_stack((uint64_t)(uintptr_t)a->kstack,
				    (uint64_t)(uintptr_t)(a->kstack + sizeof(a->kstack))) |
		  symbols_add_stack((uint64_t)(uintptr_t)a->stack,
				    (uint64_t)(uintptr_t)(a->stack + sizeof(a->stack)));

	for (int i = 0; i < IST_COUNT; i++)
		err |= symbols_add_stack((uint64_t)(uintptr_t)a->ist[i].stack,
					 (uint64_t)(uintptr_t)(a->ist[i].stack +
							       sizeof(a->ist[i].stack)));
	if (err)
		panic("machine: no room to register an AP's stacks for backtraces");
}

/* Starts the MADT's CPU c in area a as CPU number online; prints why
 * not if it did not come.  how: fault injection for this one. */
static void smp_start_one(const struct madt_cpu *c, struct smp_area *a, uint64_t limit,
			  enum smp_start_inject how)
{
	int err = c->apic_id > smp_apic_id_max() ? -ERANGE :
		  smp_area_init(a, online, c->apic_id);

	if (!err)
		err = smp_start_ap(a, smp_ap_loop, limit, how);
	if (!err) {
		apic_of[online] = c->apic_id;
		online++;
		smp_add_stacks(a);
		return;
	}
	if (err == -ERANGE)
		kprintf("efimm: CPU with APIC id %u needs x2APIC mode, and the firmware "
			"left the APIC in xAPIC mode: left out\n", c->apic_id);
	else if (err == -ETIMEDOUT)
		kprintf("efimm: CPU with APIC id %u did not start within %u ms: left out\n",
			c->apic_id, SMP_START_MS);
	else
		kprintf("efimm: CPU with APIC id %u: cannot start it (%s): left out\n",
			c->apic_id, errno_name(err));
}

/* The `CPUs online` line and what was left out of the MADT's list (p:
 * the plan the APs were started by, NULL when none were). */
static void smp_report(const struct madt_plan *p)
{
	const struct madt_info *m = &smp_plan.madt;

	if (m->disabled)
		kprintf("efimm: the MADT lists %zu more CPU(s) as disabled (hot-plug "
			"slots): not started\n", m->disabled);
	if (p && p->left)
		kprintf("efimm: %zu CPU(s) the MADT lists left out (the first: APIC id %u): "
			"efimm runs at most %u\n", p->left, m->cpu[p->first_left].apic_id,
			PERCPU_MAX_CPUS);
	kprintf("efimm: %u CPU%s online\n", online, online == 1 ? "" : "s");
}

/* The fault injection for the n-th AP started: ap-stuck hits the last,
 * ap-late the first (so that another starts after it). */
static enum smp_start_inject smp_inject_for(size_t n)
{
	if (smp_plan.inject == SMP_START_STUCK && n + 1 == smp_plan.nareas)
		return SMP_START_STUCK;
	if (smp_plan.inject == SMP_START_LATE && n == 0)
		return SMP_START_LATE;
	return SMP_START_NORMAL;
}

unsigned int smp_start(void)
{
	const struct madt_info *m = &smp_plan.madt;
	uint64_t limit = timeout_ms_tsc(SMP_START_MS);
	struct madt_plan plan;
	size_t n = 0;

	if (!smp_lapic_ready()) {
		kprintf("efimm: application processors: none started (the local APIC "
			"is not usable: see the timer line)\n");
		smp_report(NULL);
		return online;
	}
	percpu_boot.apic_id = smp_apic_id();
	apic_of[0] = percpu_boot.apic_id;
	if (!smp_plan.low || !smp_plan.nareas) {
		if (smp_plan.why)
			kprintf("efimm: application processors: none started (%s)\n",
				smp_plan.why);
		smp_report(NULL);
		return online;
	}
	smp_set_tsc_khz(timeout_tsc_khz());
	if (smp_tramp_prepare(smp_plan.low))
		panic("machine: the AP trampoline at 0x%lx is not below 1 MiB",
		      (unsigned long)smp_plan.low);
	for (size_t i = 0; i < m->ncpus && n < smp_plan.nareas; i++) {
		if (m->cpu[i].apic_id == percpu_boot.apic_id)
			continue;
		smp_start_one(&m->cpu[i], smp_area(n), limit, smp_inject_for(n));
		n++;
	}
	madt_plan(m, percpu_boot.apic_id, PERCPU_MAX_CPUS, &plan);
	smp_report(&plan);
	if (online > 1)
		smp_run_init(online);
	return online;
}
