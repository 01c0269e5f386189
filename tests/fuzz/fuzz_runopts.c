/*
 * tests/fuzz/fuzz_runopts.c - libFuzzer target for the run-line rule
 * (pure/runopts.c): the input is one line, split into words as the
 * command line does; no line may read or write outside its words or the
 * reason buffer (ASan), and what runopts_split accepts or refuses must
 * keep the promises of pure/runopts.h (checked below).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../pure/cmdline.h"
#include "../../pure/runopts.h"

#define ALL_BITS (RUNOPT_MEM | RUNOPT_SWAP | RUNOPT_EVICT | RUNOPT_PAGING | \
		  RUNOPT_TIMING | RUNOPT_TIMEOUT | RUNOPT_RING | RUNOPT_INJECT | \
		  RUNOPT_SHOOTDOWN | RUNOPT_LA57)

static const char *hook(void *ctx, const char *value)
{
	(void)ctx;
	return strcmp(value, "1") ? "hook takes 1" : NULL;
}

static const struct runopts_extra extra[] = { { "stale-keys", hook } };
static const struct runopts_extras extras = { extra, 1, NULL };

/* Aborts unless there is a reason, NUL-terminated within its buffer
 * (it quotes a word verbatim, so a quoted newline may appear in it). */
static void check_why(const char *why)
{
	size_t n = strnlen(why, RUNOPTS_WHY_MAX);

	if (n == 0 || n == RUNOPTS_WHY_MAX)
		abort();
}

/* An accepted line: options only where the rule allows them, values in
 * their ranges, the payload's words untouched. */
static void check_accepted(char **w, int n, int argc, const struct runopts *o)
{
	int first = argc < n && strcmp(w[argc], "--") == 0 ? argc + 1 : argc;

	if (argc < 1 || argc > n || (o->set & ~ALL_BITS) || o->extra_set > 1)
		abort();
	for (int i = first; i < n; i++)
		if (!runopts_is_known(w[i], &extras))
			abort();
	if (first == argc)
		for (int i = 1; i + 1 < argc; i++)
			if (runopts_is_known(w[i], &extras))
				abort();
	if ((o->set & RUNOPT_MEM) && o->mem < (1u << 20))
		abort();
	if (o->timeout_s > RUNOPTS_TIMEOUT_MAX || o->evict[sizeof(o->evict) - 1])
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *line = malloc(size + 1), *buf = malloc(size + 1);
	char *w[CMDLINE_MAX_ARGS + 1];
	char why[RUNOPTS_WHY_MAX];
	const char *wwhy;
	struct runopts o, d;
	int n, argc;

	if (!line || !buf)
		abort();
	memcpy(line, data, size);
	line[size] = '\0';
	n = cmdline_words(line, w, CMDLINE_MAX_ARGS, buf, size + 1, &wwhy);
	if (n >= 1) {
		argc = runopts_split(w, n, &extras, &o, why);
		if (argc >= 0)
			check_accepted(w, n, argc, &o);
		else
			check_why(why);
		runopts_default(&d);
		runopts_merge(&d, &o);
		if (runopts_parse_word(&o, w[0], NULL, why) != 0)
			check_why(why);
	}
	free(line);
	free(buf);
	return 0;
}
