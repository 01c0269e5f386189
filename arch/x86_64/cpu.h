/*
 * arch/x86_64/cpu.h - the few privileged CPU operations the page-table
 * code needs.  arch/x86_64/cpu_hw.c implements them on the target (inline
 * asm); tests/host/cpu_host.c implements them on the host, where invlpg
 * is recorded and the CPUID answers can be set by tests.
 */
#ifndef ARCH_X86_64_CPU_H
#define ARCH_X86_64_CPU_H

#include "../../lib/types.h"

/* Invalidates the TLB entries of the page holding va and (SDM 4.10.4.1)
 * every paging-structure-cache entry of the current PCID, on this CPU,
 * and queues va for the other CPUs (tlb.h: tlb_sync sends the round). */
void cpu_invlpg(vaddr_t va);
/* The same on this CPU only (a shootdown's target). */
void cpu_invlpg_local(vaddr_t va);
/* Drops every non-global translation of the current PCID on this CPU
 * (CR3 written back). */
void cpu_flush_local(void);

/* CR3 as a raw value (root table address | PCD/PWT/PCID bits). */
uint64_t cpu_read_cr3(void);
/* Loads CR3, which also flushes every non-global TLB entry. */
void cpu_write_cr3(uint64_t cr3);

/* CPUID 0x80000001 EDX bit 26: 1 GiB pages. */
bool cpu_has_1g_pages(void);
/* CPUID 0x80000001 EDX bit 20: execute-disable. */
bool cpu_has_nx(void);
/* Sets EFER.NXE if the CPU has NX, so PTE_XD is legal (without NXE, XD is
 * a reserved bit and faults).  Returns true if XD may be used. */
bool cpu_enable_nx(void);

/*
 * PCIDs: sets CR4.PCIDE when CPUID.1:ECX[17] has it.  Precondition: CR3's
 * PCID field is 0 (the SDM's condition for setting PCIDE).  Returns true
 * if CR3 writes may carry a PCID and the no-flush bit from now on.
 */
bool cpu_enable_pcid(void);
/* CPUID.(EAX=7,ECX=0):EBX[10]: the INVPCID instruction. */
bool cpu_has_invpcid(void);
/* INVPCID type 1: drops every non-global TLB and paging-structure-cache
 * entry tagged pcid, on this CPU.  Precondition: cpu_has_invpcid(). */
void cpu_invpcid_context(uint16_t pcid);

/* IA32_PAT MSR (0x277): eight 8-bit memory types, indexed by PAT:PCD:PWT. */
uint64_t cpu_read_pat(void);

#ifdef EFIMM_HOST
/* Host controls (tests/host/cpu_host.c). */
void cpu_host_set_1g(bool on);
void cpu_host_set_nx(bool on);
void cpu_host_set_pcid(bool pcid, bool invpcid);
/* The PCIDs cpu_invpcid_context dropped since the last reset, and how
 * many. */
size_t cpu_host_invpcid_count(void);
/* The calling thread's cpu_invlpg_local and cpu_flush_local calls since
 * it started (a shootdown's target is a thread in the tests). */
size_t cpu_host_local_flushes(void);
/* Every cpu_invlpg since the last reset, in call order. */
const vaddr_t *cpu_host_invlpg_log(size_t *n);
void cpu_host_invlpg_reset(void);
#endif

#endif
