/*
 * efi/cmd/payload_load.h - what `run` and `suite` do alike while boot
 * services still run: read and check a payload's ELF, check that the
 * backing store leaves the payloads room, allocate efimm's own stack and
 * leave boot services.
 */
#ifndef EFI_CMD_PAYLOAD_LOAD_H
#define EFI_CMD_PAYLOAD_LOAD_H

#include "../fw/efi.h"
#include "../../machine/mmboot.h"
#include "../../machine/run.h"
#include "../../pure/elf.h"

#define PAYLOAD_MAX_FILE     (64ULL << 20)  /* bytes of one payload's ELF */
#define PAYLOAD_STACK_PAGES  RUN_STACK_PAGES /* efimm's own stack after EBS */
#define PAYLOAD_STACK_GUARD  1              /* unmapped page below it */
#define PAYLOAD_WHY_MAX      192            /* bytes of a reason */

struct payload_file {
	void *file;                     /* pool memory, FreePool when done */
	size_t size;
	struct elf_image img;           /* elf_check's view of file */
	struct symtab syms;             /* its function symbols: entries in
					 * pool memory, names inside file */
};

/* Frees what payload_load allocated (the file and the symbol entries). */
void payload_file_free(void *file, struct symtab *syms);

/*
 * Reads path from efimm's ESP (at most PAYLOAD_MAX_FILE bytes) and checks
 * it with elf_check and the default limits.  Returns EFI_SUCCESS with
 * *pf, or the read's status / EFI_LOAD_ERROR with why (PAYLOAD_WHY_MAX
 * bytes) set to "cannot read: no such file", "bad ELF: bad magic", ...
 * (the caller names the path).  Nothing stays allocated on failure.
 * Its function symbols (elf_symbols) are read into pf->syms for
 * backtraces; a file without them (stripped), or whose symbols are
 * malformed or cannot be allocated, gets an empty table (the latter two
 * with one line saying so) and loads all the same.
 */
EFI_STATUS payload_load(const char *path, struct payload_file *pf, char *why);

/*
 * Refuses a backing store of swap bytes that would leave a payload no
 * room after ExitBootServices (run_paging_check_room).  Returns EFI_SUCCESS,
 * or an error after printing one line "efimm: CMD: ...".
 */
EFI_STATUS payload_check_room(const char *cmd, uint64_t swap);

/*
 * Allocates efimm's stack for after ExitBootServices: PAYLOAD_STACK_PAGES
 * with PAYLOAD_STACK_GUARD pages below (unmapped later by the machine).
 * Returns the firmware's status; on success *guard is the lowest page
 * and *top the stack's top.
 */
EFI_STATUS payload_alloc_stack(uint64_t *guard, void **top);

/*
 * Releases the preview's pool, gathers the layout into *layout and what
 * starting the APs needs (smp_fw_prepare; ap_stuck: inject=ap-stuck),
 * leaves boot services (efi_take_over) and describes the map it took in
 * *map.
 * Returns only on success: a failed ExitBootServices powers off with its
 * status, since the firmware's state is then unknown.
 */
void payload_take_over(struct mmboot_layout *layout, struct mmboot_map *map,
		       bool ap_stuck);

#endif
