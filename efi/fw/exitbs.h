/*
 * efi/fw/exitbs.h - leaving boot services and taking the machine over.
 *
 * Order (the caller's): allocate everything efimm will need, capture
 * the framebuffer (fbcon_capture_gop), efi_exit_boot_services(), then
 * efi_console_after_ebs() - ConOut is gone - and arch_cpu_takeover().
 * efi_take_over() does those steps in that order.
 */
#ifndef EFI_EXITBS_H
#define EFI_EXITBS_H

#include "efi.h"
#include "fbcon.h"

/* The memory map ExitBootServices was called with. */
struct exitbs_map {
	void *buf;              /* descriptors (pool memory, LoaderData) */
	UINTN size;             /* bytes of descriptors in buf */
	UINTN capacity;         /* bytes allocated */
	UINTN desc_size;        /* stride between descriptors */
	UINT32 desc_version;
	UINTN key;
	unsigned int attempts;  /* ExitBootServices calls (1 = no retry) */
};

/*
 * Allocates the map buffer (the size GetMemoryMap asks for plus slack
 * for the descriptors the allocation itself adds), reads the map and
 * calls ExitBootServices with its key, allocating nothing in between.
 * On EFI_INVALID_PARAMETER (the map changed: stale key) it re-reads the
 * map into the same buffer and tries again, up to EXITBS_MAX_ATTEMPTS
 * times (UEFI 2.10, 7.4: no allocation after a failed attempt).  On
 * success interrupts are off (cli) at once and *out holds the final map.
 * On failure boot services may be half gone: the caller can only report
 * and power off (the buffer is not freed once an attempt was made).
 */
#define EXITBS_MAX_ATTEMPTS 8
EFI_STATUS efi_exit_boot_services(struct exitbs_map *out);

/*
 * Fault injection for the tests (`run ... stale-keys=N`): the next n
 * ExitBootServices calls pass a key that does not match the map, which
 * the firmware refuses with EFI_INVALID_PARAMETER just as for a map that
 * changed, so the retry path runs on real firmware.
 */
void efi_exitbs_inject_stale_keys(unsigned int n);

/* COM1 and, if fb is not NULL and usable, the framebuffer become the
 * console.  Returns true if the framebuffer is in use. */
bool efi_console_after_ebs(const struct fb_info *fb);

/*
 * Captures the framebuffer, exits boot services, switches the console,
 * takes the CPU over (arch_cpu_takeover) and routes the fatal report's
 * power-off to RT->ResetSystem.  Prints one line saying what it did.
 * Returns EFI_SUCCESS or efi_exit_boot_services()'s error (printed).
 */
EFI_STATUS efi_take_over(struct exitbs_map *map);

#endif
