/*
 * pure/suite_list.h - a suite's list file (`suite @LIST`), parsed without
 * the firmware.
 *
 *   # a comment line ('#' as the first non-blank character)
 *   efimm/tests/hello.elf
 *   efimm/tests/hello.elf exit=3 "two words" -- timeout=5
 *   efimm/tests/paging.elf 1000 mem=16M evict=nru
 *
 * One payload per line: PATH [ARGS...] [OPTIONS], words split and quoted
 * as on efimm's command line (pure/cmdline.h, no ';'), the options by the
 * run-line rule of pure/runopts.h.  Blank lines are ignored; CRLF line
 * ends and a UTF-8 byte-order mark are accepted; a '#' after a word is an
 * ordinary character.  Limits: SUITE_LIST_MAX_SIZE bytes of file,
 * SUITE_LIST_MAX_LINE bytes per line, SUITE_LIST_MAX_WORDS words per line
 * (path, arguments, `--` and options), SUITE_LIST_MAX_ENTRIES payloads.
 * Pure code: no firmware calls, unit-tested and fuzzed on the host.
 */
#ifndef PURE_SUITE_LIST_H
#define PURE_SUITE_LIST_H

#include "runopts.h"

#define SUITE_LIST_MAX_SIZE     65536   /* bytes: 64 KiB */
#define SUITE_LIST_MAX_LINE     1024    /* bytes of a line, CR/LF excluded */
#define SUITE_LIST_MAX_WORDS    32      /* words of a line */
#define SUITE_LIST_MAX_ENTRIES  128     /* machine/suite.h SUITE_MAX_PAYLOADS */
#define SUITE_LIST_ERR_MAX      320     /* bytes of an error line */

struct suite_entry {
	int line;                               /* 1-based, in the file */
	int argc;                               /* path and arguments */
	char *argv[SUITE_LIST_MAX_WORDS + 1];   /* argv[0] path, argv[argc] NULL */
	int nopts;
	char *opts[SUITE_LIST_MAX_WORDS + 1];   /* option words as written
						 * (no "--"), opts[nopts] NULL */
	struct runopts ro;                      /* the line's options; ro.set
						 * says which were given */
};

struct suite_list {
	int n;
	struct suite_entry e[SUITE_LIST_MAX_ENTRIES];
	char buf[SUITE_LIST_MAX_SIZE + 1];      /* the words live here */
};

/*
 * Parses len bytes of text (not NUL-terminated; need not be) into *list.
 * name is how errors call the file.  Returns 0 with list->n >= 1, or
 * -EINVAL (-E2BIG for a limit) with one line in err (errlen bytes):
 *   "NAME: line 7: unknown option 'exit=3' (a payload argument ...)"
 *   "NAME: line 2: unterminated quote", "NAME: no payloads (...)",
 *   "NAME: too large: N bytes, the limit is 64 KiB".
 * On error *list holds nothing usable.  The entries point into
 * list->buf, so they live as long as *list.
 */
int suite_list_parse(const char *name, const char *text, size_t len,
		     struct suite_list *list, char *err, size_t errlen);

#endif
