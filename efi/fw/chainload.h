/*
 * efi/fw/chainload.h - starting another EFI application from efimm's ESP.
 */
#ifndef EFI_FW_CHAINLOAD_H
#define EFI_FW_CHAINLOAD_H

#include "efi.h"

/* efimm instances that may wait in a chainload at once (see chainload.c). */
#define CHAINLOAD_MAX_NEST 8

/*
 * Reads argv[1] (PATH on efimm's ESP), checks it is an x86_64 PE32+ EFI
 * application, loads it with its device path and starts it with
 * argv[2..argc) as Shell-style LoadOptions.  Returns the child's exit
 * status after "efimm: chainloaded image exited with status S", or
 * EFI_NOT_FOUND / EFI_LOAD_ERROR / EFI_UNSUPPORTED / EFI_ABORTED (too
 * deeply nested) / the firmware's error after one line
 * "efimm: chainload: PATH: WHY".  Nothing stays loaded or allocated.
 * Precondition: argc >= 2.
 */
EFI_STATUS efi_chainload(int argc, char **argv);

#endif
