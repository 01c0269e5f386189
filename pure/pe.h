/*
 * pure/pe.h - the PE header check `chainload` makes before LoadImage, so
 * that a wrong file gets a precise reason instead of the firmware's
 * generic error.  Pure code (no firmware calls): unit-tested and fuzzed
 * on the host.
 */
#ifndef EFI_PE_H
#define EFI_PE_H

#include <stddef.h>

/*
 * Checks that img (size bytes, any alignment) is an x86_64 PE32+ EFI
 * application: MZ, e_lfanew inside the file, "PE\0\0", machine 0x8664,
 * optional-header magic 0x20B, subsystem 10.  Reads only inside img.
 * Returns 0; -ENOEXEC when it is not a PE image at all; -ENOTSUP when it
 * is one efimm cannot start (another machine, PE32, a driver).  On an
 * error writes a one-line reason ("PE image for machine 0xAA64, not
 * x86_64") into why.
 */
int pe_check(const void *img, size_t size, char *why, size_t whylen);

#endif
