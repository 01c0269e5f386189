/*
 * mm/memmap.h - the firmware memory-map sanitiser.
 *
 * The UEFI memory map is untrusted input: descriptors may be unsorted,
 * overlap, describe zero pages, start at odd addresses or be longer than
 * struct fw_desc.  memmap_sanitize() turns it into a sorted array of
 * disjoint, page-aligned ranges, each with exactly one state:
 *
 *   MEM_FREE      RAM efimm may hand out (conventional memory and, once
 *                 boot services are gone, boot-services code/data);
 *   MEM_EFIMM     efimm's own image and pools (loader code/data), pinned;
 *   MEM_RESERVED  everything else (runtime, ACPI, MMIO, reserved, ...).
 *
 * Each output range also keeps the EFI type it came from, so that ptdump
 * and the kernel address space can tell runtime code from runtime data.
 *
 * Rules (in this order):
 *   1. A malformed map - desc_size < 40, map_size not a multiple of
 *      desc_size, a range whose end does not fit in 64 bits - returns
 *      -EINVAL before anything is written.
 *   2. Descriptors with num_pages == 0 are skipped and counted.
 *   3. Partial pages (odd addresses, or PAGE_SIZE > FW_PAGE_SIZE): FREE and
 *      EFIMM ranges shrink inward to whole pages (and are counted as zero
 *      pages if nothing is left); RESERVED ranges grow outward.  A FREE
 *      or EFIMM range starting at address 0 loses its first page: frame 0
 *      is reachable only through page 0, which efimm never maps, so it is
 *      never handed out.
 *   4. Overlaps resolve to the more restrictive state, RESERVED > EFIMM >
 *      FREE; between equal states the higher EFI type number wins (so the
 *      result never depends on descriptor order).  Each overlap is counted
 *      and reported once - through opts->on_overlap if set, else as the
 *      console line
 *        "memmap: overlap: TYPE START-END with TYPE START-END, keeping TYPE"
 *      (the first range is the descriptor being added, the second the
 *      piece of the map it hit; END is exclusive).  Never a panic.
 *   5. Adjacent ranges with the same state and type are merged.
 *
 * Pre-boot-services mode (opts->boot_services_up): while boot services
 * run, the firmware owns and may allocate any FREE memory, so every range
 * that would be FREE is reported RESERVED instead.  The only FREE memory
 * is then what the caller lists in opts->owned (the pool the loader got
 * from AllocatePages): parts of those ranges that the map shows as EFIMM
 * (loader data) become FREE; parts the map shows as anything else keep
 * their state.  After ExitBootServices, sanitise the final map again
 * without the flag.
 */
#ifndef MM_MEMMAP_H
#define MM_MEMMAP_H

#include "../lib/types.h"
#include "fwmap.h"

enum mem_state {
	MEM_FREE = 0,
	MEM_EFIMM,
	MEM_RESERVED,
};

/* One sanitised range: [start, end), both PAGE_SIZE-aligned, start < end.
 * type is the EFI type (enum fw_mem_type, or the firmware's raw number
 * for types this table does not know). */
struct mem_range {
	uint64_t start;
	uint64_t end;
	uint32_t type;
	uint32_t state;     /* enum mem_state */
};

/* Reports one overlap: added hit existing, and kept is the winner's type. */
typedef void (*memmap_overlap_fn)(void *ctx, const struct mem_range *added,
				  const struct mem_range *existing,
				  uint32_t kept_type);

struct memmap_opts {
	bool boot_services_up;
	const struct mem_range *owned;  /* only start/end are read */
	size_t nowned;
	memmap_overlap_fn on_overlap;   /* NULL: print the console line */
	void *ctx;
};

struct memmap_stats {
	size_t descs;       /* descriptors read */
	size_t zero_pages;  /* skipped: no whole page in them */
	size_t overlaps;    /* overlapping pairs resolved */
};

/*
 * Sanitises the map [map, map+map_size) of desc_size-byte descriptors into
 * out[0..cap).  opts and stats may be NULL.  Returns the number of ranges
 * written (>= 0), -EINVAL for a malformed map (nothing written), or
 * -ENOSPC if out is too small (out's contents are then undefined).
 */
int memmap_sanitize(const void *map, size_t map_size, size_t desc_size,
		    const struct memmap_opts *opts, struct mem_range *out,
		    size_t cap, struct memmap_stats *stats);

/*
 * Bytes of RAM that will be free once boot services end (types whose
 * state is MEM_FREE) in a raw firmware map walked by desc_size, and in
 * *ram_bytes (may be NULL) all RAM.  Returns -EINVAL for a malformed map
 * (as memmap_sanitize), else 0.  Overlaps are not resolved: an upper bound.
 */
int memmap_free_bytes(const void *map, size_t map_size, size_t desc_size,
		      uint64_t *free_bytes, uint64_t *ram_bytes);

/* State of an EFI type (after boot services); unknown types: RESERVED. */
enum mem_state memmap_type_state(uint32_t type);
/* True if frames of this type are RAM (get a frame-database entry). */
bool memmap_type_is_ram(uint32_t type);
/* Short name such as "conventional" or "unknown". */
const char *memmap_type_name(uint32_t type);
/* "free", "efimm" or "reserved". */
const char *memmap_state_name(uint32_t state);

#endif
