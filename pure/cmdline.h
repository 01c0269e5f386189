/*
 * pure/cmdline.h - efimm's command line: UCS-2 LoadOptions to argv.
 *
 * Grammar: words separated by blanks; "double quotes" group words (the
 * quotes are removed); an unquoted ';' ends a command, so one line can
 * hold several ("memmap --sorted ; poweroff").  No escapes.
 * Pure code: no firmware calls, unit-tested on the host.
 */
#ifndef EFI_CMDLINE_H
#define EFI_CMDLINE_H

#include <stddef.h>
#include <stdint.h>

#define CMDLINE_MAX_LEN      2048   /* bytes of UTF-8, NUL included */
#define CMDLINE_MAX_ARGS     32     /* per command */
#define CMDLINE_MAX_CMDS     16

struct cmd {
	int argc;
	char *argv[CMDLINE_MAX_ARGS + 1];   /* argv[argc] == NULL */
};

struct cmd_seq {
	int ncmds;
	struct cmd cmds[CMDLINE_MAX_CMDS];
	char buf[CMDLINE_MAX_LEN];          /* the words live here */
};

/*
 * Converts LoadOptions (size in bytes) to UTF-8 in out (outsz bytes),
 * stopping at the first NUL.  Returns the length, or -EINVAL when the
 * options are not text (odd size, control characters other than blanks:
 * firmware boot entries may carry binary data), -E2BIG when too long.
 */
int cmdline_from_ucs2(const uint16_t *opts, size_t size, char *out, size_t outsz);

/*
 * Splits line into commands.  Returns 0; -EINVAL with *why set for an
 * unterminated quote or an empty command between ';'; -E2BIG for too
 * many words/commands or a line over CMDLINE_MAX_LEN.
 */
int cmdline_split(const char *line, struct cmd_seq *seq, const char **why);

/*
 * Splits one command's worth of line into words by cmdline_split's rules
 * (blanks separate, "double quotes" group, no escapes), for text that
 * holds one command per line (a suite's list file).  The words are
 * copied, NUL-terminated, into buf (bufsz bytes; strlen(line) + 1 always
 * suffice) and argv[0..argc) points at them, argv[argc] = NULL (argv has
 * room for maxargs + 1 pointers).  Returns argc (0 for a blank line), or
 * -EINVAL with *why set for an unterminated quote or an unquoted ';'
 * (no command separators here), -E2BIG for more than maxargs words or
 * bufsz <= strlen(line).
 */
int cmdline_words(const char *line, char **argv, int maxargs, char *buf,
		  size_t bufsz, const char **why);

/*
 * Returns the rest of line after its first word as cmdline_split reads
 * it (leading blanks, then the word, quotes included).  An unterminated
 * quote makes the word run to the end of line.
 */
const char *cmdline_skip_word(const char *line);

/*
 * Returns line after its first word if that word is the UEFI Shell's
 * program name (cmdline_is_progname, quotes removed), else line itself.
 * A line of CMDLINE_MAX_LEN bytes or more is returned unchanged.
 */
const char *cmdline_after_progname(const char *line);

/* Returns 1 if line holds nothing but blanks. */
int cmdline_is_blank(const char *line);

/*
 * The UEFI Shell passes the program's own path as the first word
 * ("fs0:\efimm.efi memmap"); the firmware's boot manager does not.
 * Returns 1 if word looks like that path (ends in ".efi", any case, or
 * holds '\' or ':'), so the caller can drop it.
 */
int cmdline_is_progname(const char *word);

#endif
