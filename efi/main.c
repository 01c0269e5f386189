/*
 * efi/main.c - efimm's entry point.
 *
 * Started from the UEFI Shell (fs0:\efimm.efi memmap) efimm runs the
 * command line in LoadOptions; started by the firmware without one, it
 * boots the entries of \efimm\efimm.conf (efi/boot.c).
 */
#include "boot.h"
#include "cmd/commands.h"
#include "fw/efi.h"
#include "fw/mmboot_fw.h"
#include "timing.h"

#include "../lib/errno.h"
#include "../lib/kstring.h"
#include "../lib/printf.h"
#include "../machine/symbols.h"

EFI_HANDLE efi_image;
uint64_t timing_entry;
/* gdb (tools/run.sh --gdb) sets it to 0 to let a waiting efimm go on. */
volatile int efimm_gdb_wait = 1;

/* Where the firmware loaded efimm (LoadedImage->ImageBase), or 0. */
static uint64_t image_base(void)
{
	EFI_LOADED_IMAGE *li;

	if (EFI_ERROR(uefi_call_wrapper(BS->HandleProtocol, 3, efi_image,
					&LoadedImageProtocol, (void **)&li)))
		return 0;
	return (uint64_t)(uintptr_t)li->ImageBase;
}

/*
 * With the file \efimm\gdb-wait on the ESP, waits for a debugger before
 * doing anything else: prints the image base (what gdb's
 * add-symbol-file -o needs for build/efimm.so) and spins until gdb
 * clears efimm_gdb_wait (tools/run.sh --gdb does both).
 */
static void gdb_wait(uint64_t base)
{
	void *buf;
	UINTN size;

	if (EFI_ERROR(efi_file_read("\\efimm\\gdb-wait", 4096, &buf, &size)))
		return;
	FreePool(buf);
	kprintf("efimm: gdb: image base 0x%lx; waiting until gdb sets "
		"efimm_gdb_wait = 0\n", (unsigned long)base);
	while (efimm_gdb_wait)
		__asm__ volatile("pause");
	kprintf("efimm: gdb: going on\n");
}

/*
 * Extracts the command line from LoadOptions into line (size bytes) and
 * drops the Shell's program name.  Returns EFI_SUCCESS with *given set
 * to 1 if there is a command line, 0 if efimm got none (no options,
 * binary options from a firmware boot entry, or only the program name);
 * EFI_INVALID_PARAMETER after one line when the text is longer than
 * line can hold.  Anything else, a lone ';' included, is a command line
 * and cmd_run_line judges it.
 */
static EFI_STATUS get_cmdline(char *line, size_t size, int *given)
{
	EFI_LOADED_IMAGE *li;
	const char *rest;
	int n;

	*given = 0;
	if (EFI_ERROR(uefi_call_wrapper(BS->HandleProtocol, 3, efi_image,
					&LoadedImageProtocol, (void **)&li)))
		return EFI_SUCCESS;
	if (!li->LoadOptions || li->LoadOptionsSize < 2)
		return EFI_SUCCESS;
	n = cmdline_from_ucs2(li->LoadOptions, li->LoadOptionsSize, line, size);
	if (n == -E2BIG) {
		kprintf("efimm: command line too long (the limit is %u characters)\n",
			(unsigned int)size - 1);
		return EFI_INVALID_PARAMETER;
	}
	if (n <= 0)
		return EFI_SUCCESS;
	rest = cmdline_after_progname(line);
	memmove(line, rest, strlen(rest) + 1);
	*given = !cmdline_is_blank(line);
	return EFI_SUCCESS;
}

/* gnu-efi's crt0 calls this with the SysV convention (not EFIAPI). */
EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
	static char line[CMDLINE_MAX_LEN];
	EFI_STATUS s;
	int given;

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
	symbols_set_base(image_base());
	gdb_wait(image_base());
	s = get_cmdline(line, sizeof(line), &given);
	if (!EFI_ERROR(s))
		s = given ? cmd_run_line(line) : boot_from_config();
	mmboot_preview_release();
	if (EFI_ERROR(s))
		kprintf("efimm: exit status %d (%s)\n", efi_status_exit_code(s),
			efi_status_name(s));
	return s;
}
