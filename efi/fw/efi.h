/*
 * efi/fw/efi.h - firmware glue shared by the efi/ files: gnu-efi headers,
 * the image handle, and small helpers.  Only efi/ includes this.
 */
#ifndef EFI_EFI_H
#define EFI_EFI_H

#include <efi.h>
#include <efilib.h>

#include "../../lib/types.h"

extern EFI_HANDLE efi_image;

/* "EFI_INVALID_PARAMETER" etc.; "EFI_STATUS(0x...)" for unknown codes
 * (formatted into a static buffer). */
const char *efi_status_name(EFI_STATUS s);

/* The exit code efimm reports for s: 0 for success, else the low 8 bits
 * of the status (EFI_LOAD_ERROR 1, EFI_INVALID_PARAMETER 2, ...). */
int efi_status_exit_code(EFI_STATUS s);

/*
 * Prints "efimm: powering off, status CODE (NAME)" - the line tools/run.sh
 * reads as efimm's exit status; CODE is taken modulo 256 - and asks the
 * firmware to shut down, reporting reset_status.  Works before and after
 * ExitBootServices (runtime services stay mapped).  Returns only if
 * ResetSystem returned.
 */
void efi_poweroff_try(int code, const char *name, EFI_STATUS reset_status);

/* efi_poweroff_try, then halts for good if the firmware did not power off. */
__attribute__((noreturn))
void efi_poweroff(int code, const char *name, EFI_STATUS reset_status);

/* Installs ConOut as the console backend (lib/console.h). */
void efi_con_init(void);

/*
 * Reads the file at path ('\' or '/' separators, relative to the root
 * of the volume efimm was loaded from) into pool memory.  Returns
 * EFI_SUCCESS with *buf and *size (free buf with FreePool), or EFI_NOT_FOUND,
 * EFI_ACCESS_DENIED (path is a directory), EFI_INVALID_PARAMETER (bad
 * path), EFI_BAD_BUFFER_SIZE (over max; *size is the file's size), or
 * the firmware's error.  Nothing is left allocated on failure.
 */
EFI_STATUS efi_file_read(const char *path, UINTN max, void **buf, UINTN *size);

/*
 * Why efi_file_read failed with s, as words for "PATH: cannot read: WHY":
 * "no such file", "is a directory, not a file", "file too large: N
 * bytes, the limit is 64 MiB" (size and max as passed to and returned
 * by efi_file_read; formatted into buf), and for efi_file_write "the
 * volume is write-protected" or "the volume is full"; else the status's
 * name.
 */
const char *efi_file_error(EFI_STATUS s, UINTN size, UINTN max, char *buf,
			   UINTN bufsz);

/*
 * Writes size bytes of buf as the file at path on efimm's volume,
 * creating the missing directories along it and replacing a file that
 * is there.  Returns EFI_SUCCESS, EFI_INVALID_PARAMETER (bad path),
 * EFI_ACCESS_DENIED (path or a directory on it is not what it must be),
 * EFI_WRITE_PROTECTED, EFI_VOLUME_FULL or the firmware's error; a
 * failed write leaves no partial file behind when the firmware lets
 * efimm delete it.
 */
EFI_STATUS efi_file_write(const char *path, const void *buf, UINTN size);

/* True if something (file or directory) exists at path on efimm's volume. */
bool efi_file_exists(const char *path);

/* Converts an ESP path to the UCS-2 form ("\dir\file"); returns
 * EFI_INVALID_PARAMETER for empty, non-ASCII or overlong paths. */
EFI_STATUS efi_path_to_ucs2(const char *path, CHAR16 *out, UINTN outlen);

#endif
