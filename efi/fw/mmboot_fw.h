/*
 * efi/fw/mmboot_fw.h - what the memory bring-up (machine/mmboot.h) needs
 * from the firmware, and the preview: the bring-up run while boot
 * services are up, for `ptdump` and `frames`.
 */
#ifndef EFI_FW_MMBOOT_FW_H
#define EFI_FW_MMBOOT_FW_H

#include "efi.h"
#include "../../machine/mmboot.h"

struct efi_memmap {
	void *buf;
	UINTN size, key, desc_size;
	UINT32 desc_version;
};

/* GetMemoryMap into pool memory; free with efi_memmap_free. */
EFI_STATUS efi_memmap_get(struct efi_memmap *m);
void efi_memmap_free(struct efi_memmap *m);

/*
 * efimm's sections (from efi/efimm.lds), the GOP framebuffer, and the
 * runtime images' sections from the UEFI Memory Attributes Table (UEFI
 * 2.10, 4.6.4): a runtime driver keeps code and data in one RT_Code
 * range, so without the table efimm would have to map its data R+X (and
 * ResetSystem faults writing it) or its code RW (W+X).  Needs boot
 * services; the table is copied, since it may live in boot-services data.
 */
void mmboot_layout_get(struct mmboot_layout *l);

/*
 * The preview (once per efimm run; later calls return the cached
 * result): takes a pool with AllocatePages, then mmboot_bring_up() on a
 * fresh map with the pool as the only free memory.  Returns EFI_SUCCESS
 * or an error after printing one line.
 */
EFI_STATUS mmboot_preview(void);

/* Gives the preview's pool back to the firmware (before efimm returns). */
void mmboot_preview_release(void);

#endif
