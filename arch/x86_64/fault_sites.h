/*
 * arch/x86_64/fault_sites.h - instructions that fault on purpose, for
 * efimm's `fault` command (efi/cmd/cmd_fault.c).  Each function's first
 * instruction is the one that faults, so its address is the RIP the
 * fatal report must show.  None returns when used as documented.
 */
#ifndef ARCH_X86_64_FAULT_SITES_H
#define ARCH_X86_64_FAULT_SITES_H

#include "../../lib/types.h"

/* Reads 8 bytes at addr (0: #PF; non-canonical: #GP). */
uint64_t fault_read(uint64_t addr);
/* ud2: #UD. */
void fault_ud(void);
/* Divides by divisor (0: #DE). */
void fault_div(uint64_t divisor);
/*
 * Loads rsp (non-canonical) into RSP, then executes ud2.  Delivering the
 * #UD pushes to that RSP and faults (#GP or #SS, contributory); so does
 * delivering that fault on the same stack: the CPU raises #DF, which
 * runs on its own IST stack.  fault_stack_ud is the address of the ud2.
 */
void fault_stack(uint64_t rsp);
extern const char fault_stack_ud[];

#endif
