/*
 * machine/mmboot.h - bringing efimm's memory core up from a firmware
 * memory map: the frame database and the kernel address space.
 *
 * One routine, mmboot_bring_up(), serves both moments; they differ only
 * in where the map comes from and what an error does:
 *   preview  while boot services run (`ptdump`, `frames`; efi/fw/mmboot_fw.c):
 *            a fresh GetMemoryMap; the firmware owns free memory, so the
 *            map is sanitised with efimm's pool as the only free part and
 *            the tables are built but never loaded; an error is printed
 *            and returned as an EFI status;
 *   final    after ExitBootServices (`run`, machine/run.c): the map
 *            ExitBootServices was called with, every conventional and
 *            boot-services page free; an error panics (no caller is left).
 * Nothing here calls the firmware: efi/ gathers what is needed from it
 * (struct mmboot_layout, the map) and passes it in.
 */
#ifndef MACHINE_MMBOOT_H
#define MACHINE_MMBOOT_H

#include "../mm/kas.h"
#include "../mm/memmap.h"

#define MMBOOT_MAX_RANGES   1024
#define MMBOOT_MAX_EXTRA    256

/* A firmware memory map: descriptors (mm/fwmap.h) desc_size bytes apart. */
struct mmboot_map {
	const void *buf;
	size_t size;            /* bytes of descriptors */
	size_t desc_size;
};

/* What kas_build needs, gathered while the firmware still answers. */
struct mmboot_layout {
	struct kas_image img;
	struct kas_extra extra[MMBOOT_MAX_EXTRA];   /* framebuffer first */
	size_t nextra;
	size_t mat_entries;             /* of them from the attributes table */
};

/* What mmboot_bring_up did. */
struct mmboot_outcome {
	const struct mem_range *ranges; /* the sanitised map */
	size_t nranges;
	const char *failed;             /* the step that failed, or NULL:
					 * "memory map", "frame database" or
					 * "kernel address space" */
	uint64_t tsc_pfdb;              /* TSC when the frame database was done */
};

/*
 * Adds an uncached RW+NX extra for every descriptor of m that is not RAM
 * and whose attributes lack write-back (FW_ATTR_WB), such as a PCIe
 * configuration window the firmware types Reserved: kas would otherwise
 * map it write-back by its type.
 */
void mmboot_uc_extras(struct mmboot_layout *l, const struct mmboot_map *m);

/*
 * The memory bring-up: sanitises m (with o; NULL after ExitBootServices),
 * adds m's uncached extras to l, fills the frame database and builds the
 * kernel address space (not loaded into CR3).  Returns 0, or -errno with
 * out->failed naming the step; prints nothing (the caller decides).
 */
int mmboot_bring_up(const struct mmboot_map *m, const struct memmap_opts *o,
		    struct mmboot_layout *l, struct mmboot_outcome *out);

/*
 * The ptdump range view of the tables at root (levels deep: 4 or 5)
 * under header, with the region markers of layout l (none if l is NULL)
 * and the CPU's PAT.
 * Returns the W+X page count.
 */
uint64_t mmboot_ptdump_ranges(paddr_t root, unsigned int levels,
			      const char *header,
			      const struct mmboot_layout *l);

#endif
