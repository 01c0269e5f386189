/*
 * arch/x86_64/lapic.h - what the interrupt controllers' code shares
 * (irqchip_hw.c quiets them, timer_hw.c runs the local APIC timer,
 * smp_hw.c sends IPIs): register offsets, port I/O and the local APIC's
 * two ways in.  Target only.
 *
 * efimm drives the local APIC in the mode the firmware left it in (SDM
 * vol. 3, 11.4 and 11.12):
 * - xAPIC: 32-bit MMIO registers at the base IA32_APIC_BASE names; that
 *   page is not in the UEFI memory map, so irqchip_hw.c maps it
 *   (uncached) into efimm's address space first.
 * - x2APIC (IA32_APIC_BASE.EXTD set: firmware does so on machines with
 *   APIC ids above 254): register reg is MSR 0x800 + reg / 16, the id
 *   is 32 bits wide, and the interrupt command is one 64-bit MSR with
 *   the destination in its high half and no busy bit.
 * lapic_read/lapic_write hide the difference for the registers both
 * modes have; the id and the interrupt command have their own calls.
 */
#ifndef ARCH_X86_64_LAPIC_H
#define ARCH_X86_64_LAPIC_H

#include "../../lib/types.h"
#include "msr.h"

/* Local APIC registers (SDM vol. 3, table 11-1). */
#define LAPIC_ID          0x020     /* bits 31..24: the xAPIC id */
#define LAPIC_VERSION     0x030
#define LAPIC_TPR         0x080
#define LAPIC_EOI         0x0B0
#define LAPIC_SVR         0x0F0
#define LAPIC_ISR         0x100     /* 8 registers, 0x10 apart */
#define LAPIC_IRR         0x200
#define LAPIC_LVT_CMCI    0x2F0
#define LAPIC_ICR_LO      0x300     /* writing it sends the IPI */
#define LAPIC_ICR_HI      0x310     /* bits 31..24: destination */
#define LAPIC_LVT_TIMER   0x320
#define LAPIC_LVT_THERMAL 0x330
#define LAPIC_LVT_PERF    0x340
#define LAPIC_LVT_LINT0   0x350
#define LAPIC_LVT_LINT1   0x360
#define LAPIC_LVT_ERROR   0x370
#define LAPIC_TIMER_INIT  0x380
#define LAPIC_TIMER_CUR   0x390
#define LAPIC_TIMER_DIV   0x3E0

#define LAPIC_LVT_MASKED   (1u << 16)
#define LAPIC_LVT_PERIODIC (1u << 17)
#define LAPIC_SVR_ENABLE   (1u << 8)
#define LAPIC_DIV_16       0x3u     /* divide configuration: by 16 */

/* Interrupt command (SDM vol. 3, 11.6.1). */
#define LAPIC_ICR_INIT     (5u << 8)
#define LAPIC_ICR_STARTUP  (6u << 8)
#define LAPIC_ICR_FIXED    (0u << 8)
#define LAPIC_ICR_NMI      (4u << 8)
#define LAPIC_ICR_PENDING  (1u << 12)   /* delivery status: send pending */
#define LAPIC_ICR_ASSERT   (1u << 14)

/* IA32_APIC_BASE (SDM vol. 3, 11.4.4 and 11.12.1). */
#define MSR_APIC_BASE      0x1B
#define APIC_BASE_X2APIC   (1ULL << 10)     /* EXTD: x2APIC mode */
#define APIC_BASE_ENABLE   (1ULL << 11)     /* EN: the APIC is on */
#define APIC_BASE_ADDR     0x000FFFFFFFFFF000ULL

#define X2APIC_MSR_BASE    0x800u
#define X2APIC_MSR_ICR     0x830u

/* The xAPIC's registers, once irqchip_quiesce() mapped them; NULL in
 * x2APIC mode (and before). */
extern volatile uint32_t *lapic_mmio;
/* x2APIC mode (irqchip_quiesce(), from IA32_APIC_BASE.EXTD). */
extern bool lapic_x2;

static inline uint32_t lapic_read(uint32_t reg)
{
	if (lapic_x2)
		return (uint32_t)msr_read(X2APIC_MSR_BASE + reg / 16);
	return lapic_mmio[reg / 4];
}

static inline void lapic_write(uint32_t reg, uint32_t v)
{
	if (lapic_x2)
		msr_write(X2APIC_MSR_BASE + reg / 16, v);
	else
		lapic_mmio[reg / 4] = v;
}

/* This CPU's APIC id: bits 31..24 of the xAPIC's ID register, all 32
 * bits of the x2APIC's. */
static inline uint32_t lapic_id(void)
{
	uint32_t id = lapic_read(LAPIC_ID);

	return lapic_x2 ? id : id >> 24;
}

/* Sends the interrupt command lo to APIC id dest.  In x2APIC mode the
 * MSR write is not ordered after earlier stores (SDM 11.12.3), so a
 * fence first: the target must see what the IPI announces. */
static inline void lapic_icr_write(uint32_t dest, uint32_t lo)
{
	if (lapic_x2) {
		__asm__ volatile("mfence; lfence" ::: "memory");
		msr_write(X2APIC_MSR_ICR, (uint64_t)dest << 32 | lo);
		return;
	}
	lapic_write(LAPIC_ICR_HI, dest << 24);
	lapic_write(LAPIC_ICR_LO, lo);
}

/* Whether the last command is still being sent (xAPIC only: x2APIC
 * has no such bit). */
static inline bool lapic_icr_busy(void)
{
	return !lapic_x2 && (lapic_read(LAPIC_ICR_LO) & LAPIC_ICR_PENDING);
}

static inline void io_outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t io_inb(uint16_t port)
{
	uint8_t v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

struct arch_timer_info;

/*
 * Masks the 8259 PICs, finds the local APIC (in the firmware's mode:
 * x2APIC, or xAPIC - enabled globally if the firmware left it off - and
 * mapped), then masks what
 * else the firmware may have left armed: the IO-APIC's redirection
 * entries and the HPET's comparators (each when present at its usual
 * address), every LVT entry of the local APIC, and delivers (with a
 * handler that only sends the EOI) whatever interrupt was already
 * pending.  The APIC ends software-enabled with TRAP_SPURIOUS as its
 * spurious vector and task priority 0.  Interrupts off on entry and on
 * return.  Fills info's apic_base, x2apic, ioapic_pins, hpet_timers, drained.
 * Returns 0, or -ENOTSUP/-ENOMEM with info->why set.
 */
int irqchip_quiesce(struct arch_timer_info *info);

#endif
