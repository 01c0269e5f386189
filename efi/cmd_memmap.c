/*
 * efi/cmd_memmap.c - `memmap [--sorted]`: the firmware's memory map.
 */
#include "commands.h"
#include "memmap_fmt.h"

#include "../lib/kstring.h"
#include "../lib/printf.h"

/* Fetches the current map into pool memory (retrying while it grows). */
static EFI_STATUS get_map(void **map, UINTN *size, UINTN *desc_size)
{
	UINTN key;
	UINT32 ver;
	EFI_STATUS s = EFI_BUFFER_TOO_SMALL;

	*map = NULL;
	*size = 0;
	for (int tries = 0; s == EFI_BUFFER_TOO_SMALL && tries < 8; tries++) {
		if (*map)
			FreePool(*map);
		*size += 8 * sizeof(EFI_MEMORY_DESCRIPTOR) + 1024;
		*map = AllocatePool(*size);
		if (!*map)
			return EFI_OUT_OF_RESOURCES;
		s = uefi_call_wrapper(BS->GetMemoryMap, 5, size, *map, &key,
				      desc_size, &ver);
	}
	if (EFI_ERROR(s)) {
		FreePool(*map);
		*map = NULL;
	}
	return s;
}

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
	void *map;
	UINTN size, desc_size;
	EFI_STATUS s;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--sorted") == 0)
			sorted = true;
		else
			return cmd_bad_option("memmap", argv[i]);
	}
	s = get_map(&map, &size, &desc_size);
	if (EFI_ERROR(s)) {
		kprintf("efimm: memmap: GetMemoryMap failed: %s\n", efi_status_name(s));
		return s;
	}
	if (sorted)
		s = print_sorted(map, size, desc_size);
	else
		s = memmap_fmt_print(map, size, desc_size) ? EFI_INVALID_PARAMETER
							   : EFI_SUCCESS;
	FreePool(map);
	return s;
}
