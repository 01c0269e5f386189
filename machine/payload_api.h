/*
 * machine/payload_api.h - the service table efimm hands a payload
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

/* The table; every mandatory slot is filled. */
const struct efimm_api *payload_api(void);

/*
 * Ends the run: prints exactly "efimm: payload exited with status N",
 * then the "efimm: powering off, status N" line, and shuts the machine
 * down through the firmware's ResetSystem.  Never returns.
 */
__attribute__((noreturn)) void payload_exit(int status);

#endif
