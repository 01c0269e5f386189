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
 * starting the APs needs (smp_fw_prepare; inject: the run option's,
 * RUNOPT_INJECT_*: ap-stuck and ap-late reach the APs' start),
 * leaves boot services (efi_take_over) and describes the map it took in
 * *map.
 * Returns only on success: a failed ExitBootServices powers off with its
 * status, since the firmware's state is then unknown.
 */
void payload_take_over(struct mmboot_layout *layout, struct mmboot_map *map,
		       int inject);

/*
 * Five-level paging for a boot (`run`'s and `suite`'s la57=), before
 * ExitBootServices:
 *   payload_la57_choose  sets the depth of efimm's tables: the
 *                        firmware's (five levels carry over whatever
 *                        la57= says), or five when want on a CPU with
 *                        LA57; else one line naming cmd and
 *                        EFI_UNSUPPORTED, before anything is loaded;
 *   payload_la57_alloc   the switch's pages below 4 GiB (LoaderCode) when
 *                        a switch is due; EFI status, one line on failure;
 *   payload_la57_free    gives them back (a later step failed);
 *   payload_la57_map     after the layout is gathered: the trampoline's
 *                        code page R+X in efimm's tables (it runs there
 *                        for a few instructions).
 */
EFI_STATUS payload_la57_choose(const char *cmd, bool want);
EFI_STATUS payload_la57_alloc(const char *cmd);
void payload_la57_free(void);
void payload_la57_map(struct mmboot_layout *l);

#endif
