/*
 * arch/x86_64/smp_hw.c - starting APs (smp.h): the trampoline's
 * preparation, INIT-SIPI-SIPI and an AP's first steps in C.
 */
#include <stddef.h>

#include "../../lib/assert.h"
#include "../../lib/errno.h"
#include "../../lib/kstring.h"
#include "../../lib/printf.h"
#include "../../lib/timing.h"
#include "cpu_setup.h"
#include "lapic.h"
#include "msr.h"
#include "pte.h"
#include "smp.h"
#include "smp_tramp.h"
#include "trap.h"

#define MSR_EFER      0xC0000080
#define EFER_LME      (1ULL << 8)
#define EFER_NXE      (1ULL << 11)
#define CR4_LA57      (1ULL << 12)
#define CR4_PCIDE     (1ULL << 17)
#define LOW_LIMIT     0x100000ULL
/* Waits between the IPIs: 10 us after INIT (every x86_64 CPU is of the
 * families that need no 10 ms, as Linux's init_udelay reasons), 200 us
 * after each STARTUP (SDM vol. 3, 9.4.4.1). */
#define INIT_WAIT_US  10
#define SIPI_WAIT_US  200
/* An IPI still pending after this many TSC cycles is given up on. */
#define ICR_SPIN_MAX  (1ULL << 28)

extern const uint8_t smp_tramp_start[], smp_tramp_end[];
extern const uint8_t smp_tramp_pm32[], smp_tramp_lm64[];
extern const uint8_t smp_ap_entry64[];

/* The boot CPU's state the APs copy, and the trampoline's page. */
static uint64_t bsp_cr0, bsp_cr4, tsc_per_us = 1000;
static uint8_t *tramp;
static smp_ap_main_fn ap_main;

static const char *const ist_what[IST_COUNT] = {
	[IST_DF - 1] = "#DF IST stack", [IST_NMI - 1] = "NMI IST stack",
	[IST_MC - 1] = "#MC IST stack", [IST_PF - 1] = "#PF IST stack",
	[IST_IRQ - 1] = "interrupt IST stack",
};

bool smp_lapic_ready(void)
{
	return lapic_mmio != NULL || lapic_x2;
}

uint32_t smp_apic_id(void)
{
	return lapic_id();
}

uint32_t smp_apic_id_max(void)
{
	return lapic_x2 ? 0xFFFFFFFEu : 0xFEu;
}

/* The trampoline's test too (smp_tramp.S): leaf 0xB's 32-bit x2APIC id
 * where the leaf is valid, else leaf 1's 8-bit initial id. */
uint32_t smp_cpuid_apic_id(void)
{
	uint32_t eax = 0, ebx, ecx = 0, edx;

	__asm__ volatile("cpuid" : "+a"(eax), "=b"(ebx), "+c"(ecx), "=d"(edx));
	if (eax >= 0xB) {
		eax = 0xB;
		ecx = 0;
		__asm__ volatile("cpuid" : "+a"(eax), "=b"(ebx), "+c"(ecx), "=d"(edx));
		if (ebx)
			return edx;
	}
	eax = 1;
	ecx = 0;
	__asm__ volatile("cpuid" : "+a"(eax), "=b"(ebx), "+c"(ecx), "=d"(edx));
	return ebx >> 24;
}

int smp_area_init(struct smp_area *a, unsigned int cpu, uint32_t apic_id)
{
	struct percpu *p = &a->pc;
	const char *names[IST_COUNT];

	memset(p, 0, sizeof(*p));
	p->self = p;
	p->cpu = cpu;
	p->apic_id = apic_id;
	p->kstack_base = (char *)a->kstack;
	p->kstack_top = (char *)a->kstack + sizeof(a->kstack);
	for (int i = 0; i < IST_COUNT; i++) {
		ksnprintf(p->ist_name[i], PERCPU_NAME_MAX, "CPU %u's %s", cpu, ist_what[i]);
		names[i] = p->ist_name[i];
	}
	ksnprintf(p->stack_name[0], PERCPU_NAME_MAX, "CPU %u's mm stack", cpu);
	ksnprintf(p->stack_name[1], PERCPU_NAME_MAX, "CPU %u's stack", cpu);
	gdt_init_cpu(&p->desc, a->ist, names);
	p->desc.tss.rsp[0] = (uint64_t)(uintptr_t)(a->stack + sizeof(a->stack));
	idt_copy(a->idt);
	if (trap_register_guard((uint64_t)(uintptr_t)a->kguard, p->stack_name[0]) ||
	    trap_register_guard((uint64_t)(uintptr_t)a->sguard, p->stack_name[1]))
		return -ENOSPC;
	return 0;
}

void smp_area_guards(const struct smp_area *a, uint64_t g[SMP_AREA_GUARDS])
{
	for (int i = 0; i < IST_COUNT; i++)
		g[i] = (uint64_t)(uintptr_t)a->ist[i].guard;
	g[IST_COUNT] = (uint64_t)(uintptr_t)a->kguard;
	g[IST_COUNT + 1] = (uint64_t)(uintptr_t)a->sguard;
}

static uint64_t rd_cr(int n)
{
	uint64_t v = 0;

	if (n == 0)
		__asm__ volatile("mov %%cr0, %0" : "=r"(v));
	else if (n == 3)
		__asm__ volatile("mov %%cr3, %0" : "=r"(v));
	else
		__asm__ volatile("mov %%cr4, %0" : "=r"(v));
	return v;
}

/*
 * The temporary tables at dst (pages of the low area): a copy of each
 * table along virtual address 0, from the root down to the page
 * directory, each copy's entry 0 pointing at the next copy, and the
 * directory's entry 0 a 2 MiB identity page (present, writable,
 * executable) over the trampoline.
 */
static void tramp_tables(uint64_t *dst, uint64_t root, int levels)
{
	const uint64_t *src = (const uint64_t *)(uintptr_t)root;

	for (int lvl = levels; lvl >= 2; lvl--, dst += PAGE_SIZE / 8) {
		if (src)
			memcpy(dst, src, PAGE_SIZE);
		else
			memset(dst, 0, PAGE_SIZE);
		if (lvl == 2) {
			dst[0] = PTE_P | PTE_RW | PTE_PS;
			return;
		}
		src = (dst[0] & PTE_P) && !(dst[0] & PTE_PS) ?
		      (const uint64_t *)(uintptr_t)(dst[0] & PTE_ADDR_MASK) : NULL;
		dst[0] = (uint64_t)(uintptr_t)(dst + PAGE_SIZE / 8) | PTE_P | PTE_RW;
	}
}

/* The trampoline's GDT: null, 32-bit code, data, 64-bit code. */
static void tramp_gdt(uint8_t *t, uint64_t low)
{
	static const uint64_t gdt[4] = {
		0, 0x00CF9A000000FFFFULL, 0x00CF92000000FFFFULL, 0x00AF9A000000FFFFULL,
	};
	uint16_t limit = sizeof(gdt) - 1;
	uint32_t base = (uint32_t)(low + TR_GDT);
	uint32_t pm32 = (uint32_t)(low + (smp_tramp_pm32 - smp_tramp_start));
	uint32_t lm64 = (uint32_t)(low + (smp_tramp_lm64 - smp_tramp_start));
	uint16_t sel32 = TR_SEL_CODE32, sel64 = TR_SEL_CODE64;

	memcpy(t + TR_GDT, gdt, sizeof(gdt));
	memcpy(t + TR_GDTR, &limit, 2);
	memcpy(t + TR_GDTR + 2, &base, 4);
	memcpy(t + TR_PM32, &pm32, 4);
	memcpy(t + TR_PM32 + 4, &sel32, 2);
	memcpy(t + TR_LM64, &lm64, 4);
	memcpy(t + TR_LM64 + 4, &sel64, 2);
}

int smp_tramp_prepare(uint64_t low)
{
	uint64_t cr3 = rd_cr(3), efer = msr_read(MSR_EFER), v;
	uint32_t w;

	_Static_assert(TR_END <= PAGE_SIZE, "smp: trampoline data past its page");
	ASSERT(smp_tramp_end - smp_tramp_start <= TR_DATA, "smp: trampoline too big");
	if (!low || (low & (PAGE_SIZE - 1)) || low + TR_LOW_PAGES * PAGE_SIZE > LOW_LIMIT)
		return -EINVAL;
	tramp = (uint8_t *)(uintptr_t)low;
	bsp_cr0 = rd_cr(0);
	bsp_cr4 = rd_cr(4);
	memset(tramp, 0, PAGE_SIZE);
	memcpy(tramp, smp_tramp_start, (size_t)(smp_tramp_end - smp_tramp_start));
	tramp_gdt(tramp, low);
	tramp_tables((uint64_t *)(tramp + PAGE_SIZE), cr3 & PTE_ADDR_MASK,
		     (bsp_cr4 & CR4_LA57) ? 5 : 4);
	w = (uint32_t)(bsp_cr4 & ~CR4_PCIDE);
	memcpy(tramp + TR_CR4, &w, 4);
	w = (uint32_t)(low + PAGE_SIZE);
	memcpy(tramp + TR_CR3, &w, 4);
	w = (uint32_t)bsp_cr0;
	memcpy(tramp + TR_CR0, &w, 4);
	w = (uint32_t)(EFER_LME | (efer & EFER_NXE));
	memcpy(tramp + TR_EFER, &w, 4);
	v = (uint64_t)(uintptr_t)smp_ap_entry64;
	memcpy(tramp + TR_ENTRY, &v, 8);
	memcpy(tramp + TR_ROOT, &cr3, 8);
	return 0;
}

/* Spins for us microseconds on the TSC. */
static void udelay(uint64_t us)
{
	uint64_t t0 = timing_tsc();

	while (timing_tsc() - t0 < us * tsc_per_us)
		__asm__ volatile("pause");
}

/* Sends one IPI (ICR low word lo) to apic_id; returns 0 or -EIO if the
 * APIC never finished sending it. */
static int ipi_send(uint32_t apic_id, uint32_t lo)
{
	uint64_t t0 = timing_tsc();

	lapic_icr_write(apic_id, lo);
	while (lapic_icr_busy())
		if (timing_tsc() - t0 > ICR_SPIN_MAX)
			return -EIO;
	return 0;
}

/* INIT, then STARTUP (vector sipi) until the AP of p left WAITING, at
 * most twice.  Returns 0 or -EIO. */
static int ipi_init_sipi(uint32_t id, uint32_t sipi, struct percpu *p)
{
	if (ipi_send(id, LAPIC_ICR_INIT | LAPIC_ICR_ASSERT))
		return -EIO;
	udelay(INIT_WAIT_US);
	for (int i = 0; i < 2; i++) {
		if (__atomic_load_n(&p->start_state, __ATOMIC_ACQUIRE) !=
		    PERCPU_START_WAITING)
			break;
		if (ipi_send(id, sipi))
			return -EIO;
		udelay(SIPI_WAIT_US);
	}
	return 0;
}

/*
 * Waits until the AP of p arrived, or limit cycles.  The start state
 * decides a late arrival: whoever moves it from WAITING first wins, so
 * an AP that arrives after the boot CPU gave up halts for good instead
 * of running with a number given to another.
 */
static bool wait_arrival(struct percpu *p, uint64_t limit)
{
	uint64_t t0 = timing_tsc();
	uint32_t want = PERCPU_START_WAITING;

	while (__atomic_load_n(&p->start_state, __ATOMIC_ACQUIRE) != PERCPU_START_ARRIVED)
		if (timing_tsc() - t0 > limit)
			return !__atomic_compare_exchange_n(&p->start_state, &want,
							    PERCPU_START_CANCELLED, false,
							    __ATOMIC_ACQ_REL,
							    __ATOMIC_ACQUIRE);
		else
			__asm__ volatile("pause");
	return true;
}

/* cli; hlt; jmp back to the hlt: what a stuck AP runs (inject). */
static const uint8_t stuck_code[] = { 0xFA, 0xF4, 0xEB, 0xFD };

/* Puts an AP that did not arrive back to waiting for a STARTUP (INIT),
 * before the trampoline's data is rewritten for the next one.  Not
 * enough alone: a STARTUP that was still pending may survive the INIT
 * (QEMU keeps it), so the trampoline also checks whose block it reads.
 * inject=ap-late skips it, so that its test shows that check. */
static void ap_park(uint32_t id)
{
	ipi_send(id, LAPIC_ICR_INIT | LAPIC_ICR_ASSERT);
	udelay(INIT_WAIT_US);
}

int smp_start_ap(struct smp_area *a, smp_ap_main_fn main, uint64_t limit_tsc,
		 enum smp_start_inject how)
{
	uint8_t keep[sizeof(stuck_code)];
	int err;

	uint64_t stack = (uint64_t)(uintptr_t)(a->stack + sizeof(a->stack));
	uint64_t arg = (uint64_t)(uintptr_t)&a->pc;
	uint32_t sipi = LAPIC_ICR_STARTUP | (uint32_t)((uintptr_t)tramp >> 12);
	uint32_t id = a->pc.apic_id;

	ASSERT(tramp, "smp: smp_start_ap before smp_tramp_prepare");
	ap_main = main;
	memcpy(tramp + TR_STACK, &stack, 8);
	memcpy(tramp + TR_ARG, &arg, 8);
	memcpy(tramp + TR_APIC, &id, 4);
	memcpy(keep, tramp, sizeof(keep));
	if (how == SMP_START_STUCK)
		memcpy(tramp, stuck_code, sizeof(stuck_code));
	__atomic_store_n((uint32_t *)(tramp + TR_HOLD), how == SMP_START_LATE,
			 __ATOMIC_RELEASE);
	__atomic_store_n(&a->pc.start_state, PERCPU_START_WAITING, __ATOMIC_SEQ_CST);
	err = ipi_init_sipi(id, sipi, &a->pc);
	if (!err && !wait_arrival(&a->pc, limit_tsc)) {
		err = -ETIMEDOUT;
		if (how != SMP_START_LATE)
			ap_park(id);
	}
	memcpy(tramp, keep, sizeof(keep));
	return err;
}

int smp_send_ipi(uint32_t apic_id, uint8_t vector)
{
	return ipi_send(apic_id, LAPIC_ICR_FIXED | LAPIC_ICR_ASSERT | vector);
}

int smp_send_nmi(uint32_t apic_id)
{
	return ipi_send(apic_id, LAPIC_ICR_NMI | LAPIC_ICR_ASSERT);
}

void smp_halt_forever(void)
{
	for (;;)
		__asm__ volatile("cli; hlt");
}

void smp_wait_interrupt(void)
{
	__asm__ volatile("sti; hlt; cli" ::: "memory");
}

void smp_set_tsc_khz(uint64_t khz)
{
	if (khz >= 1000)
		tsc_per_us = khz / 1000;
}

/* Lets the AP's local APIC take interrupts, in the boot CPU's mode (an
 * INIT keeps x2APIC mode, but a firmware may not have switched every
 * CPU): software-enabled with the spurious vector, every LVT entry
 * masked, task priority 0. */
static void ap_lapic_on(void)
{
	static const uint32_t lvts[] = { LAPIC_LVT_TIMER, LAPIC_LVT_THERMAL,
					 LAPIC_LVT_PERF, LAPIC_LVT_LINT0,
					 LAPIC_LVT_LINT1, LAPIC_LVT_ERROR };
	uint64_t base = msr_read(MSR_APIC_BASE);

	if (lapic_x2 && !(base & APIC_BASE_X2APIC))
		msr_write(MSR_APIC_BASE, base | APIC_BASE_ENABLE | APIC_BASE_X2APIC);

	lapic_write(LAPIC_SVR, LAPIC_SVR_ENABLE | TRAP_SPURIOUS);
	for (size_t i = 0; i < ARRAY_SIZE(lvts); i++)
		lapic_write(lvts[i], LAPIC_LVT_MASKED);
	lapic_write(LAPIC_TPR, 0);
}

/* smp_ap_entry64's C half: the AP takes efimm's tables, the boot CPU's
 * control bits, and says it arrived. */
void smp_ap_main(struct percpu *p);
void smp_ap_main(struct percpu *p)
{
	struct smp_area *a = (struct smp_area *)((uint8_t *)p - offsetof(struct smp_area, pc));
	struct desc_ptr gdtr = { .limit = sizeof(p->desc.gdt) - 1,
				 .base = (uint64_t)(uintptr_t)p->desc.gdt };
	struct desc_ptr idtr = { .limit = IDT_BYTES - 1,
				 .base = (uint64_t)(uintptr_t)a->idt };

	uint32_t want = PERCPU_START_WAITING;

	cpu_load_gdt(&gdtr);
	percpu_load(p);
	cpu_load_idt(&idtr);
	__asm__ volatile("mov %0, %%cr4" : : "r"(bsp_cr4) : "memory");
	ap_lapic_on();
	if (!__atomic_compare_exchange_n(&p->start_state, &want, PERCPU_START_ARRIVED,
					 false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		smp_halt_forever();
	ap_main(p->cpu);
	panic("smp: CPU %u's main returned", p->cpu);
}
