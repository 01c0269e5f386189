/*
 * tests/fuzz/fuzz_config.c - libFuzzer target for the efimm.conf parser:
 * any input is parsed or refused without reading outside it or writing
 * outside struct config (ASan), a refusal always says why, and an
 * accepted config keeps the promises of pure/config.h.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../pure/config.h"

static struct config cfg;

static int terminated(const char *s, size_t n)
{
	return memchr(s, 0, n) != NULL;
}

static void check_entry(const struct config_entry *e)
{
	if (!terminated(e->name, sizeof(e->name)) || !e->name[0] ||
	    !terminated(e->title, sizeof(e->title)) || !e->title[0] ||
	    !terminated(e->cmdline, sizeof(e->cmdline)) || !e->cmdline[0] ||
	    e->line < 1)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[120] = "";
	int r = config_parse((const char *)data, size, &cfg, err, sizeof(err));

	if (r != 0) {
		if (!terminated(err, sizeof(err)) || !err[0])
			abort();
		return 0;
	}
	if (cfg.nentries < 1 || cfg.nentries > CONFIG_MAX_ENTRIES ||
	    cfg.timeout < CONFIG_NO_TIMEOUT || cfg.timeout > 3600)
		abort();
	for (int i = 0; i < cfg.nentries; i++)
		check_entry(&cfg.entries[i]);
	r = config_default_index(&cfg);
	if (r < 0 || r >= cfg.nentries)
		abort();
	return 0;
}
