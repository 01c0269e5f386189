/*
 * arch/x86_64/cpu_hw.c - privileged CPU operations (target only; the host
 * tests link tests/host/cpu_host.c instead), and the direct map.
 */
#include "../../mm/arch_hooks.h"
#include "cpu.h"
#include "tlb.h"
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

void cpu_invlpg_local(vaddr_t va)
{
	__asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
}

void cpu_invlpg(vaddr_t va)
{
	cpu_invlpg_local(va);
	tlb_queue(va);
}

void cpu_flush_local(void)
{
	cpu_write_cr3(cpu_read_cr3() & ~(1ULL << 63));
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

#define CPUID1_ECX_PCID      (1u << 17)
#define CPUID7_EBX_INVPCID   (1u << 10)
#define CR4_PCIDE            (1ULL << 17)

/* CPUID leaf (subleaf 0): EAX, EBX, ECX. */
static void cpuid3(uint32_t leaf, uint32_t *eax, uint32_t *ebx, uint32_t *ecx)
{
	uint32_t edx;

	*eax = leaf;
	*ecx = 0;
	__asm__ volatile("cpuid" : "+a"(*eax), "=b"(*ebx), "+c"(*ecx), "=d"(edx));
}

bool cpu_enable_pcid(void)
{
	uint32_t eax, ebx, ecx;
	uint64_t cr4;

	cpuid3(1, &eax, &ebx, &ecx);
	if (!(ecx & CPUID1_ECX_PCID))
		return false;
	__asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
	__asm__ volatile("mov %0, %%cr4" : : "r"(cr4 | CR4_PCIDE) : "memory");
	return true;
}

bool cpu_has_invpcid(void)
{
	uint32_t max, ebx, ecx;

	cpuid3(0, &max, &ebx, &ecx);
	if (max < 7)
		return false;
	cpuid3(7, &max, &ebx, &ecx);
	return (ebx & CPUID7_EBX_INVPCID) != 0;
}

void cpu_invpcid_context(uint16_t pcid)
{
	struct { uint64_t pcid, addr; } desc = { pcid, 0 };

	__asm__ volatile("invpcid %0, %1" : : "m"(desc), "r"(1ULL) : "memory");
}

uint64_t cpu_read_pat(void)
{
	return msr_read(MSR_PAT);
}
