/*
 * arch/x86_64/idt.c - the 256-gate IDT (desc.h).
 */
#include "../../lib/assert.h"
#include "../../lib/kstring.h"
#include "desc.h"
#include "trap.h"

/* 64-bit gate (SDM vol. 3, 6.14.1): type 0xE = interrupt gate. */
struct idt_entry {
	uint16_t off_lo;
	uint16_t sel;
	uint8_t ist;
	uint8_t type_attr;      /* P | DPL | 0 | type */
	uint16_t off_mid;
	uint32_t off_hi;
	uint32_t reserved;
} __attribute__((packed));

#define GATE_INTR64  0x0E
#define GATE_DPL3    0x60
#define GATE_P       0x80

static struct idt_entry idt[TRAP_VECTORS] __attribute__((aligned(16)));

/* The IST of vector v, 0 for "stay on the current stack". */
static uint8_t idt_ist_of(unsigned int v)
{
	switch (v) {
	case TRAP_DF: return IST_DF;
	case TRAP_NMI: return IST_NMI;
	case TRAP_MC: return IST_MC;
	case TRAP_PF: return IST_PF;
	case TRAP_SYSCALL: return 0;
	default: return v >= TRAP_FIRST_IRQ ? IST_IRQ : 0;
	}
}

/* Gates ring 3 may raise with an int instruction: the system call, and
 * int3/into so they report as #BP/#OF rather than #GP. */
static uint8_t idt_dpl_of(unsigned int v)
{
	return v == TRAP_SYSCALL || v == TRAP_BP || v == TRAP_OF ? GATE_DPL3 : 0;
}

static void idt_set(unsigned int v, uint64_t handler)
{
	struct idt_entry *e = &idt[v];

	e->off_lo = handler & 0xFFFF;
	e->sel = GDT_KCODE;
	e->ist = idt_ist_of(v);
	e->type_attr = GATE_P | idt_dpl_of(v) | GATE_INTR64;
	e->off_mid = (handler >> 16) & 0xFFFF;
	e->off_hi = handler >> 32;
	e->reserved = 0;
}

struct desc_ptr idt_init(uint64_t stub_base, uint64_t stub_stride)
{
	for (unsigned int v = 0; v < TRAP_VECTORS; v++)
		idt_set(v, stub_base + v * stub_stride);
	return (struct desc_ptr){ .limit = sizeof(idt) - 1,
				  .base = (uint64_t)(uintptr_t)idt };
}

struct desc_ptr idt_copy(void *dst)
{
	_Static_assert(sizeof(idt) == IDT_BYTES, "idt: IDT_BYTES");
	memcpy(dst, idt, sizeof(idt));
	return (struct desc_ptr){ .limit = sizeof(idt) - 1,
				  .base = (uint64_t)(uintptr_t)dst };
}

void idt_gate(unsigned int v, uint64_t *lo, uint64_t *hi)
{
	ASSERT(v < TRAP_VECTORS, "arch: no IDT gate %u", v);
	memcpy(lo, &idt[v], sizeof(*lo));
	memcpy(hi, (const uint8_t *)&idt[v] + sizeof(*lo), sizeof(*hi));
}
