/*
 * payload/sdk/efimm_abi.h - the binary interface between efimm and a
 * payload.  Shared, unchanged, by efimm (which fills the structures) and
 * the payload SDK (which reads them); it needs only <stdint.h> and
 * <stddef.h>, so it compiles in both.
 *
 * Entry: efimm jumps to the ELF's e_entry (the SDK's _start, crt0.S) in
 * ring 0 with
 *   RDI = const struct efimm_boot *   (valid for the payload's lifetime)
 *   RSP = top of the payload stack, 16-byte aligned, an unmapped guard
 *         page below the stack;
 * and never expects _start to return: a payload ends with api->exit().
 *
 * Calls: every service goes through the function-pointer table struct
 * efimm_api (System V AMD64 calling convention; efimm is built with gcc
 * too, with the SysV ABI for these functions).  Should payloads move to
 * ring 3 later, only the table's contents change, not the payloads.
 *
 * Versioning: EFIMM_ABI_VERSION is bumped when a field changes meaning or
 * moves; new slots are only ever appended to struct efimm_api, and
 * api->size tells a payload how many slots the running efimm filled.
 * The slots from write to k_mem_translate are mandatory (never NULL);
 * the later ones may be NULL (service not available yet): the SDK then
 * returns -ENOSYS.  Addresses are numbers of the payload's (= efimm's) address
 * space; physical addresses are uint64_t.
 */
#ifndef EFIMM_ABI_H
#define EFIMM_ABI_H

#include <stddef.h>
#include <stdint.h>

#define EFIMM_BOOT_MAGIC        0x4d4d4645u     /* "EFMM" little-endian */
#define EFIMM_ABI_VERSION       1u

/* Default link address of a payload (start of the payload image window). */
#define EFIMM_PAYLOAD_BASE      0x0000500000000000ULL

struct efimm_api {
	/* sizeof(struct efimm_api) as the running efimm was built. */
	uint32_t size;
	uint32_t reserved;

	/* Console: writes len bytes ("\n" starts a new line); returns len. */
	long (*write)(const char *s, size_t len);
	/* Ends the payload with status (0 = success); efimm prints it. */
	__attribute__((noreturn)) void (*exit)(int status);

	/*
	 * Anonymous memory in the k_mem_map area, with an unmapped guard page
	 * on each side (mm/kmem.h semantics, K_MEM_* flags).  Returns 0 and
	 * *addr, -EINVAL (size 0 or not page-multiple, RW|EXEC, unknown
	 * flags), -ENOMEM.  Nothing leaks on failure.
	 */
	int (*k_mem_map)(size_t size, uint32_t flags, void **addr);
	/* Unmaps exactly a range k_mem_map returned: 0 or -EINVAL. */
	int (*k_mem_unmap)(void *addr, size_t size);
	/* Bytes of free RAM. */
	size_t (*k_mem_free_get)(void);
	/*
	 * Looks up addr in the page tables.  Returns 0 with *phys (exact byte
	 * address) and *flags (K_MEM_PERM_* | K_MEM_CACHE_*) when mapped,
	 * -EFAULT when not present, -EINVAL when non-canonical.  phys and
	 * flags may be NULL.
	 */
	int (*k_mem_translate)(const void *addr, uint64_t *phys,
			       uint32_t *flags);

	/* Demand paging (later; NULL until then).  Ranges as k_mem_map's. */
	int (*k_mem_page_out)(void *addr, size_t size);
	int (*k_mem_page_in)(void *addr, size_t size);
	int (*k_mem_pin)(void *addr, size_t size);
	int (*k_mem_unpin)(void *addr, size_t size);
	int (*k_mem_page_frame_evict)(uint64_t phys);
	/* Stores the number of page faults handled so far; returns 0. */
	int (*k_mem_num_pagefaults_get)(uint64_t *count);
	/* Copies min(size, efimm's size) bytes of its paging statistics
	 * structure (layout defined with the paging code) to stats; returns
	 * the number of bytes efimm's structure has. */
	int (*k_mem_paging_stats_get)(void *stats, size_t size);
	/* Prints efimm's live page tables, range view (`ptdump --ranges`),
	 * ending in the W+X audit line. */
	void (*ptdump)(void);
	/* Prints the memory map efimm took over: ranges and RAM per state,
	 * and the frame database's size and free frames. */
	void (*memmap_summary)(void);
	/* Prints efimm's paging statistics (the `paging=1` report). */
	void (*paging_stats_print)(void);
};

struct efimm_boot {
	uint32_t magic;                 /* EFIMM_BOOT_MAGIC */
	uint32_t version;               /* EFIMM_ABI_VERSION */
	int argc;
	char **argv;                    /* argv[0] = the payload's path */
	const struct efimm_api *api;
};

#endif
