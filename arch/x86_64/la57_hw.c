/*
 * arch/x86_64/la57_hw.c - five-level paging on the target (see la57.h):
 * CPUID, CR4, and the C side of the trampoline in la57_tramp.S.
 */
#include "../../lib/assert.h"
#include "../../lib/kstring.h"
#include "../../mm/arch_hooks.h"
#include "la57.h"
#include "pte.h"

#define CPUID7_ECX_LA57  (1u << 16)

extern const char la57_tramp_start[], la57_tramp_end[];
extern const char la57_tramp_root[], la57_tramp_lowroot[];

static paddr_t tramp_code = { .raw = ~0ULL };
static paddr_t tramp_root;

uint64_t cpu_read_cr4(void)
{
	uint64_t cr4;

	__asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
	return cr4;
}

bool la57_cpu_has(void)
{
	uint32_t eax = 0, ebx, ecx = 0, edx;

	__asm__ volatile("cpuid" : "+a"(eax), "=b"(ebx), "+c"(ecx), "=d"(edx));
	if (eax < 7)
		return false;
	eax = 7;
	ecx = 0;
	__asm__ volatile("cpuid" : "+a"(eax), "=b"(ebx), "+c"(ecx), "=d"(edx));
	return (ecx & CPUID7_ECX_LA57) != 0;
}

void la57_prepare(paddr_t code_page, paddr_t root_page)
{
	size_t size = (size_t)(la57_tramp_end - la57_tramp_start);

	ASSERT(size <= PAGE_SIZE, "la57: trampoline of %zu bytes", size);
	ASSERT(paddr_raw(code_page) < (1ULL << 32) &&
	       paddr_raw(root_page) < (1ULL << 32),
	       "la57: trampoline pages above 4 GiB");
	memcpy(arch_phys_to_ptr(code_page), la57_tramp_start, size);
	tramp_code = code_page;
	tramp_root = root_page;
}

paddr_t la57_tramp_page(void)
{
	return tramp_code;
}

/* Where the trampoline symbol sym (a data word) lies in the copy. */
static uint64_t *tramp_word(const char *sym)
{
	return (uint64_t *)((uint8_t *)arch_phys_to_ptr(tramp_code) +
			    (sym - la57_tramp_start));
}

void la57_switch(paddr_t root)
{
	void (*tramp)(uint64_t base);

	ASSERT(paddr_valid(tramp_code), "la57: la57_prepare not called");
	ASSERT(!(cpu_read_cr4() & CR4_LA57), "la57: five levels already on");
	/* The 32-bit MOV to CR3 takes a root below 4 GiB: a copy of root's
	 * PML5, whose entries lead to the same tables. */
	memcpy(arch_phys_to_ptr(tramp_root), arch_phys_to_ptr(root), PAGE_SIZE);
	*tramp_word(la57_tramp_root) = paddr_raw(root);
	*tramp_word(la57_tramp_lowroot) = paddr_raw(tramp_root);
	tramp = (void (*)(uint64_t))(uintptr_t)paddr_raw(tramp_code);
	tramp(paddr_raw(tramp_code));
	pt_set_live_levels(5);
}
