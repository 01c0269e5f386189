/*
 * efi/cmd/fwsnap_live.h - a snapshot (pure/fwsnap.h) of the live
 * machine, before ExitBootServices: what `audit` judges and `snapshot`
 * writes to the ESP.
 *
 * Two steps, because an allocation may change both the memory map and
 * the tables (the firmware splits pages to apply its NX policy to new
 * memory): fwsnap_live_alloc gets every buffer, the caller may allocate
 * more of its own, then fwsnap_live_capture reads the map, the registers,
 * the CPUID leaves and the tables without allocating in between, so the
 * snapshot is one consistent moment.
 */
#ifndef EFI_CMD_FWSNAP_LIVE_H
#define EFI_CMD_FWSNAP_LIVE_H

#include "../fw/mmboot_fw.h"
#include "../../pure/snapfile.h"

/* The buffers of one live snapshot, all from the firmware's pool. */
struct fwsnap_live {
	struct fwsnap s;
	EFI_PHYSICAL_ADDRESS store;     /* FWSNAP_MAX_PT_PAGES pages */
	void *mat_copy;
	struct efi_memmap m;
	struct snapfile_meta meta;      /* PAT and CPUID; the caller adds the rest */
};

/*
 * Precondition: l zeroed and fwsnap_init(&l->s) done.  Allocates the
 * table store, the slots, the images, the MAT's copy, and looks the
 * Memory Attribute Protocol up.  Returns EFI_SUCCESS or the firmware's
 * error (free with fwsnap_live_free either way).
 */
EFI_STATUS fwsnap_live_alloc(struct fwsnap_live *l);

/* The map, then (no allocation in between) CR0/CR3/CR4/EFER/RSP, the
 * PAT, the CPUID leaves and the tables from CR3.  Returns EFI_SUCCESS or
 * GetMemoryMap's error. */
EFI_STATUS fwsnap_live_capture(struct fwsnap_live *l);

/* Gives back whatever fwsnap_live_alloc and fwsnap_live_capture got. */
void fwsnap_live_free(struct fwsnap_live *l);

#endif
