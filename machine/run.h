/*
 * machine/run.h - a payload run after ExitBootServices.
 *
 * efi/cmd/cmd_run.c loads and checks the payload, parses the run line,
 * leaves boot services and fills a struct run_req; run_after_ebs() does
 * the rest on efimm's own stack (machine/run.c).
 */
#ifndef MACHINE_RUN_H
#define MACHINE_RUN_H

#include "mmboot.h"
#include "../pure/elf.h"
#include "../pure/runopts.h"

/* TSC stamps of the phases `timing=1` reports. */
enum run_phase { PH_LOAD, PH_EBS, PH_PFDB, PH_PT, PH_PAGING, PH_MAP, PH_N };

/* The exit status of a payload stopped by its timeout. */
#define RUN_EXIT_TIMEOUT 124

/* efimm's own stack after ExitBootServices (efi/cmd/payload_load.c
 * allocates it above one guard page): pages. */
#define RUN_STACK_PAGES 16

struct run_req {
	const char *path;
	struct runopts opts;            /* the line's over the defaults */
	uint64_t tsc_entry;             /* TSC at efimm's entry */
	uint64_t tsc[PH_N];
	uint64_t stack_guard;           /* page below efimm's own stack */
	int argc;
	char *const *argv;              /* argv[0] = path */
	void *file;
	size_t file_size;
	struct elf_image img;
	struct symtab syms;             /* its function symbols (pool memory) */
	struct mmboot_layout layout;    /* gathered before ExitBootServices */
	struct mmboot_map map;          /* the map ExitBootServices took */
};

/* Bytes of argv's strings, terminators included (what goes on the
 * payload's stack). */
size_t run_args_bytes(int argc, char *const *argv);

/*
 * Runs on efimm's own stack after ExitBootServices with arg = the
 * struct run_req: brings the memory core up from rq->map (mmboot.h),
 * unmaps the stack guards, loads CR3, starts the timer (timeout.h) and
 * demand paging, maps the payload's segments and stack, copies argv,
 * arms rq->timeout_s and enters the payload (interrupts on).
 * Never returns; every failure panics.
 */
void run_after_ebs(void *arg);

/*
 * Brings efimm's memory core up from the final map (mmboot.h), unmaps
 * the guard pages below efimm's stacks, loads CR3 and makes the
 * payload services and fault reports ready (what `run` and `suite`
 * share before any payload); stamps the TSC after the frame database
 * and after the page tables.  Panics on failure.
 */
void run_take_memory(const struct mmboot_map *map, struct mmboot_layout *layout,
		     uint64_t stack_guard, uint64_t *tsc_pfdb, uint64_t *tsc_pt);

#endif
