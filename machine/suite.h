/*
 * machine/suite.h - a suite of payloads in one boot (`suite`).
 *
 * efi/cmd/cmd_suite.c reads the list, loads and validates every payload
 * while boot services run, leaves them once and calls suite_after_ebs()
 * on efimm's own stack with a struct suite_req.  A payload that failed
 * validation comes with invalid set and is reported as failed; the rest
 * run one after another (machine/suite.c), each in a fresh payload
 * address space, and the results go to the console as TAP version 14.
 */
#ifndef MACHINE_SUITE_H
#define MACHINE_SUITE_H

#include "mmboot.h"
#include "../pure/elf.h"
#include "../pure/runopts.h"

#define SUITE_MAX_PAYLOADS 128

struct suite_payload {
	const char *path;               /* as written in the list */
	int argc;
	char **argv;                    /* argv[0] = path */
	struct runopts opts;            /* suite defaults merged with the line's */
	void *file;                     /* the ELF, in efimm's memory */
	size_t file_size;
	struct elf_image img;
	struct symtab syms;             /* its function symbols (pool memory) */
	const char *invalid;            /* NULL, or why it cannot run */
	char why[160];                  /* storage invalid may point to */
};

struct suite_req {
	uint64_t tsc_entry;             /* TSC at efimm's entry */
	uint64_t stack_guard;           /* page below efimm's own stack */
	struct mmboot_layout layout;    /* gathered before ExitBootServices */
	struct mmboot_map map;          /* the map ExitBootServices took */
	size_t n;
	struct suite_payload p[SUITE_MAX_PAYLOADS];
};

/* Runs on efimm's own stack after ExitBootServices; never returns: the
 * suite ends with "efimm: suite: N passed, N failed, N skipped" and a
 * power-off with status 0 only if nothing failed. */
__attribute__((noreturn)) void suite_after_ebs(void *arg);

#endif
