/*
 * machine/mmboot.h - bringing efimm's memory core up from the firmware's
 * memory map: the frame database, the kernel address space, and what
 * they need from the firmware (efimm's image sections, the framebuffer).
 *
 * Two moments:
 *   preview  while boot services run (`ptdump`, `frames`): the firmware
 *            owns free memory, so efimm takes a pool with AllocatePages
 *            and the database sees only that pool as free; the tables
 *            are built but never loaded;
 *   final    after ExitBootServices (`run`): every conventional and
 *            boot-services page is free (efi/cmd/cmd_run.c).
 */
#ifndef EFI_MMBOOT_H
#define EFI_MMBOOT_H

#include "../efi/fw/efi.h"

#include "../mm/kas.h"
#include "../mm/memmap.h"

struct efi_memmap {
	void *buf;
	UINTN size, key, desc_size;
	UINT32 desc_version;
};

/* GetMemoryMap into pool memory; free with efi_memmap_free. */
EFI_STATUS efi_memmap_get(struct efi_memmap *m);
void efi_memmap_free(struct efi_memmap *m);

#define MMBOOT_MAX_RANGES   1024
#define MMBOOT_MAX_EXTRA    256

/* What kas_build needs, gathered while the firmware still answers. */
struct mmboot_layout {
	struct kas_image img;
	struct kas_extra extra[MMBOOT_MAX_EXTRA];   /* framebuffer first */
	size_t nextra;
	size_t mat_entries;             /* of them from the attributes table */
};

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
 * Adds an uncached RW+NX extra for every descriptor of the map that is
 * not RAM and whose attributes lack write-back (EFI_MEMORY_WB), such as
 * a PCIe configuration window the firmware types Reserved: kas would
 * otherwise map it write-back by its type.
 */
void mmboot_uc_extras(struct mmboot_layout *l, const void *map, UINTN size,
		      UINTN desc_size);

/*
 * The ptdump range view of the tables at root under header, with the
 * region markers of layout l (none if l is NULL) and the CPU's PAT.
 * Returns the W+X page count.
 */
uint64_t mmboot_ptdump_ranges(paddr_t root, const char *header,
			      const struct mmboot_layout *l);

/*
 * Builds the frame database and the kernel address space from the
 * sanitised ranges r[0..n).  Returns 0 or -errno (printed by the caller).
 */
int mmboot_build(const struct mem_range *r, size_t n, const struct mmboot_layout *l);

/*
 * The preview (once per efimm run; later calls return the cached
 * result).  Returns EFI_SUCCESS or an error after printing one line.
 */
EFI_STATUS mmboot_preview(void);

/* Gives the preview's pool back to the firmware (before efimm returns). */
void mmboot_preview_release(void);

#endif
