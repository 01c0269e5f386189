/*
 * machine/symbols.h - names for the addresses in backtraces: efimm's own
 * functions (its table built at link time, lib/symtab.h efimm_ksyms, at
 * the image base the firmware loaded it at) and the running payload's
 * (its ELF .symtab, read before ExitBootServices), and the gdb lines that
 * load both at those addresses.  Also the stacks of efimm's own a
 * backtrace may read.
 */
#ifndef MACHINE_SYMBOLS_H
#define MACHINE_SYMBOLS_H

#include "../arch/x86_64/trap.h"
#include "../lib/symtab.h"

/* Where the firmware loaded efimm (efi/main.c, at entry). */
void symbols_set_base(uint64_t base);

/* The running payload's table (NULL: none) and its path on the ESP
 * (kept; must stay valid while it runs).  prun.c sets it per payload. */
void symbols_set_payload(const struct symtab *t, const char *path);

/*
 * backtrace_sym_fn (arch/x86_64/backtrace.h): the function holding pc in
 * efimm or in the running payload.  Returns its name, *off and *module
 * ("efimm" or the payload's file name), or NULL.
 */
const char *symbols_lookup(uint64_t pc, uint64_t *off, const char **module);

/* Prints the gdb commands that load efimm's symbols (build/efimm.so) at
 * its image base and the payload's at its link address:
 *   efimm: gdb: add-symbol-file build/efimm.so -o 0x1dd9a000
 *   efimm: gdb: add-symbol-file efimm/payloads/x.elf -o 0   (ESP path) */
void symbols_print_gdb(void);

/* The fatal and timeout reports' last lines (trap.c's backtrace hook):
 * the backtrace of f by frame pointers, symbolized, through efimm's
 * stacks and the payload's resident memory, then the gdb lines. */
void symbols_report_backtrace(const struct trap_frame *f);

/* The frame of the payload's system call being served (payload_api.c
 * sets it around each call; NULL between calls), one per CPU: a fault in
 * efimm during the call then also gets the payload's backtrace from that
 * frame. */
void symbols_set_syscall_frame(const struct trap_frame *f);

/* A stack of efimm's [lo, hi): backtraces read frames there directly.
 * At most SYMBOLS_MAX_STACKS; returns 0 or -ENOSPC. */
/* The boot CPU's few, and 7 per AP (arch/x86_64/smp.h) for 64 CPUs. */
#define SYMBOLS_MAX_STACKS (12 + 7 * 63)
int symbols_add_stack(uint64_t lo, uint64_t hi);

/* True if [va, va+len) lies inside one stack added above. */
bool symbols_in_efimm_stack(uint64_t va, size_t len);

#endif
