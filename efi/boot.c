/*
 * efi/boot.c - efimm.conf: load, parse, then boot the default entry or
 * let the user pick one in the menu (efi/menu.c).
 */
#include "boot.h"
#include "cmd/commands.h"
#include "../pure/config.h"
#include "menu.h"

#include "../lib/printf.h"

static EFI_STATUS load_config(struct config *cfg)
{
	char err[120];
	void *text;
	UINTN size = 0;
	EFI_STATUS s = efi_file_read(CONFIG_PATH, CONFIG_MAX_SIZE, &text, &size);

	if (EFI_ERROR(s)) {
		kprintf("efimm: %s: cannot read: %s\n", CONFIG_PATH,
			efi_file_error(s, size, CONFIG_MAX_SIZE, err, sizeof(err)));
		return s;
	}
	if (config_parse(text, size, cfg, err, sizeof(err))) {
		kprintf("efimm: %s: %s\n", CONFIG_PATH, err);
		s = EFI_LOAD_ERROR;
	}
	FreePool(text);
	return s;
}

/*
 * Runs one entry's command line.  Returns its status; a failure is
 * reported as "efimm: entry 'NAME' failed: STATUS" (its cause was
 * printed by the command).  If the line ran `poweroff` this never returns.
 */
static EFI_STATUS run_entry(const struct config_entry *e)
{
	EFI_STATUS s;

	kprintf("efimm: booting entry '%s' (%s): %s\n", e->name, e->title, e->cmdline);
	s = cmd_run_line(e->cmdline);
	if (EFI_ERROR(s))
		kprintf("efimm: entry '%s' failed: %s\n", e->name, efi_status_name(s));
	return s;
}

/*
 * The menu until an entry succeeds: a failed entry brings the menu back
 * with the countdown stopped and the failure shown, never a dead end.
 * Returns the status of the entry that succeeded.
 */
static EFI_STATUS boot_menu(const struct config *cfg, struct menu_model *m,
			    char *note, size_t notesz)
{
	for (;;) {
		const struct config_entry *e =
			&cfg->entries[menu_choose(cfg, m, note[0] ? note : NULL)];
		EFI_STATUS s = run_entry(e);

		if (!EFI_ERROR(s))
			return s;
		ksnprintf(note, notesz, "entry '%s' failed: %s", e->name,
			  efi_status_name(s));
		menu_model_stop(m);
	}
}

/*
 * One entry, or timeout 0: the default boots at once.  Otherwise the
 * menu (with no timeout line in the config it waits without a
 * countdown).  With several entries a failed default also brings the
 * menu; with one, its status is returned to the firmware.
 */
EFI_STATUS boot_from_config(void)
{
	static struct config cfg;
	static char note[CONFIG_NAME_LEN + 64];
	struct menu_model m;
	int def;
	EFI_STATUS s = load_config(&cfg);

	if (EFI_ERROR(s))
		return s;
	def = config_default_index(&cfg);
	menu_model_init(&m, cfg.nentries, def, cfg.timeout);
	note[0] = '\0';
	if (cfg.nentries == 1 || cfg.timeout == 0) {
		s = run_entry(&cfg.entries[def]);
		if (!EFI_ERROR(s) || cfg.nentries == 1)
			return s;
		ksnprintf(note, sizeof(note), "entry '%s' failed: %s",
			  cfg.entries[def].name, efi_status_name(s));
	}
	return boot_menu(&cfg, &m, note, sizeof(note));
}
