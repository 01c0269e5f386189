/*
 * pure/memmap_fmt.h - the `memmap` command's output, in the UEFI Shell's
 * format so the two can be diffed:
 *
 *   Type       Start            End              # Pages          Attributes
 *   Available  0000000000000000-000000000009FFFF 00000000000000A0 000000000000000F
 *
 * (Shell format "% -10s %016LX-%016LX %016LX %016LX", End inclusive, the
 * Shell's short type names), then the per-type page totals and the total.
 * Pure code over a raw map buffer: walks by desc_size, never sizeof.
 */
#ifndef EFI_MEMMAP_FMT_H
#define EFI_MEMMAP_FMT_H

#include <stddef.h>
#include <stdint.h>

#include "../mm/fwmap.h"

/* The Shell's name for a memory type ("Available", "BS_Code", ...). */
const char *memmap_fmt_type_name(uint32_t type);

/*
 * Checks the buffer's shape.  Returns 0, or -EINVAL with *why set
 * (descriptor size under 40 bytes or not a multiple of 8, map size not a
 * multiple of the descriptor size).  An empty map is valid.
 */
int memmap_fmt_check(size_t map_size, size_t desc_size, const char **why);

/* Reads descriptor i (caller checked the shape). */
struct fw_desc memmap_fmt_desc(const void *map, size_t desc_size, size_t i);

/* Prints the Shell-style list then the summary.  Returns 0 or -EINVAL. */
int memmap_fmt_print(const void *map, size_t map_size, size_t desc_size);

/*
 * The sorted view: entries sorted by start; adjacent, contiguous entries
 * of the same type and attributes merged ("memmap: merged N entries");
 * overlapping entries reported one line each; zero-page entries dropped
 * and counted.  scratch must hold map_size / desc_size descriptors.
 * Returns the number of overlaps found (>= 0) or -EINVAL.
 */
int memmap_fmt_print_sorted(const void *map, size_t map_size, size_t desc_size,
			    struct fw_desc *scratch, size_t scratch_cap);

#endif
