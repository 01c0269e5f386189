/*
 * arch/x86_64/machine.h - what arch/ offers the layers above mm/ (the
 * machine-owning code in machine/ and the commands in efi/cmd/), and
 * nothing mm/ needs: mm/ reaches the hardware only through
 * mm/arch_hooks.h, and every hook there is one mm/ calls.  Code above
 * mm/ includes this header (or mm/arch_hooks.h), never pt.h or pte.h.
 *
 * Unless a function says otherwise it acts on the kernel address space
 * (the tables arch_pt_init() created) and flushes the TLB itself.
 */
#ifndef ARCH_X86_64_MACHINE_H
#define ARCH_X86_64_MACHINE_H

#include "../../lib/types.h"

/* True if virt is canonical for the live paging mode (bits 63..47
 * equal with 4 levels, 63..56 with 5). */
bool arch_is_canonical(vaddr_t virt);
/* True if virt is canonical for five-level paging (bits 63..56 equal). */
bool arch_is_canonical_la57(vaddr_t virt);

/* The number of levels (4, or 5 for LA57) the next arch_pt_init() gives
 * the kernel address space, and the payload ones made from it.  Default
 * 4.  Call before mm_init (mmboot). */
void arch_pt_set_levels(unsigned int levels);

/* The levels arch_pt_set_levels() chose: those of the kernel address
 * space arch_pt_init() makes (and made, if the choice came before). */
unsigned int arch_pt_levels(void);

/* The live paging mode's levels, read from CR4.LA57 (target only); it
 * also records them (pt_set_live_levels) for the canonical checks. */
unsigned int arch_live_pt_levels(void);

/* Five-level paging (arch/x86_64/la57.h), target only.  The trampoline
 * needs ARCH_LA57_PAGES pages below 4 GiB, taken before
 * ExitBootServices; the first must be identity-mapped R+X in the kernel
 * tables (a kas_extra), the second only reserved. */
#define ARCH_LA57_PAGES 2
/* True if the CPU can run five levels (CPUID.(EAX=7,ECX=0):ECX[16]). */
bool arch_la57_supported(void);
/* Copies the trampoline into the pages at base (la57_prepare). */
void arch_la57_prepare(paddr_t base);
/*
 * Call after the kernel address space is built, before
 * arch_pt_activate(), with interrupts off: if it has five levels and the
 * CPU runs four, switches to five (CR4.LA57) through the trampoline,
 * loading the kernel tables.  Returns true if it switched.
 */
bool arch_pt_switch_levels(void);

/* Physical address of the top-level table efimm runs on: the payload's
 * while one is live (arch_as_create, mm/arch_hooks.h), else the kernel's. */
paddr_t arch_pt_root(void);

/* Loads the kernel address space into CR3 (target only); the CR3 write
 * flushes every non-global TLB entry.  Then turns PCIDs on where the CPU
 * has them (CR4.PCIDE), for the payload address spaces. */
void arch_pt_activate(void);

/* efimm's own stack for mm's calls (kstack.S, arch_call_on_kernel_stack):
 * [arch_kstack_base, arch_kstack_top). */
extern char arch_kstack_base[], arch_kstack_top[];

/* What the payload address-space switches use: ARCH_AS_* bits. */
#define ARCH_AS_PCID     (1u << 0)      /* CR4.PCIDE on */
#define ARCH_AS_INVPCID  (1u << 1)      /* INVPCID drops a payload's entries */
unsigned int arch_as_features(void);

/*
 * Another CPU's side of the live payload address space (an AP running a
 * payload function): arch_as_enter_here loads the payload's root on the
 * calling CPU, arch_as_leave_here efimm's (each CR3 write flushes this
 * CPU's non-global entries).  Precondition of enter: one is live; the
 * caller leaves before the boot CPU destroys it.
 */
void arch_as_enter_here(void);
void arch_as_leave_here(void);

/* Stops using PCIDs (every CR3 with PCID 0, no no-flush bit): with more
 * than one CPU online, a shootdown's invlpg must reach every translation
 * (arch/x86_64/tlb.h).  Call before the first payload address space. */
void arch_as_pcid_off(void);

/*
 * Changes permissions/cache of the present pages in [virt, virt+size)
 * (K_MEM_PERM_* and K_MEM_CACHE_* flags of mm/kmem.h), splitting large
 * pages at the edges.  Returns 0; -EINVAL (non-canonical, or RW|EXEC);
 * -ENOMEM (a split needed a table page; nothing changed); -EFAULT if
 * part of the range is not mapped (nothing changed).
 */
int arch_mem_protect(vaddr_t virt, size_t size, uint32_t flags);

/* Physical address of the top-level table the CPU uses now (CR3): the
 * firmware's until efimm loads its own (target only). */
paddr_t arch_live_pt_root(void);

/*
 * Removes the 4 KiB page at va (page-aligned) from the live tables in
 * CR3 - the firmware's, for the `fault` command, which wants a NULL read
 * to fault whoever's tables run.  A large page around va is split with
 * table pages from a small pool in efimm's image; emptied tables are
 * abandoned, not given back (they belong to the firmware).  CR0.WP is
 * cleared around the writes, since firmware may map its own tables
 * read-only.  Flushes the TLB.  Target only.  Returns 0, -EINVAL
 * (non-canonical) or -ENOMEM (pool used up; nothing changed).
 */
int arch_live_unmap_page(vaddr_t va);

/* What arch_timer_start() found and did, for the log. */
struct arch_timer_info {
	paddr_t apic_base;          /* the local APIC's registers (xAPIC mode) */
	bool x2apic;                /* the firmware left it in x2APIC mode */
	uint32_t hz;                /* timer interrupts per second */
	uint64_t apic_per_ms;       /* local APIC timer counts per ms (divider 16) */
	uint64_t tsc_khz;           /* the TSC, measured against the same clock */
	unsigned int ioapic_pins;   /* IO-APIC entries masked; 0: no IO-APIC */
	unsigned int hpet_timers;   /* HPET comparators stopped; 0: no HPET */
	unsigned int drained;       /* stale interrupts the firmware left pending */
	const char *why;            /* on failure: why, in a few words */
};

/*
 * Takes the interrupt sources over from the firmware and starts the
 * local APIC timer: masks the 8259 PICs, the IO-APIC, the HPET and the
 * local APIC's LVT entries, drains what was pending, sets the spurious
 * vector (TRAP_SPURIOUS), calibrates the timer against the PIT's channel
 * 2 (2 ms windows) and starts it periodic at hz with vector TRAP_TIMER.  Call
 * once, after ExitBootServices and arch_pt_activate() (in xAPIC mode it
 * maps the APIC's MMIO page uncached into the kernel address space), with
 * interrupts off; they stay off (the payload is entered with them on).
 * Whoever registers TRAP_TIMER (trap_set_irq) sends arch_timer_eoi().
 * Returns 0, or a negative errno with info->why: -ENOTSUP (no local
 * APIC), -ENOMEM (no table page to map it), -EIO
 * (the PIT never counted down, or the APIC timer did not).  Target only.
 */
int arch_timer_start(uint32_t hz, struct arch_timer_info *info);

/* Ends the local APIC's current interrupt (the EOI register). */
void arch_timer_eoi(void);

#endif
