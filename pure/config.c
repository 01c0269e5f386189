/*
 * pure/config.c - the efimm.conf parser.
 */
#include "config.h"

#include "../lib/errno.h"
#include "../lib/kstring.h"
#include "../lib/printf.h"

#define LINE_MAX 600
#define UTF8_BOM "\xEF\xBB\xBF"   /* editors on Windows start files with it */

struct cursor {
	const char *s;
	int lineno;
	char *err;
	size_t errlen;
};

static int fail(struct cursor *c, const char *what, const char *arg)
{
	ksnprintf(c->err, c->errlen, "line %d: %s%s%s%s", c->lineno, what,
		  arg ? " '" : "", arg ? arg : "", arg ? "'" : "");
	return -EINVAL;
}

/* An error about the whole file: no line number to give. */
static int fail_file(struct cursor *c, const char *what, const char *arg)
{
	ksnprintf(c->err, c->errlen, "%s%s%s%s", what, arg ? " '" : "",
		  arg ? arg : "", arg ? "'" : "");
	return -EINVAL;
}

/* "line N: entry name 'START...' too long (max M characters)": names
 * the field by its first characters, since it did not fit. */
static int fail_too_long(struct cursor *c, const char *what, const char *start,
			 size_t max)
{
	ksnprintf(c->err, c->errlen, "line %d: %s '%.16s...' too long (max %u characters)",
		  c->lineno, what, start, (unsigned int)max);
	return -EINVAL;
}

static const char *skip_blanks(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/* Reads one word (or a "quoted string") into out; advances *sp. */
static int read_field(struct cursor *c, const char **sp, char *out,
		      size_t outsz, const char *what)
{
	const char *s = skip_blanks(*sp);
	char stop = ' ';
	size_t n = 0;

	if (*s == '"') {
		stop = '"';
		s++;
	}
	for (; *s && *s != stop && (stop == '"' || *s != '\t'); s++) {
		if (n + 1 >= outsz)
			return fail_too_long(c, what, s - n, outsz - 1);
		out[n++] = *s;
	}
	if (stop == '"' && *s != '"')
		return fail(c, "unterminated quote in", what);
	out[n] = '\0';
	if (n == 0)
		return fail(c, "missing", what);
	*sp = s + (stop == '"');
	return 0;
}

static int parse_timeout(struct cursor *c, const char *rest, struct config *cfg)
{
	char word[16];
	uint64_t v;

	if (read_field(c, &rest, word, sizeof(word), "timeout value"))
		return -EINVAL;
	if (str_parse_u64(word, &v) || v > 3600)
		return fail(c, "timeout must be 0..3600 seconds, not", word);
	if (*skip_blanks(rest))
		return fail(c, "junk after timeout:", skip_blanks(rest));
	cfg->timeout = (int)v;
	return 0;
}

static int find_entry(const struct config *cfg, const char *name)
{
	for (int i = 0; i < cfg->nentries; i++)
		if (strcmp(cfg->entries[i].name, name) == 0)
			return i;
	return -1;
}

static int parse_entry(struct cursor *c, const char *rest, struct config *cfg)
{
	struct config_entry *e;

	if (cfg->nentries == CONFIG_MAX_ENTRIES)
		return fail(c, "too many entries (max 16)", NULL);
	e = &cfg->entries[cfg->nentries];
	if (read_field(c, &rest, e->name, sizeof(e->name), "entry name") ||
	    read_field(c, &rest, e->title, sizeof(e->title), "entry title"))
		return -EINVAL;
	if (find_entry(cfg, e->name) >= 0)
		return fail(c, "duplicate entry", e->name);
	rest = skip_blanks(rest);
	if (!*rest)
		return fail(c, "entry has no command:", e->name);
	if (str_copy(e->cmdline, rest, sizeof(e->cmdline)) >= sizeof(e->cmdline)) {
		ksnprintf(c->err, c->errlen,
			  "line %d: command too long in entry '%s' (max %d characters)",
			  c->lineno, e->name, CONFIG_CMD_LEN - 1);
		return -EINVAL;
	}
	e->line = c->lineno;
	cfg->nentries++;
	return 0;
}

static int parse_line(struct cursor *c, const char *line, struct config *cfg)
{
	char kw[16];
	const char *rest = skip_blanks(line);

	if (*rest == '\0' || *rest == '#')
		return 0;
	if (read_field(c, &rest, kw, sizeof(kw), "keyword"))
		return -EINVAL;
	if (strcmp(kw, "timeout") == 0)
		return parse_timeout(c, rest, cfg);
	if (strcmp(kw, "default") == 0)
		return read_field(c, &rest, cfg->default_name,
				  sizeof(cfg->default_name), "default name");
	if (strcmp(kw, "entry") == 0)
		return parse_entry(c, rest, cfg);
	return fail(c, "unknown keyword", kw);
}

/* Copies the next line (without CR/LF) into buf; returns its end. */
static int next_line(struct cursor *c, const char *end, char *buf)
{
	size_t n = 0;

	c->lineno++;
	for (; c->s < end && *c->s != '\n'; c->s++) {
		if (*c->s == '\0')
			return fail(c, "NUL byte: not a text file", NULL);
		if (*c->s == '\r')
			continue;
		if (n + 1 >= LINE_MAX)
			return fail(c, "line too long (max 599 characters)", NULL);
		buf[n++] = *c->s;
	}
	if (c->s < end)
		c->s++;
	buf[n] = '\0';
	return 0;
}

int config_parse(const char *text, size_t len, struct config *cfg,
		 char *err, size_t errlen)
{
	struct cursor c = { .s = text, .err = err, .errlen = errlen };
	const char *end = text + len;
	char line[LINE_MAX];

	memset(cfg, 0, sizeof(*cfg));
	cfg->timeout = CONFIG_NO_TIMEOUT;
	if (len > CONFIG_MAX_SIZE) {
		ksnprintf(err, errlen, "too large: %u bytes, the limit is %u (64 KiB)",
			  (unsigned int)len, CONFIG_MAX_SIZE);
		return -EINVAL;
	}
	if (len >= 3 && memcmp(text, UTF8_BOM, 3) == 0)
		c.s += 3;
	while (c.s < end) {
		if (next_line(&c, end, line) || parse_line(&c, line, cfg))
			return -EINVAL;
	}
	if (cfg->nentries == 0)
		return fail_file(&c, "no entries", NULL);
	if (cfg->default_name[0] && find_entry(cfg, cfg->default_name) < 0)
		return fail_file(&c, "default names no entry:", cfg->default_name);
	return 0;
}

int config_default_index(const struct config *cfg)
{
	int i = find_entry(cfg, cfg->default_name);

	return i < 0 ? 0 : i;
}
