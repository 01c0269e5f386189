/*
 * efi/main.c - efimm's entry point.
 *
 * Started from the UEFI Shell (fs0:\efimm.efi memmap) efimm runs the
 * command line in LoadOptions; started by the firmware without one, it
 * boots the entries of \efimm\efimm.conf (efi/boot.c).
 */
#include "boot.h"
#include "cmd/commands.h"
#include "fw/mmboot_fw.h"
#include "timing.h"

#include "../lib/kstring.h"
#include "../lib/printf.h"

EFI_HANDLE efi_image;
uint64_t timing_entry;

/*
 * Extracts the command line from LoadOptions into line.  Returns 1 if
 * there is one, 0 if efimm got none (no options, binary options, or
 * only the Shell's program name).
 */
static int get_cmdline(char *line, size_t size)
{
	EFI_LOADED_IMAGE *li;
	struct cmd_seq *probe;
	const char *why;
	int n, has_args;

	if (EFI_ERROR(uefi_call_wrapper(BS->HandleProtocol, 3, efi_image,
					&LoadedImageProtocol, (void **)&li)))
		return 0;
	if (!li->LoadOptions || li->LoadOptionsSize < 2)
		return 0;
	n = cmdline_from_ucs2(li->LoadOptions, li->LoadOptionsSize, line, size);
	if (n <= 0)
		return 0;
	probe = AllocatePool(sizeof(*probe));
	if (!probe)
		return 1;
	has_args = 1;
	if (cmdline_split(line, probe, &why) == 0 && probe->ncmds > 0 &&
	    cmdline_is_progname(probe->cmds[0].argv[0])) {
		const char *rest = cmdline_skip_word(line);

		memmove(line, rest, strlen(rest) + 1);
		has_args = probe->cmds[0].argc > 1 || probe->ncmds > 1;
	}
	FreePool(probe);
	return has_args;
}

/* gnu-efi's crt0 calls this with the SysV convention (not EFIAPI). */
EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
	static char line[CMDLINE_MAX_LEN];
	EFI_STATUS s;

	timing_entry = timing_tsc();
	InitializeLib(image, systab);
	/* Pool memory efimm allocates is its own (LoaderData): after
	 * ExitBootServices boot-services data becomes free RAM, and a buffer
	 * still in use (a payload file, a memory map) must not be handed out. */
	PoolAllocationType = EfiLoaderData;
	efi_image = image;
	efi_con_init();
	/* The firmware's 5-minute watchdog would reset long runs. */
	uefi_call_wrapper(BS->SetWatchdogTimer, 4, 0, 0, 0, NULL);
	if (get_cmdline(line, sizeof(line)))
		s = cmd_run_line(line);
	else
		s = boot_from_config();
	mmboot_preview_release();
	if (EFI_ERROR(s))
		kprintf("efimm: exit status %d (%s)\n", efi_status_exit_code(s),
			efi_status_name(s));
	return s;
}
