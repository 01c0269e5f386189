/*
 * pure/cmdline.c - LoadOptions decoding and command-line splitting.
 */
#include "cmdline.h"

#include "../lib/errno.h"
#include "../lib/kstring.h"

/* Appends code point c (BMP) as UTF-8; returns bytes written or 0. */
static size_t put_utf8(char *out, size_t room, uint16_t c)
{
	if (c < 0x80 && room >= 1) {
		out[0] = (char)c;
		return 1;
	}
	if (c < 0x800 && room >= 2) {
		out[0] = (char)(0xC0 | (c >> 6));
		out[1] = (char)(0x80 | (c & 0x3F));
		return 2;
	}
	if (c >= 0x800 && room >= 3) {
		out[0] = (char)(0xE0 | (c >> 12));
		out[1] = (char)(0x80 | ((c >> 6) & 0x3F));
		out[2] = (char)(0x80 | (c & 0x3F));
		return 3;
	}
	return 0;
}

static int is_text_char(uint16_t c)
{
	return c >= 0x20 || c == '\t' || c == '\r' || c == '\n';
}

int cmdline_from_ucs2(const uint16_t *opts, size_t size, char *out, size_t outsz)
{
	size_t n = 0;

	if ((size & 1) || outsz == 0)
		return -EINVAL;
	for (size_t i = 0; i < size / 2 && opts[i]; i++) {
		size_t k;

		if (!is_text_char(opts[i]))
			return -EINVAL;
		k = put_utf8(out + n, outsz - 1 - n, opts[i]);
		if (k == 0)
			return -E2BIG;
		n += k;
	}
	out[n] = '\0';
	return (int)n;
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Reads one word starting at *sp, handling quotes; copies it (NUL-
 * terminated, quotes removed) to *dp unless dp is NULL. */
static int take_word(const char **sp, char **dp, const char **why)
{
	const char *s = *sp;
	char *d = dp ? *dp : NULL;
	int quoted = 0;

	for (; *s && (quoted || (!is_blank(*s) && *s != ';')); s++) {
		if (*s == '"')
			quoted = !quoted;
		else if (d)
			*d++ = *s;
	}
	*sp = s;
	if (quoted) {
		*why = "unterminated quote";
		return -EINVAL;
	}
	if (d) {
		*d++ = '\0';
		*dp = d;
	}
	return 0;
}

/* Closes the command being built at a ';' (or the end of the line).
 * Checks the count first: after CMDLINE_MAX_CMDS commands there is no
 * slot to close, and cmds[ncmds] would lie outside the array. */
static int end_command(struct cmd_seq *seq, const char **why)
{
	struct cmd *c;

	if (seq->ncmds == CMDLINE_MAX_CMDS) {
		*why = "too many commands";
		return -E2BIG;
	}
	c = &seq->cmds[seq->ncmds];
	if (c->argc == 0) {
		*why = "empty command before ';'";
		return -EINVAL;
	}
	c->argv[c->argc] = NULL;
	seq->ncmds++;
	return 0;
}

static int add_word(struct cmd_seq *seq, const char **sp, char **dp,
		    const char **why)
{
	struct cmd *c;

	if (seq->ncmds == CMDLINE_MAX_CMDS) {
		*why = "too many commands";
		return -E2BIG;
	}
	c = &seq->cmds[seq->ncmds];
	if (c->argc == CMDLINE_MAX_ARGS) {
		*why = "too many arguments";
		return -E2BIG;
	}
	c->argv[c->argc++] = *dp;
	return take_word(sp, dp, why);
}

int cmdline_split(const char *line, struct cmd_seq *seq, const char **why)
{
	char *d = seq->buf;
	int ret;

	memset(seq, 0, sizeof(*seq));
	*why = "";
	if (strlen(line) >= CMDLINE_MAX_LEN) {
		*why = "command line too long";
		return -E2BIG;
	}
	while (*line) {
		if (is_blank(*line)) {
			line++;
		} else if (*line == ';') {
			line++;
			if ((ret = end_command(seq, why)))
				return ret;
		} else if ((ret = add_word(seq, &line, &d, why))) {
			return ret;
		}
	}
	if (seq->ncmds < CMDLINE_MAX_CMDS && seq->cmds[seq->ncmds].argc)
		return end_command(seq, why);
	return 0;
}

int cmdline_words(const char *line, char **argv, int maxargs, char *buf,
		  size_t bufsz, const char **why)
{
	char *d = buf;
	int argc = 0;

	*why = "";
	if (bufsz <= strlen(line)) {
		*why = "line too long";
		return -E2BIG;
	}
	for (;;) {
		while (is_blank(*line))
			line++;
		if (!*line)
			break;
		if (*line == ';') {
			*why = "unquoted ';' (one command per line here)";
			return -EINVAL;
		}
		if (argc == maxargs) {
			*why = "too many words";
			return -E2BIG;
		}
		argv[argc++] = d;
		if (take_word(&line, &d, why))
			return -EINVAL;
	}
	argv[argc] = NULL;
	return argc;
}

static int ends_with_nocase(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && str_eq_nocase(s + n - k, suffix);
}

int cmdline_is_progname(const char *word)
{
	for (const char *p = word; *p; p++)
		if (*p == '\\' || *p == ':')
			return 1;
	return ends_with_nocase(word, ".efi");
}

const char *cmdline_skip_word(const char *line)
{
	const char *why;

	while (is_blank(*line))
		line++;
	take_word(&line, NULL, &why);
	return line;
}

const char *cmdline_after_progname(const char *line)
{
	char word[CMDLINE_MAX_LEN];
	const char *s = line, *why;
	char *d = word;

	if (strlen(line) >= CMDLINE_MAX_LEN)
		return line;
	while (is_blank(*s))
		s++;
	if (take_word(&s, &d, &why) || !cmdline_is_progname(word))
		return line;
	return s;
}

int cmdline_is_blank(const char *line)
{
	while (is_blank(*line))
		line++;
	return *line == '\0';
}
