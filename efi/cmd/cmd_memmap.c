/*
 * efi/cmd/cmd_memmap.c - `memmap [--sorted]`: the firmware's memory map.
 */
#include "commands.h"
#include "../../pure/memmap_fmt.h"
#include "../fw/mmboot_fw.h"

#include "../../lib/kstring.h"
#include "../../lib/printf.h"

static EFI_STATUS print_sorted(void *map, UINTN size, UINTN desc_size)
{
	UINTN n = desc_size ? size / desc_size : 0;
	struct fw_desc *scratch = AllocatePool((n ? n : 1) * sizeof(*scratch));
	int ret;

	if (!scratch)
		return EFI_OUT_OF_RESOURCES;
	ret = memmap_fmt_print_sorted(map, size, desc_size, scratch, n);
	FreePool(scratch);
	return ret < 0 ? EFI_INVALID_PARAMETER : EFI_SUCCESS;
}

EFI_STATUS cmd_memmap(int argc, char **argv)
{
	bool sorted = false;
	struct efi_memmap m;
	EFI_STATUS s;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--sorted") == 0)
			sorted = true;
		else
			return cmd_bad_option("memmap", argv[i]);
	}
	s = efi_memmap_get(&m);
	if (EFI_ERROR(s)) {
		kprintf("efimm: memmap: GetMemoryMap failed: %s\n", efi_status_name(s));
		return s;
	}
	if (sorted)
		s = print_sorted(m.buf, m.size, m.desc_size);
	else
		s = memmap_fmt_print(m.buf, m.size, m.desc_size) ? EFI_INVALID_PARAMETER
								 : EFI_SUCCESS;
	efi_memmap_free(&m);
	return s;
}
