/*
 * machine/payload_api.h - the system calls efimm serves a payload
 * (payload/sdk/efimm_abi.h), and how a payload run ends.
 */
#ifndef EFI_PAYLOAD_API_H
#define EFI_PAYLOAD_API_H

#include "../payload/sdk/efimm_abi.h"
#include "mmboot.h"

/* What the ptdump and memmap_summary services show: the final map and
 * the layout efimm was built from (kept by the caller for the run). */
void payload_api_set_view(const struct mmboot_layout *l,
			  const struct mem_range *r, size_t n);

/* Registers the system-call handler with trap.c (once, after
 * arch_cpu_takeover): calls are served while a payload runs. */
void payload_api_init(void);

/* The exit status of a payload whose non-zero status has a low byte of
 * 0 (256, 512, INT_MIN), which would otherwise read as success. */
#define PAYLOAD_EXIT_LOW_BYTE_ZERO 1

/*
 * `run` ends (machine/run.c) by printing exactly "efimm: payload exited
 * with status N", then the "efimm: powering off, status N" line with the
 * same N, and shuts the machine down through the firmware's ResetSystem.
 * N is status when it is 0..255; otherwise its low byte, or
 * PAYLOAD_EXIT_LOW_BYTE_ZERO if that is 0, and the first line ends in
 * " (payload status STATUS)"; a status of 0 with failed test points
 * (machine/testapi.h) gives 1, after "efimm: payload failed: WHY".
 */

#endif
