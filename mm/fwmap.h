/*
 * mm/fwmap.h - the firmware memory map as UEFI defines it (UEFI 2.10,
 * 7.2 EFI_BOOT_SERVICES.GetMemoryMap), without depending on gnu-efi so
 * that mm/ compiles on the host.
 *
 * A map is a byte buffer of map_size bytes holding descriptors desc_size
 * bytes apart; desc_size may be larger than struct fw_desc (firmware may
 * append fields), so code walks by desc_size, never sizeof.
 */
#ifndef MM_FWMAP_H
#define MM_FWMAP_H

#include "../lib/types.h"

enum fw_mem_type {
	FW_RESERVED = 0,
	FW_LOADER_CODE,
	FW_LOADER_DATA,
	FW_BS_CODE,
	FW_BS_DATA,
	FW_RT_CODE,
	FW_RT_DATA,
	FW_CONVENTIONAL,
	FW_UNUSABLE,
	FW_ACPI_RECLAIM,
	FW_ACPI_NVS,
	FW_MMIO,
	FW_MMIO_PORT,
	FW_PAL_CODE,
	FW_PERSISTENT,
	FW_UNACCEPTED,
	FW_MAX_TYPE
};

/* EFI_MEMORY_DESCRIPTOR, 40 bytes in UEFI 2.x. */
struct fw_desc {
	uint32_t type;
	uint32_t pad;
	uint64_t phys_start;
	uint64_t virt_start;
	uint64_t num_pages;
	uint64_t attribute;
};

#define FW_DESC_MIN_SIZE   40u

/* Attribute bits (UEFI 2.10 table 7-6) that efimm reads. */
#define FW_ATTR_UC       0x0000000000000001ULL
#define FW_ATTR_WC       0x0000000000000002ULL
#define FW_ATTR_WT       0x0000000000000004ULL
#define FW_ATTR_WB       0x0000000000000008ULL
#define FW_ATTR_UCE      0x0000000000000010ULL
#define FW_ATTR_WP       0x0000000000001000ULL
#define FW_ATTR_RP       0x0000000000002000ULL
#define FW_ATTR_XP       0x0000000000004000ULL
#define FW_ATTR_NV       0x0000000000008000ULL
#define FW_ATTR_RO       0x0000000000020000ULL
#define FW_ATTR_RUNTIME  0x8000000000000000ULL

/* The firmware's 4 KiB page, whatever PAGE_SIZE efimm uses. */
#define FW_PAGE_SIZE     4096ULL

#endif
