/*
 * arch/x86_64/cpu_setup_hw.c - arch_cpu_takeover(): efimm's own GDT, TSS
 * and IDT, and the control-register bits efimm relies on.
 *
 * Called once after ExitBootServices, with the firmware's page tables
 * still in CR3 (which efimm may replace later: nothing here depends on
 * them beyond the identity map of efimm's own image).
 */
#include "cpu.h"
#include "cpu_setup.h"
#include "desc.h"
#include "isr.h"
#include "percpu.h"
#include "trap.h"
#include "ucopy.h"

uint8_t cpu_smap_on;

#define CR0_WP        (1ULL << 16)
#define CR4_SMEP      (1ULL << 20)
#define CR4_SMAP      (1ULL << 21)
#define CPUID7_EBX_SMEP (1u << 7)
#define CPUID7_EBX_SMAP (1u << 20)

static void cpuid(uint32_t leaf, uint32_t sub, uint32_t *eax, uint32_t *ebx)
{
	uint32_t ecx, edx;

	__asm__ volatile("cpuid" : "=a"(*eax), "=b"(*ebx), "=c"(ecx), "=d"(edx)
			 : "a"(leaf), "c"(sub));
}

/* CPUID.(EAX=7,ECX=0):EBX, or 0 if leaf 7 does not exist. */
static uint32_t cpuid_leaf7_ebx(void)
{
	uint32_t max, ebx;

	cpuid(0, 0, &max, &ebx);
	if (max < 7)
		return 0;
	cpuid(7, 0, &max, &ebx);
	return ebx;
}

void cpu_load_gdt(const struct desc_ptr *gdtr)
{
	__asm__ volatile("lgdt %0" : : "m"(*gdtr) : "memory");
	__asm__ volatile("pushq %[cs]\n\t"
			 "leaq 1f(%%rip), %%rax\n\t"
			 "pushq %%rax\n\t"
			 "lretq\n"
			 "1:\n\t"
			 "movl %[ds], %%eax\n\t"
			 "movl %%eax, %%ds\n\t"
			 "movl %%eax, %%es\n\t"
			 "movl %%eax, %%ss\n\t"
			 "movl %%eax, %%fs\n\t"
			 "movl %%eax, %%gs"
			 : : [cs] "i"(GDT_KCODE), [ds] "i"(GDT_KDATA)
			 : "rax", "memory");
	__asm__ volatile("ltr %w0" : : "r"(GDT_TSS));
}

void cpu_load_idt(const struct desc_ptr *idtr)
{
	__asm__ volatile("lidt %0" : : "m"(*idtr) : "memory");
}

bool cpu_set_write_protect(bool on)
{
	uint64_t cr0, next;

	__asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
	next = on ? cr0 | CR0_WP : cr0 & ~CR0_WP;
	__asm__ volatile("mov %0, %%cr0" : : "r"(next) : "memory");
	return (cr0 & CR0_WP) != 0;
}

/*
 * SMEP/SMAP when CPUID leaf 7 has them: efimm must never execute, nor
 * (outside stac/clac) touch, user pages.  Returns the CR4 bits set.
 */
static uint64_t set_cr4_smep_smap(void)
{
	uint32_t ebx = cpuid_leaf7_ebx();
	uint64_t cr4, bits = 0;

	if (ebx & CPUID7_EBX_SMEP)
		bits |= CR4_SMEP;
	if (ebx & CPUID7_EBX_SMAP)
		bits |= CR4_SMAP;
	__asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
	__asm__ volatile("mov %0, %%cr4" : : "r"(cr4 | bits) : "memory");
	return bits;
}

unsigned int arch_cpu_takeover(void)
{
	struct desc_ptr gdtr, idtr;
	unsigned int done = 0;
	uint64_t cr4;

	__asm__ volatile("cli");
	gdtr = gdt_init();
	cpu_load_gdt(&gdtr);
	percpu_boot_init();
	idtr = idt_init((uint64_t)(uintptr_t)isr_stubs, ISR_STUB_SIZE);
	cpu_load_idt(&idtr);
	if (cpu_enable_nx())
		done |= CPU_TAKEOVER_NX;
	cpu_set_write_protect(true);
	cr4 = set_cr4_smep_smap();
	done |= CPU_TAKEOVER_WP;
	if (cr4 & CR4_SMEP)
		done |= CPU_TAKEOVER_SMEP;
	if (cr4 & CR4_SMAP)
		done |= CPU_TAKEOVER_SMAP;
	cpu_smap_on = (cr4 & CR4_SMAP) != 0;
	trap_set_protections(true, (done & CPU_TAKEOVER_NX) != 0,
			     (cr4 & CR4_SMEP) != 0, cpu_smap_on);
	trap_set_fixup((uint64_t)(uintptr_t)ucopy_fault_start,
		       (uint64_t)(uintptr_t)ucopy_fault_end,
		       (uint64_t)(uintptr_t)ucopy_fixup);
	return done;
}
