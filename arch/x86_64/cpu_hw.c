/*
 * arch/x86_64/cpu_hw.c - privileged CPU operations (target only; the host
 * tests link tests/host/cpu_host.c instead), and the direct map.
 */
#include "../../mm/arch_hooks.h"
#include "cpu.h"
#include "msr.h"

#define CPUID_EXT_FEATURES   0x80000001u
#define CPUID_EDX_NX         (1u << 20)
#define CPUID_EDX_PAGE1GB    (1u << 26)
#define MSR_EFER             0xC0000080u
#define MSR_EFER_NXE         (1ULL << 11)
#define MSR_PAT              0x277u

static uint32_t cpuid_ext_edx(void)
{
	uint32_t eax = CPUID_EXT_FEATURES, ebx, ecx = 0, edx;
	uint32_t max;

	__asm__ volatile("cpuid" : "=a"(max), "=b"(ebx), "=c"(ecx), "=d"(edx)
			 : "a"(0x80000000u), "c"(0));
	if (max < CPUID_EXT_FEATURES)
		return 0;
	__asm__ volatile("cpuid" : "+a"(eax), "=b"(ebx), "+c"(ecx), "=d"(edx));
	return edx;
}

void cpu_invlpg(vaddr_t va)
{
	__asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
}

uint64_t cpu_read_cr3(void)
{
	uint64_t v;

	__asm__ volatile("mov %%cr3, %0" : "=r"(v));
	return v;
}

void cpu_write_cr3(uint64_t cr3)
{
	__asm__ volatile("mov %0, %%cr3" : : "r"(cr3) : "memory");
}

bool cpu_has_1g_pages(void)
{
	return (cpuid_ext_edx() & CPUID_EDX_PAGE1GB) != 0;
}

bool cpu_has_nx(void)
{
	return (cpuid_ext_edx() & CPUID_EDX_NX) != 0;
}

/* Setting NXE under the firmware's tables is harmless: it only gives
 * meaning to XD bits, which firmware sets only when it enabled NXE. */
bool cpu_enable_nx(void)
{
	uint64_t efer;

	if (!cpu_has_nx())
		return false;
	efer = msr_read(MSR_EFER);
	if (!(efer & MSR_EFER_NXE))
		msr_write(MSR_EFER, efer | MSR_EFER_NXE);
	return true;
}

uint64_t cpu_read_pat(void)
{
	return msr_read(MSR_PAT);
}
