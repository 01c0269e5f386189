/*
 * efi/cmd/commands.h - efimm's commands and how a command line runs.
 *
 * A line is a sequence of commands separated by ';' (pure/cmdline.h).
 * They run in order; after a failure the rest are skipped, except
 * `poweroff`, which always runs and reports the first failure's status.
 */
#ifndef EFI_COMMANDS_H
#define EFI_COMMANDS_H

#include "../fw/efi.h"
#include "../../pure/cmdline.h"

struct command {
	const char *name;
	const char *args;       /* usage after the name, "" if none */
	const char *summary;    /* one line for `help` */
	EFI_STATUS (*fn)(int argc, char **argv);
};

/* Runs one line; returns the first failing status or EFI_SUCCESS.
 * A malformed line prints one error line and the usage. */
EFI_STATUS cmd_run_line(const char *line);

/* Prints the usage summary of every command. */
void cmd_usage(void);

/* Prints "efimm: CMD: unknown option 'OPT'" and the command's usage;
 * returns EFI_INVALID_PARAMETER. */
EFI_STATUS cmd_bad_option(const char *cmd, const char *opt);

/* Same for a bad argument, with a reason. */
EFI_STATUS cmd_bad_arg(const char *cmd, const char *arg, const char *why);

/*
 * Runs c with argv; for the commands that take it, "--save PATH" among
 * the arguments is removed and the output also written to PATH on the
 * ESP (efi/cmd/cmd_save.c).  Returns the command's status, else the
 * save's (one line printed if the file could not be written).
 */
EFI_STATUS cmd_run_saving(const struct command *c, int argc, char **argv);

/* Status of the current sequence so far (what poweroff reports). */
EFI_STATUS cmd_seq_status(void);

/* The commands, one per file. */
EFI_STATUS cmd_memmap(int argc, char **argv);
EFI_STATUS cmd_ptdump(int argc, char **argv);
EFI_STATUS cmd_frames(int argc, char **argv);
EFI_STATUS cmd_run(int argc, char **argv);
EFI_STATUS cmd_suite(int argc, char **argv);
EFI_STATUS cmd_fault(int argc, char **argv);
EFI_STATUS cmd_chainload(int argc, char **argv);
EFI_STATUS cmd_poweroff(int argc, char **argv);
EFI_STATUS cmd_reset(int argc, char **argv);

#endif
