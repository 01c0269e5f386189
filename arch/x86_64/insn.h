/*
 * arch/x86_64/insn.h - names the privileged instruction a ring-3 payload
 * tried: the fatal report of a #GP (or #UD) from user mode reads the
 * bytes at RIP and says "privileged instruction in user mode: NAME".
 *
 * Only instructions that fault in ring 3 whatever the configuration are
 * named: privileged ones (SDM vol. 3, 2.8 "system instruction summary")
 * and the I/O instructions, which fault at CPL 3 because efimm runs
 * payloads with IOPL 0 and no I/O permission bitmap.  Those that fault
 * only under a CR4 setting (rdtsc with TSD, rdpmc without PCE, sgdt
 * with UMIP, ...) are not named.
 */
#ifndef ARCH_X86_64_INSN_H
#define ARCH_X86_64_INSN_H

#include "../../lib/types.h"

/*
 * The name of the instruction starting at code[0] (64-bit mode), e.g.
 * "cli", "wrmsr", "mov to CR3", "invlpg": a pointer to a constant
 * string.  NULL if it is not one of the privileged or I/O instructions
 * this module knows, or if the len bytes end before it can tell.
 * Legacy prefixes and one REX prefix before the opcode are skipped.
 */
const char *insn_privileged_name(const uint8_t *code, size_t len);

#endif
