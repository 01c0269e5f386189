/*
 * efi/boot.h - booting the entries of efimm.conf.
 */
#ifndef EFI_BOOT_H
#define EFI_BOOT_H

#include "fw/efi.h"

/*
 * Reads \efimm\efimm.conf and runs its default entry (or, with several
 * entries and a timeout, lets the user pick one in a menu).  Returns
 * the status of the entry's command line, or EFI_LOAD_ERROR /
 * EFI_NOT_FOUND after printing one line when the config is unusable.
 */
EFI_STATUS boot_from_config(void);

#endif
