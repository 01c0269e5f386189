/*
 * arch/x86_64/irqchip_hw.c - silencing every interrupt source the
 * firmware may have left armed, before efimm runs with interrupts on
 * (irqchip_quiesce, lapic.h).
 *
 * After ExitBootServices the firmware's handlers are gone but not its
 * programming: OVMF drives its tick from the 8254 through the 8259 (or
 * the IO-APIC), and real firmware may use the HPET or the local APIC
 * timer.  Anything left unmasked would arrive at a vector efimm treats
 * as fatal.  The IO-APIC and HPET are looked for at the addresses every
 * PC chipset and QEMU use (efimm does not parse ACPI): a page that reads
 * all ones holds no such device and is left alone.
 */
#include "../../lib/errno.h"
#include "../../mm/arch_hooks.h"
#include "../../mm/kmem.h"
#include "lapic.h"
#include "machine.h"
#include "msr.h"
#include "trap.h"

#define PIC1_DATA 0x21
#define PIC2_DATA 0xA1

#define CPUID1_EDX_APIC    (1u << 9)

#define IOAPIC_BASE        0xFEC00000ULL
#define IOAPIC_REGSEL      0x00
#define IOAPIC_WIN         0x10
#define IOAPIC_VERSION     0x01
#define IOAPIC_REDTBL(i)   (0x10 + 2 * (i))
#define IOAPIC_MASKED      (1u << 16)

#define HPET_BASE          0xFED00000ULL
#define HPET_CAP_LO        0x000
#define HPET_CAP_HI        0x004    /* the counter's period in fs */
#define HPET_CONF          0x010
#define HPET_CONF_ENABLE   (1u << 0)
#define HPET_CONF_LEGACY   (1u << 1)
#define HPET_TN_CONF(n)    (0x100 + 0x20 * (n))
#define HPET_TN_INT_ENB    (1u << 2)
#define HPET_MAX_PERIOD_FS 100000000u   /* the spec's bound: 100 ns */

#define MMIO_NONE          0xFFFFFFFFu

volatile uint32_t *lapic_mmio;
bool lapic_x2;
static volatile unsigned int drained;

static uint32_t cpuid1_edx(void)
{
	uint32_t eax = 1, ebx, ecx = 0, edx;

	__asm__ volatile("cpuid" : "+a"(eax), "=b"(ebx), "+c"(ecx), "=d"(edx));
	return edx;
}

/* Identity-maps the 4 KiB MMIO page at phys uncached (RW, NX), over
 * whatever the map had there.  Returns its pointer, or NULL. */
static volatile uint32_t *mmio_map(uint64_t phys)
{
	if (arch_mem_map(phys, PADDR(phys), PAGE_SIZE,
			 K_MEM_PERM_RW | K_MEM_CACHE_NONE))
		return NULL;
	return (volatile uint32_t *)(uintptr_t)phys;
}

/* OCW1 with every bit set: both 8259s deliver nothing. */
static void pic_mask(void)
{
	io_outb(PIC1_DATA, 0xFF);
	io_outb(PIC2_DATA, 0xFF);
}

/* Finds the local APIC in the mode the firmware left it: x2APIC as it
 * is, xAPIC enabled and mapped.  Sets info->apic_base and x2apic.
 * Returns 0 or an errno with info->why. */
static int lapic_find(struct arch_timer_info *info)
{
	uint64_t msr;

	if (!(cpuid1_edx() & CPUID1_EDX_APIC)) {
		info->why = "the CPU has no local APIC";
		return -ENOTSUP;
	}
	msr = msr_read(MSR_APIC_BASE);
	info->apic_base = PADDR(msr & APIC_BASE_ADDR);
	if (msr & APIC_BASE_X2APIC) {   /* EXTD is only ever set with EN */
		lapic_x2 = info->x2apic = true;
		return 0;
	}
	if (!(msr & APIC_BASE_ENABLE))
		msr_write(MSR_APIC_BASE, msr | APIC_BASE_ENABLE);
	lapic_mmio = mmio_map(msr & APIC_BASE_ADDR);
	if (!lapic_mmio) {
		info->why = "no memory to map the local APIC";
		return -ENOMEM;
	}
	return 0;
}

/* Masks every IO-APIC redirection entry; returns how many (0: none). */
static unsigned int ioapic_mask(void)
{
	volatile uint32_t *io = mmio_map(IOAPIC_BASE);
	uint32_t ver, n;

	if (!io)
		return 0;
	io[IOAPIC_REGSEL / 4] = IOAPIC_VERSION;
	ver = io[IOAPIC_WIN / 4];
	if (ver == MMIO_NONE)
		return 0;
	n = ((ver >> 16) & 0xFF) + 1;
	for (uint32_t i = 0; i < n; i++) {
		io[IOAPIC_REGSEL / 4] = IOAPIC_REDTBL(i);
		io[IOAPIC_WIN / 4] |= IOAPIC_MASKED;
	}
	return n;
}

/* Stops the HPET's counter and every comparator's interrupt; returns
 * the comparators (0: no HPET). */
static unsigned int hpet_stop(void)
{
	volatile uint32_t *h = mmio_map(HPET_BASE);
	uint32_t period, n;

	if (!h)
		return 0;
	period = h[HPET_CAP_HI / 4];
	if (period == 0 || period > HPET_MAX_PERIOD_FS)
		return 0;
	h[HPET_CONF / 4] &= ~(HPET_CONF_ENABLE | HPET_CONF_LEGACY);
	n = ((h[HPET_CAP_LO / 4] >> 8) & 0x1F) + 1;
	for (uint32_t i = 0; i < n; i++)
		h[HPET_TN_CONF(i) / 4] &= ~HPET_TN_INT_ENB;
	return n;
}

/* Masks every LVT entry the APIC has (its version register says how
 * many), the timer's included. */
static void lapic_mask_lvt(void)
{
	static const uint32_t lvt[] = {
		LAPIC_LVT_TIMER, LAPIC_LVT_LINT0, LAPIC_LVT_LINT1,
		LAPIC_LVT_ERROR, LAPIC_LVT_PERF, LAPIC_LVT_THERMAL,
		LAPIC_LVT_CMCI,
	};
	uint32_t max = (lapic_read(LAPIC_VERSION) >> 16) & 0xFF;

	/* entries 0..3 (timer, LINT0/1, error) always exist; PERF is
	 * entry 4, THERMAL 5, CMCI 6 */
	for (uint32_t i = 0; i < ARRAY_SIZE(lvt); i++)
		if (i < 4 || i <= max)
			lapic_write(lvt[i], lapic_read(lvt[i]) | LAPIC_LVT_MASKED);
}

/* True if vector v's bit is set in the 256-bit register at reg. */
static bool lapic_bit(uint32_t reg, unsigned int v)
{
	return (lapic_read(reg + (v / 32) * 0x10) >> (v % 32)) & 1;
}

/* True if any interrupt is in service (an ISR bit is set). */
static bool lapic_in_service(void)
{
	for (uint32_t i = 0; i < 8; i++)
		if (lapic_read(LAPIC_ISR + i * 0x10))
			return true;
	return false;
}

static void drain_one(struct trap_frame *f)
{
	UNUSED(f);
	lapic_write(LAPIC_EOI, 0);
	drained++;
}

/*
 * Ends what the firmware left in service (one EOI per ISR bit), then
 * lets every interrupt still pending in the IRR arrive, at a handler
 * that only sends the EOI, so none of them is taken for a fatal
 * unexpected interrupt once the payload runs with interrupts on.
 */
static unsigned int lapic_drain(void)
{
	bool mine[TRAP_VECTORS] = { false };

	/* an EOI ends the highest-priority one in service */
	for (int i = 0; i < TRAP_VECTORS && lapic_in_service(); i++)
		lapic_write(LAPIC_EOI, 0);
	for (unsigned int v = TRAP_FIRST_IRQ; v < TRAP_VECTORS; v++)
		if (lapic_bit(LAPIC_IRR, v) && trap_set_irq(v, drain_one) == 0)
			mine[v] = true;
	drained = 0;
	/* each pending vector arrives at an instruction boundary here */
	__asm__ volatile("sti; nop; nop; nop; cli" : : : "memory");
	for (unsigned int v = TRAP_FIRST_IRQ; v < TRAP_VECTORS; v++)
		if (mine[v])
			trap_set_irq(v, NULL);
	return drained;
}

int irqchip_quiesce(struct arch_timer_info *info)
{
	int err;

	pic_mask();
	err = lapic_find(info);
	if (err)
		return err;
	info->ioapic_pins = ioapic_mask();
	info->hpet_timers = hpet_stop();
	lapic_mask_lvt();
	lapic_write(LAPIC_TPR, 0);
	lapic_write(LAPIC_SVR, LAPIC_SVR_ENABLE | TRAP_SPURIOUS);
	info->drained = lapic_drain();
	return 0;
}
