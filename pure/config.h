/*
 * pure/config.h - efimm.conf, read from \efimm\efimm.conf on efimm's own
 * ESP when efimm is started without arguments.
 *
 *   # comment                    blank lines and '#' lines are ignored
 *   timeout SECONDS              menu countdown; 0 boots the default at once
 *   default NAME                 the entry booted when the countdown ends
 *   entry NAME "TITLE" COMMAND... an efimm command line (';' separates commands)
 *
 * NAME is one word.  With one entry, or timeout 0, no menu is shown.
 * Pure code: no firmware calls, unit-tested on the host.
 */
#ifndef EFI_CONFIG_H
#define EFI_CONFIG_H

#include <stddef.h>

#define CONFIG_PATH          "\\efimm\\efimm.conf"
#define CONFIG_MAX_ENTRIES   16
#define CONFIG_NAME_LEN      32
#define CONFIG_TITLE_LEN     80
#define CONFIG_CMD_LEN       512
#define CONFIG_MAX_SIZE      65536
#define CONFIG_NO_TIMEOUT    (-1)

struct config_entry {
	char name[CONFIG_NAME_LEN];
	char title[CONFIG_TITLE_LEN];
	char cmdline[CONFIG_CMD_LEN];
	int line;
};

struct config {
	int timeout;                        /* seconds, or CONFIG_NO_TIMEOUT */
	char default_name[CONFIG_NAME_LEN];
	int nentries;
	struct config_entry entries[CONFIG_MAX_ENTRIES];
};

/*
 * Parses len bytes of text.  Returns 0, or -EINVAL with a one-line
 * reason ("line 3: unknown keyword 'bogus'") in err.  On error *cfg
 * holds nothing usable.
 */
int config_parse(const char *text, size_t len, struct config *cfg,
		 char *err, size_t errlen);

/* The index of the default entry (the named one, else the first). */
int config_default_index(const struct config *cfg);

#endif
