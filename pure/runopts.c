/*
 * pure/runopts.c - efimm's run options and the run-line rule
 * (pure/runopts.h).  Pure code: no firmware calls, unit-tested and
 * fuzzed on the host.
 */
#include "runopts.h"

#include "../lib/assert.h"
#include "../lib/errno.h"
#include "../lib/kstring.h"
#include "../lib/printf.h"

#define KEY_MAX 32      /* longest key quoted in a reason */

/* One option of the table: parse returns NULL or why value is bad. */
struct runopt_def {
	const char *key;
	uint32_t bit;
	const char *(*parse)(struct runopts *o, const char *value);
};

static const char *parse_mem(struct runopts *o, const char *value)
{
	uint64_t v;

	if (str_parse_size(value, &v) || v < MiB(1))
		return "mem takes a size of at least 1M (e.g. 16M)";
	o->mem = v;
	return NULL;
}

static const char *parse_swap(struct runopts *o, const char *value)
{
	uint64_t v;

	if (str_parse_size(value, &v))
		return "swap takes a size (e.g. 64M; 0: no backing store)";
	o->swap = v;
	return NULL;
}

static const char *parse_evict(struct runopts *o, const char *value)
{
	static const char *const names[] = { "clock", "nru", "lru" };

	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (strcmp(value, names[i]) == 0) {
			str_copy(o->evict, names[i], sizeof(o->evict));
			return NULL;
		}
	return "evict takes clock, nru or lru";
}

/* 0 or 1 into *flag; false if value is neither. */
static bool parse_bool(const char *value, bool *flag)
{
	if (strcmp(value, "0") && strcmp(value, "1"))
		return false;
	*flag = value[0] == '1';
	return true;
}

static const char *parse_paging(struct runopts *o, const char *value)
{
	return parse_bool(value, &o->paging_report) ? NULL : "paging takes 0 or 1";
}

static const char *parse_timing(struct runopts *o, const char *value)
{
	return parse_bool(value, &o->timing) ? NULL : "timing takes 0 or 1";
}

static const char *parse_la57(struct runopts *o, const char *value)
{
	return parse_bool(value, &o->la57) ? NULL : "la57 takes 0 or 1";
}

static const char *parse_timeout(struct runopts *o, const char *value)
{
	uint64_t v;

	if (str_parse_u64(value, &v) || v > RUNOPTS_TIMEOUT_MAX)
		return "timeout takes seconds, 0..86400 (0: none)";
	o->timeout_s = (uint32_t)v;
	return NULL;
}

static const char *parse_ring(struct runopts *o, const char *value)
{
	if (strcmp(value, "0") && strcmp(value, "3"))
		return "ring takes 0 or 3";
	o->ring = (uint8_t)(value[0] - '0');
	return NULL;
}

static const char *parse_inject(struct runopts *o, const char *value)
{
	if (strcmp(value, "smap") == 0)
		o->inject = RUNOPT_INJECT_SMAP;
	else if (strcmp(value, "smep") == 0)
		o->inject = RUNOPT_INJECT_SMEP;
	else if (strcmp(value, "ap-stuck") == 0)
		o->inject = RUNOPT_INJECT_AP_STUCK;
	else if (strcmp(value, "ap-late") == 0)
		o->inject = RUNOPT_INJECT_AP_LATE;
	else if (strcmp(value, "ap-efimm-fault") == 0)
		o->inject = RUNOPT_INJECT_AP_EFIMM_FAULT;
	else if (strcmp(value, "efimm-panic") == 0)
		o->inject = RUNOPT_INJECT_EFIMM_PANIC;
	else
		return "inject takes smap, smep, ap-stuck, ap-late, ap-efimm-fault or efimm-panic";
	return NULL;
}

static const char *parse_shootdown(struct runopts *o, const char *value)
{
	if (strcmp(value, "on") && strcmp(value, "off"))
		return "shootdown takes on or off";
	o->shootdown_off = value[1] == 'f';
	return NULL;
}

static const struct runopt_def defs[] = {
	{ "mem", RUNOPT_MEM, parse_mem },
	{ "swap", RUNOPT_SWAP, parse_swap },
	{ "evict", RUNOPT_EVICT, parse_evict },
	{ "paging", RUNOPT_PAGING, parse_paging },
	{ "timing", RUNOPT_TIMING, parse_timing },
	{ "timeout", RUNOPT_TIMEOUT, parse_timeout },
	{ "ring", RUNOPT_RING, parse_ring },
	{ "inject", RUNOPT_INJECT, parse_inject },
	{ "shootdown", RUNOPT_SHOOTDOWN, parse_shootdown },
	{ "la57", RUNOPT_LA57, parse_la57 },
};

void runopts_clear(struct runopts *o)
{
	memset(o, 0, sizeof(*o));
}

void runopts_default(struct runopts *o)
{
	runopts_clear(o);
	o->swap = RUNOPTS_SWAP_DEFAULT;
	o->timeout_s = RUNOPTS_TIMEOUT_DEFAULT;
	o->ring = 3;
}

static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_key_char(char c)
{
	return is_alpha(c) || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

/* Length of word's KEY if word is KEY=VALUE (runopts.h), else 0. */
static size_t key_len(const char *word)
{
	size_t n = 0;

	if (!is_alpha(word[0]))
		return 0;
	while (is_key_char(word[n]))
		n++;
	return word[n] == '=' ? n : 0;
}

bool runopts_is_option_form(const char *word)
{
	return key_len(word) != 0;
}

static bool key_is(const char *key, const char *word, size_t len)
{
	return strlen(key) == len && strncmp(key, word, len) == 0;
}

static const struct runopt_def *find_def(const char *word, size_t len)
{
	for (size_t i = 0; i < ARRAY_SIZE(defs); i++)
		if (key_is(defs[i].key, word, len))
			return &defs[i];
	return NULL;
}

/* Index of word's key in extras, or -1. */
static int find_extra(const struct runopts_extras *extras, const char *word,
		      size_t len)
{
	if (!extras)
		return -1;
	ASSERT(extras->n <= RUNOPTS_EXTRA_MAX, "runopts: %zu extra options",
	       extras->n);
	for (size_t i = 0; i < extras->n; i++)
		if (key_is(extras->opt[i].key, word, len))
			return (int)i;
	return -1;
}

bool runopts_is_known(const char *word, const struct runopts_extras *extras)
{
	size_t len = key_len(word);

	return len && (find_def(word, len) || find_extra(extras, word, len) >= 0);
}

/* "duplicate option 'KEY'" into why; returns -EEXIST. */
static int duplicate(const char *word, size_t len, char *why)
{
	ksnprintf(why, RUNOPTS_WHY_MAX, "duplicate option '%.*s'",
		  (int)MIN(len, KEY_MAX), word);
	return -EEXIST;
}

static int bad_value(const char *word, const char *reason, char *why)
{
	ksnprintf(why, RUNOPTS_WHY_MAX, "bad option '%s': %s", word, reason);
	return -EINVAL;
}

/* An option of extras (index i): its bit in o->extra_set, its parser. */
static int parse_extra(struct runopts *o, const char *word, size_t len, int i,
		       const struct runopts_extras *extras, char *why)
{
	const char *reason;

	if (o->extra_set & (1u << i))
		return duplicate(word, len, why);
	reason = extras->opt[i].parse(extras->ctx, word + len + 1);
	if (reason)
		return bad_value(word, reason, why);
	o->extra_set |= 1u << i;
	return 0;
}

int runopts_parse_word(struct runopts *o, const char *word,
		       const struct runopts_extras *extras, char *why)
{
	size_t len = key_len(word);
	const struct runopt_def *d = len ? find_def(word, len) : NULL;
	struct runopts tmp = *o;
	const char *reason;
	int i;

	why[0] = '\0';
	if (!d) {
		i = len ? find_extra(extras, word, len) : -1;
		if (i >= 0)
			return parse_extra(o, word, len, i, extras, why);
		ksnprintf(why, RUNOPTS_WHY_MAX, "unknown option '%s'", word);
		return -ENOENT;
	}
	if (o->set & d->bit)
		return duplicate(word, len, why);
	reason = d->parse(&tmp, word + len + 1);
	if (reason)
		return bad_value(word, reason, why);
	*o = tmp;
	o->set |= d->bit;
	return 0;
}

void runopts_merge(struct runopts *dst, const struct runopts *over)
{
	uint32_t s = over->set;

	if (s & RUNOPT_MEM)
		dst->mem = over->mem;
	if (s & RUNOPT_SWAP)
		dst->swap = over->swap;
	if (s & RUNOPT_EVICT)
		memcpy(dst->evict, over->evict, sizeof(dst->evict));
	if (s & RUNOPT_PAGING)
		dst->paging_report = over->paging_report;
	if (s & RUNOPT_TIMING)
		dst->timing = over->timing;
	if (s & RUNOPT_TIMEOUT)
		dst->timeout_s = over->timeout_s;
	if (s & RUNOPT_RING)
		dst->ring = over->ring;
	if (s & RUNOPT_INJECT)
		dst->inject = over->inject;
	if (s & RUNOPT_SHOOTDOWN)
		dst->shootdown_off = over->shootdown_off;
	if (s & RUNOPT_LA57)
		dst->la57 = over->la57;
	dst->set |= s;
	dst->extra_set |= over->extra_set;
}

/* Index of the line's last "--" word after the path, or 0 if none. */
static int find_separator(char *const *words, int nwords)
{
	for (int i = nwords - 1; i >= 1; i--)
		if (strcmp(words[i], "--") == 0)
			return i;
	return 0;
}

/* Without "--": the first word of the trailing run of KEY=VALUE words
 * (nwords if the line does not end in one). */
static int trailing_start(char *const *words, int nwords)
{
	int i = nwords;

	while (i > 1 && runopts_is_option_form(words[i - 1]))
		i--;
	return i;
}

/* A known option among the payload's arguments words[1..end) is a
 * misplaced one: names it and the argument after it. */
static int check_misplaced(char *const *words, int end,
			   const struct runopts_extras *extras, char *why)
{
	for (int i = 1; i + 1 < end; i++)
		if (runopts_is_known(words[i], extras)) {
			ksnprintf(why, RUNOPTS_WHY_MAX, "option '%s' before the "
				  "payload argument '%s': efimm's options come last",
				  words[i], words[i + 1]);
			return -EINVAL;
		}
	return 0;
}

/* Parses words[from..nwords) as options; after_sep: they follow "--". */
static int parse_trailing(char *const *words, int from, int nwords,
			  bool after_sep, const struct runopts_extras *extras,
			  struct runopts *o, char *why)
{
	for (int i = from; i < nwords; i++) {
		int err;

		if (after_sep && !runopts_is_option_form(words[i])) {
			ksnprintf(why, RUNOPTS_WHY_MAX, "'%s' after --: only efimm's "
				  "options may follow -- (the payload's arguments "
				  "go before it)", words[i]);
			return -EINVAL;
		}
		err = runopts_parse_word(o, words[i], extras, why);
		if (err == -ENOENT)
			ksnprintf(why, RUNOPTS_WHY_MAX, "unknown option '%s' (a "
				  "payload argument of the form KEY=VALUE goes "
				  "before --)", words[i]);
		if (err)
			return err;
	}
	return 0;
}

int runopts_split(char *const *words, int nwords,
		  const struct runopts_extras *extras, struct runopts *o,
		  char *why)
{
	int sep, argc, err;

	runopts_clear(o);
	why[0] = '\0';
	if (nwords < 1) {
		ksnprintf(why, RUNOPTS_WHY_MAX, "no payload path");
		return -EINVAL;
	}
	sep = find_separator(words, nwords);
	argc = sep ? sep : trailing_start(words, nwords);
	if (!sep && (err = check_misplaced(words, argc, extras, why)))
		return err;
	err = parse_trailing(words, sep ? sep + 1 : argc, nwords, sep != 0,
			     extras, o, why);
	return err ? err : argc;
}
