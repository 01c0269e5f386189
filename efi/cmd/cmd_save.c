/*
 * efi/cmd/cmd_save.c - `--save PATH`: a command's console output also
 * written to a file on the ESP, for a machine whose only output is its
 * screen.  The commands that run before ExitBootServices and return
 * (SAVEABLE) take it anywhere among their arguments; the output goes to
 * the console as usual and, through the console tee (lib/console.h),
 * into a bounded buffer written to PATH when the command returns.
 */
#include "commands.h"

#include "../../lib/console.h"
#include "../../lib/kstring.h"
#include "../../lib/printf.h"

#define SAVE_MAX (16u << 20)    /* bytes of output a file may hold */

static const char *const saveable[] = {
	"help", "memmap", "ptdump", "frames", "audit", "snapshot",
};

/* True if the command name takes --save. */
static bool can_save(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(saveable); i++)
		if (strcmp(saveable[i], name) == 0)
			return true;
	return false;
}

/* Removes "--save PATH" from argv (at i) and returns PATH. */
static char *take_save(int *argc, char **argv, int i)
{
	char *path = argv[i + 1];

	for (int k = i; k + 2 <= *argc; k++)
		argv[k] = argv[k + 2];
	*argc -= 2;
	return path;
}

/* Writes what the tee kept to path; one line saying why if it cannot. */
static EFI_STATUS save_write(const char *cmd, const char *path, const char *buf,
			     size_t len, size_t dropped)
{
	char why[96];
	EFI_STATUS s;

	if (dropped) {
		kprintf("efimm: %s: --save %s: the output is over %u MiB (%zu bytes more), not saved\n",
			cmd, path, SAVE_MAX >> 20, dropped);
		return EFI_BUFFER_TOO_SMALL;
	}
	s = efi_file_write(path, buf, len);
	if (EFI_ERROR(s))
		kprintf("efimm: %s: --save %s: cannot write: %s\n", cmd, path,
			efi_file_error(s, 0, 0, why, sizeof(why)));
	return s;
}

/* Runs fn with the tee on, then writes the file; the command's failure
 * comes first, the save's second. */
static EFI_STATUS run_saved(const struct command *c, int argc, char **argv,
			    const char *path)
{
	char *buf = AllocatePool(SAVE_MAX);
	size_t len, dropped;
	EFI_STATUS s, ws;

	if (!buf) {
		kprintf("efimm: %s: --save %s: no memory for a %u MiB buffer\n", c->name,
			path, SAVE_MAX >> 20);
		return EFI_OUT_OF_RESOURCES;
	}
	con_tee_start(buf, SAVE_MAX);
	s = c->fn(argc, argv);
	len = con_tee_stop(&dropped);
	ws = save_write(c->name, path, buf, len, dropped);
	FreePool(buf);
	return EFI_ERROR(s) ? s : ws;
}

EFI_STATUS cmd_run_saving(const struct command *c, int argc, char **argv)
{
	char *path;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--save"))
			continue;
		if (!can_save(c->name))
			return cmd_bad_option(c->name, argv[i]);
		if (i + 1 >= argc)
			return cmd_bad_arg(c->name, argv[i], "needs a path on the ESP");
		path = take_save(&argc, argv, i);
		return run_saved(c, argc, argv, path);
	}
	return c->fn(argc, argv);
}
