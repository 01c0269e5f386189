/*
 * arch/x86_64/gdt.c - efimm's GDT, its TSS and the IST stacks (desc.h).
 */
#include "../../lib/assert.h"
#include "desc.h"
#include "percpu.h"
#include "trap.h"

/* Segment descriptor bits (SDM vol. 3, 3.4.5). */
#define SEG_ACCESSED  (1ULL << 40)
#define SEG_RW        (1ULL << 41)      /* data: writable, code: readable */
#define SEG_CODE      (1ULL << 43)
#define SEG_S         (1ULL << 44)      /* code/data, not system */
#define SEG_DPL3      (3ULL << 45)
#define SEG_P         (1ULL << 47)
#define SEG_L         (1ULL << 53)      /* 64-bit code */
#define SEG_G         (1ULL << 55)
#define SEG_LIMIT_MAX (0xFFFFULL | (0xFULL << 48))
#define SEG_TSS_AVAIL (9ULL << 40)      /* 64-bit TSS, available */

#define SEG_DATA  (SEG_P | SEG_S | SEG_RW | SEG_ACCESSED | SEG_G | SEG_LIMIT_MAX)
#define SEG_CODE64 (SEG_DATA | SEG_CODE | SEG_L)

/* enter.S's copies of the selectors. */
_Static_assert(GDT_KCODE == 0x08 && GDT_KDATA == 0x10, "enter.S: kernel selectors");
_Static_assert((GDT_UCODE | GDT_RPL3) == 0x23 && (GDT_UDATA | GDT_RPL3) == 0x1b,
	       "enter.S: user selectors");

/* The boot CPU's IST stacks. */
static struct ist_area ist_areas[IST_COUNT];
static const char *const ist_names[IST_COUNT] = {
	[IST_DF - 1] = "the #DF IST stack", [IST_NMI - 1] = "the NMI IST stack",
	[IST_MC - 1] = "the #MC IST stack", [IST_PF - 1] = "the #PF IST stack",
	[IST_IRQ - 1] = "the interrupt IST stack",
};

/* The two slots of a 64-bit TSS descriptor for a base and a limit. */
static void gdt_set_tss(uint64_t *gdt, int slot, uint64_t base, uint32_t limit)
{
	gdt[slot] = (limit & 0xFFFFULL) | ((base & 0xFFFFFFULL) << 16) |
		    SEG_TSS_AVAIL | SEG_P |
		    ((uint64_t)((limit >> 16) & 0xF) << 48) |
		    ((base >> 24) & 0xFF) << 56;
	gdt[slot + 1] = base >> 32;
}

/* Points TSS.ISTn at the top of stack n and registers its guard. */
static void gdt_setup_ist(struct cpu_desc *d, struct ist_area *a, const char *name,
			  int n)
{
	struct ist_stack *s = &d->ist[n - 1];

	s->name = name;
	s->guard = (uint64_t)(uintptr_t)a->guard;
	s->bottom = (uint64_t)(uintptr_t)a->stack;
	s->top = s->bottom + IST_STACK_SIZE;
	d->tss.ist[n - 1] = s->top;
	if (trap_register_guard(s->guard, s->name))
		panic("arch: no room to register the guard of %s", s->name);
}

struct desc_ptr gdt_init_cpu(struct cpu_desc *d, struct ist_area *areas,
			     const char *const names[IST_COUNT])
{
	uint64_t *gdt = d->gdt;

	gdt[0] = 0;
	gdt[GDT_KCODE / 8] = SEG_CODE64;
	gdt[GDT_KDATA / 8] = SEG_DATA;
	gdt[GDT_UDATA / 8] = SEG_DATA | SEG_DPL3;
	gdt[GDT_UCODE / 8] = SEG_CODE64 | SEG_DPL3;
	/* No I/O bitmap: a base at or past the limit means none. */
	d->tss.iomap_base = sizeof(d->tss);
	for (int n = 1; n <= IST_COUNT; n++)
		gdt_setup_ist(d, &areas[n - 1], names[n - 1], n);
	gdt_set_tss(gdt, GDT_TSS / 8, (uint64_t)(uintptr_t)&d->tss, sizeof(d->tss) - 1);
	return (struct desc_ptr){ .limit = sizeof(d->gdt) - 1,
				  .base = (uint64_t)(uintptr_t)gdt };
}

struct desc_ptr gdt_init(void)
{
	return gdt_init_cpu(&percpu_boot.desc, ist_areas, ist_names);
}

void gdt_set_rsp0(uint64_t top)
{
	ASSERT(IS_ALIGNED(top, 16), "arch: RSP0 0x%lx not 16-byte aligned", top);
	this_cpu()->desc.tss.rsp[0] = top;
}

const uint64_t *gdt_table(void)
{
	return this_cpu()->desc.gdt;
}

const struct tss64 *gdt_tss(void)
{
	return &this_cpu()->desc.tss;
}

const struct ist_stack *gdt_ist_stack(int ist)
{
	ASSERT(ist >= 1 && ist <= IST_COUNT, "arch: no IST stack %d", ist);
	return &this_cpu()->desc.ist[ist - 1];
}
