/*
 * tests/fuzz/fuzz_cmdline.c - libFuzzer target for the command-line
 * splitter and LoadOptions decoding: no input may write or read outside
 * struct cmd_seq (ASan, and the checks below on what a split returns),
 * and an accepted split must satisfy the promises of pure/cmdline.h.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../pure/cmdline.h"

static struct cmd_seq seq;

static int in_buf(const char *p)
{
	return p >= seq.buf && p < seq.buf + sizeof(seq.buf);
}

/* Aborts unless every command has 1..CMDLINE_MAX_ARGS words, each a
 * NUL-terminated string inside seq.buf, and argv[argc] == NULL. */
static void check_seq(void)
{
	if (seq.ncmds < 0 || seq.ncmds > CMDLINE_MAX_CMDS)
		abort();
	for (int i = 0; i < seq.ncmds; i++) {
		const struct cmd *c = &seq.cmds[i];

		if (c->argc < 1 || c->argc > CMDLINE_MAX_ARGS || c->argv[c->argc])
			abort();
		for (int j = 0; j < c->argc; j++)
			if (!in_buf(c->argv[j]) ||
			    !memchr(c->argv[j], 0, (size_t)(seq.buf + sizeof(seq.buf) - c->argv[j])))
				abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *line = malloc(size + 1);
	char utf8[CMDLINE_MAX_LEN];
	const char *why = NULL;
	int r;

	if (!line)
		return 0;
	memcpy(line, data, size);
	line[size] = '\0';
	r = cmdline_split(line, &seq, &why);
	if (r == 0)
		check_seq();
	else if (!why || !*why)
		abort();
	cmdline_skip_word(line);
	free(line);
	r = cmdline_from_ucs2((const uint16_t *)data, size & ~(size_t)1, utf8,
			      sizeof(utf8));
	if (r >= (int)sizeof(utf8) || (r >= 0 && utf8[r] != '\0'))
		abort();
	if (r >= 0 && cmdline_split(utf8, &seq, &why) == 0)
		check_seq();
	return 0;
}
