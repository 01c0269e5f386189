/*
 * pure/pe.c - PE32+ EFI application header check.
 */
#include "pe.h"

#include <stdint.h>

#include "../lib/errno.h"
#include "../lib/kstring.h"
#include "../lib/le.h"
#include "../lib/printf.h"

#define PE_MACHINE_X86_64    0x8664
#define PE_MAGIC_PE32PLUS    0x20B
#define PE_SUBSYSTEM_EFI_APP 10
#define PE_COFF_SIZE         24      /* "PE\0\0" and the COFF file header */
#define PE_OPT_SUBSYSTEM     68      /* offset in the PE32+ optional header */

/* Checks the optional header (len bytes of it in the file). */
static int check_optional(const uint8_t *opt, size_t len, char *why, size_t n)
{
	uint16_t magic;

	if (len < PE_OPT_SUBSYSTEM + 2) {
		ksnprintf(why, n, "not a PE image (optional header truncated)");
		return -ENOEXEC;
	}
	magic = le_read16(opt);
	if (magic != PE_MAGIC_PE32PLUS) {
		ksnprintf(why, n, "PE optional header magic 0x%X, not PE32+ (0x20B)", magic);
		return -ENOTSUP;
	}
	if (le_read16(opt + PE_OPT_SUBSYSTEM) != PE_SUBSYSTEM_EFI_APP) {
		ksnprintf(why, n, "PE subsystem %u, not an EFI application (10)",
			  le_read16(opt + PE_OPT_SUBSYSTEM));
		return -ENOTSUP;
	}
	return 0;
}

int pe_check(const void *image, size_t size, char *why, size_t n)
{
	const uint8_t *img = image, *pe;
	uint32_t lfanew;
	uint16_t machine, optsize;

	if (size < 0x40 || img[0] != 'M' || img[1] != 'Z') {
		ksnprintf(why, n, "not a PE image");
		return -ENOEXEC;
	}
	lfanew = le_read32(img + 0x3C);
	if (lfanew > size || size - lfanew < PE_COFF_SIZE) {
		ksnprintf(why, n, "not a PE image (e_lfanew 0x%X past the end)", lfanew);
		return -ENOEXEC;
	}
	pe = img + lfanew;
	if (memcmp(pe, "PE\0\0", 4) != 0) {
		ksnprintf(why, n, "not a PE image (no PE signature)");
		return -ENOEXEC;
	}
	machine = le_read16(pe + 4);
	if (machine != PE_MACHINE_X86_64) {
		ksnprintf(why, n, "PE image for machine 0x%X, not x86_64", machine);
		return -ENOTSUP;
	}
	optsize = le_read16(pe + 20);
	if (optsize > size - lfanew - PE_COFF_SIZE) {
		ksnprintf(why, n, "not a PE image (optional header truncated)");
		return -ENOEXEC;
	}
	return check_optional(pe + PE_COFF_SIZE, optsize, why, n);
}
