/*
 * tests/fuzz/fuzz_suite_list.c - libFuzzer target for a suite's list
 * file (pure/suite_list.c): no file may read or write outside the text
 * or struct suite_list (ASan), an accepted list keeps the promises of
 * pure/suite_list.h and a refused one says why in one line naming the
 * file (checked below).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../pure/suite_list.h"

static struct suite_list list;

static int in_buf(const char *p)
{
	return p >= list.buf && p < list.buf + sizeof(list.buf) &&
	       memchr(p, 0, (size_t)(list.buf + sizeof(list.buf) - p));
}

/* Aborts unless words[0..n) are strings in list.buf and words[n] NULL. */
static void check_words(char *const *words, int n)
{
	for (int i = 0; i < n; i++)
		if (!in_buf(words[i]))
			abort();
	if (words[n])
		abort();
}

static void check_list(void)
{
	int last = 0;

	if (list.n < 1 || list.n > SUITE_LIST_MAX_ENTRIES)
		abort();
	for (int i = 0; i < list.n; i++) {
		const struct suite_entry *e = &list.e[i];

		if (e->line <= last || e->argc < 1 || e->nopts < 0 ||
		    e->argc + e->nopts > SUITE_LIST_MAX_WORDS)
			abort();
		last = e->line;
		check_words(e->argv, e->argc);
		check_words(e->opts, e->nopts);
		for (int j = 0; j < e->nopts; j++)
			if (!runopts_is_known(e->opts[j], NULL))
				abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[SUITE_LIST_ERR_MAX];
	int r = suite_list_parse("f.lst", (const char *)data, size, &list, err,
				 sizeof(err));

	if (r == 0)
		check_list();
	else if (strncmp(err, "f.lst: ", 7) || strchr(err, '\n'))
		abort();
	return 0;
}
