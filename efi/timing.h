/*
 * efi/timing.h - TSC time stamps of efimm's boot phases (lib/timing.h)
 * and the stamp taken at efimm's entry.
 */
#ifndef EFI_TIMING_H
#define EFI_TIMING_H

#include "../lib/timing.h"

/* TSC at efi_main's first instruction (efi/main.c). */
extern uint64_t timing_entry;

#endif
