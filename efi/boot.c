/*
 * efi/boot.c - efimm.conf: load, parse, run the default entry.
 */
#include "boot.h"
#include "commands.h"
#include "config.h"

#include "../lib/printf.h"

static EFI_STATUS load_config(struct config *cfg)
{
	char err[120];
	void *text;
	UINTN size;
	EFI_STATUS s = efi_file_read(CONFIG_PATH, CONFIG_MAX_SIZE, &text, &size);

	if (EFI_ERROR(s)) {
		kprintf("efimm: %s: cannot read: %s\n", CONFIG_PATH, efi_status_name(s));
		return s;
	}
	if (config_parse(text, size, cfg, err, sizeof(err))) {
		kprintf("efimm: %s: %s\n", CONFIG_PATH, err);
		s = EFI_LOAD_ERROR;
	}
	FreePool(text);
	return s;
}

EFI_STATUS boot_from_config(void)
{
	static struct config cfg;
	const struct config_entry *e;
	EFI_STATUS s = load_config(&cfg);

	if (EFI_ERROR(s))
		return s;
	e = &cfg.entries[config_default_index(&cfg)];
	kprintf("efimm: booting entry '%s' (%s): %s\n", e->name, e->title, e->cmdline);
	return cmd_run_line(e->cmdline);
}
