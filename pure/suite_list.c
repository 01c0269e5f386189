/*
 * pure/suite_list.c - a suite's list file (pure/suite_list.h).
 */
#include "suite_list.h"
#include "cmdline.h"

#include "../lib/errno.h"
#include "../lib/kstring.h"
#include "../lib/printf.h"

#define UTF8_BOM "\xEF\xBB\xBF"   /* editors on Windows start files with it */

struct cursor {
	const char *s, *end;
	int lineno;
	const char *name;
	char *err;
	size_t errlen;
	size_t used;                    /* bytes of list->buf taken */
};

/* "NAME: line N: WHY" into the cursor's err; returns ret. */
static int fail(struct cursor *c, int ret, const char *why)
{
	ksnprintf(c->err, c->errlen, "%s: line %d: %s", c->name, c->lineno, why);
	return ret;
}

/* A byte that has no place in a text line: NUL, controls but tab, DEL. */
static int check_byte(struct cursor *c, unsigned char b)
{
	char why[48];

	if (b == 0)
		return fail(c, -EINVAL, "NUL byte: not a text file");
	if ((b < 0x20 && b != '\t' && b != '\r') || b == 0x7f) {
		ksnprintf(why, sizeof(why), "control character 0x%02x", b);
		return fail(c, -EINVAL, why);
	}
	return 0;
}

/* True if the cursor is at the CR of a CRLF line end (or a CR ending
 * the file). */
static bool at_line_end_cr(const struct cursor *c)
{
	return *c->s == '\r' && (c->s + 1 == c->end || c->s[1] == '\n');
}

/* Copies the next line, without its LF and a CR before it, into line
 * (SUITE_LIST_MAX_LINE + 1 bytes) and moves the cursor past it. */
static int next_line(struct cursor *c, char *line)
{
	size_t n = 0;
	int err;

	c->lineno++;
	for (; c->s < c->end && *c->s != '\n'; c->s++) {
		if ((err = check_byte(c, (unsigned char)*c->s)))
			return err;
		if (at_line_end_cr(c))
			continue;
		if (n == SUITE_LIST_MAX_LINE)
			return fail(c, -E2BIG, "line too long (max 1024 bytes)");
		line[n++] = *c->s;
	}
	if (c->s < c->end)
		c->s++;
	line[n] = '\0';
	return 0;
}

static bool is_comment(const char *line)
{
	while (*line == ' ' || *line == '\t')
		line++;
	return *line == '#';
}

/* Fills e from the line's words w[0..n) by the run-line rule. */
static int take_entry(struct cursor *c, char **w, int n, struct suite_entry *e)
{
	char why[RUNOPTS_WHY_MAX + 64];
	int argc, first;

	if (runopts_is_known(w[0], NULL)) {
		ksnprintf(why, sizeof(why), "'%s' where the payload's path goes: "
			  "options come after the path", w[0]);
		return fail(c, -EINVAL, why);
	}
	argc = runopts_split(w, n, NULL, &e->ro, why);
	if (argc < 0)
		return fail(c, argc, why);
	first = argc < n && strcmp(w[argc], "--") == 0 ? argc + 1 : argc;
	e->line = c->lineno;
	e->argc = argc;
	memcpy(e->argv, w, (size_t)argc * sizeof(*w));
	e->argv[argc] = NULL;
	e->nopts = n - first;
	memcpy(e->opts, w + first, (size_t)e->nopts * sizeof(*w));
	e->opts[e->nopts] = NULL;
	return 0;
}

/* Splits one line into words in list->buf; a payload line becomes the
 * next entry. */
static int parse_line(struct cursor *c, const char *line, struct suite_list *list)
{
	char *w[SUITE_LIST_MAX_WORDS + 1];
	char why[64];
	const char *wwhy;
	int n;

	if (is_comment(line))
		return 0;
	n = cmdline_words(line, w, SUITE_LIST_MAX_WORDS, list->buf + c->used,
			  sizeof(list->buf) - c->used, &wwhy);
	if (n == -E2BIG && strcmp(wwhy, "too many words") == 0)
		wwhy = "too many words (max 32: path, arguments, -- and options)";
	if (n < 0)
		return fail(c, n, wwhy);
	if (n == 0)
		return 0;
	if (list->n == SUITE_LIST_MAX_ENTRIES) {
		ksnprintf(why, sizeof(why), "more than %d payloads",
			  SUITE_LIST_MAX_ENTRIES);
		return fail(c, -E2BIG, why);
	}
	c->used = (size_t)(w[n - 1] + strlen(w[n - 1]) + 1 - list->buf);
	return take_entry(c, w, n, &list->e[list->n++]);
}

int suite_list_parse(const char *name, const char *text, size_t len,
		     struct suite_list *list, char *err, size_t errlen)
{
	struct cursor c = { .s = text, .end = text + len, .name = name,
			    .err = err, .errlen = errlen };
	char line[SUITE_LIST_MAX_LINE + 1];
	int ret;

	list->n = 0;
	if (len > SUITE_LIST_MAX_SIZE) {
		ksnprintf(err, errlen, "%s: too large: %zu bytes, the limit is "
			  "64 KiB", name, len);
		return -E2BIG;
	}
	if (len >= 3 && memcmp(text, UTF8_BOM, 3) == 0)
		c.s += 3;
	while (c.s < c.end) {
		if ((ret = next_line(&c, line)) || (ret = parse_line(&c, line, list)))
			return ret;
	}
	if (list->n == 0) {
		ksnprintf(err, errlen, "%s: no payloads (only comments and blank "
			  "lines)", name);
		return -EINVAL;
	}
	return 0;
}
