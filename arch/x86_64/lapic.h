/*
 * arch/x86_64/lapic.h - what the interrupt controllers' code shares
 * (irqchip_hw.c quiets them, timer_hw.c runs the local APIC timer):
 * register offsets, port I/O and the xAPIC's MMIO window.  Target only.
 *
 * The xAPIC's registers are 32-bit MMIO at the base IA32_APIC_BASE
 * names (SDM vol. 3, 11.4); that page is not in the UEFI memory map, so
 * irqchip_hw.c maps it (uncached) into efimm's address space first.
 */
#ifndef ARCH_X86_64_LAPIC_H
#define ARCH_X86_64_LAPIC_H

#include "../../lib/types.h"

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

/* The xAPIC's registers, once irqchip_lapic_map() mapped them. */
extern volatile uint32_t *lapic_mmio;

static inline uint32_t lapic_read(uint32_t reg)
{
	return lapic_mmio[reg / 4];
}

static inline void lapic_write(uint32_t reg, uint32_t v)
{
	lapic_mmio[reg / 4] = v;
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
 * Masks the 8259 PICs, finds the local APIC (xAPIC mode; enabled
 * globally if the firmware left it off) and maps it, then masks what
 * else the firmware may have left armed: the IO-APIC's redirection
 * entries and the HPET's comparators (each when present at its usual
 * address), every LVT entry of the local APIC, and delivers (with a
 * handler that only sends the EOI) whatever interrupt was already
 * pending.  The APIC ends software-enabled with TRAP_SPURIOUS as its
 * spurious vector and task priority 0.  Interrupts off on entry and on
 * return.  Fills info's apic_base, ioapic_pins, hpet_timers, drained.
 * Returns 0, or -ENOTSUP/-ENOMEM with info->why set.
 */
int irqchip_quiesce(struct arch_timer_info *info);

#endif
