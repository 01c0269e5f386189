/*
 * efi/fw/memmap_get.c - fetching the firmware's memory map.
 */
#include "mmboot_fw.h"

EFI_STATUS efi_memmap_get(struct efi_memmap *m)
{
	EFI_STATUS s = EFI_BUFFER_TOO_SMALL;

	m->buf = NULL;
	m->size = 0;
	for (int tries = 0; s == EFI_BUFFER_TOO_SMALL && tries < 8; tries++) {
		if (m->buf)
			FreePool(m->buf);
		m->size += 8 * sizeof(EFI_MEMORY_DESCRIPTOR) + 1024;
		m->buf = AllocatePool(m->size);
		if (!m->buf)
			return EFI_OUT_OF_RESOURCES;
		s = uefi_call_wrapper(BS->GetMemoryMap, 5, &m->size, m->buf,
				      &m->key, &m->desc_size, &m->desc_version);
	}
	if (EFI_ERROR(s)) {
		FreePool(m->buf);
		m->buf = NULL;
	}
	return s;
}

void efi_memmap_free(struct efi_memmap *m)
{
	if (m->buf)
		FreePool(m->buf);
	m->buf = NULL;
}
