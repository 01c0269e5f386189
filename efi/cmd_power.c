/*
 * efi/cmd_power.c - `poweroff` and `reset`.
 *
 * poweroff prints "efimm: powering off, status N" - the exit code that
 * `make run` returns (tools/run.sh reads that last line) - then asks the
 * firmware to shut down with ResetSystem.
 */
#include "commands.h"

#include "../lib/printf.h"

EFI_STATUS cmd_poweroff(int argc, char **argv)
{
	EFI_STATUS s = cmd_seq_status();

	if (argc > 1)
		return cmd_bad_option("poweroff", argv[1]);
	kprintf("efimm: powering off, status %d (%s)\n",
		efi_status_exit_code(s), efi_status_name(s));
	uefi_call_wrapper(RT->ResetSystem, 4, EfiResetShutdown, s, 0, NULL);
	kprintf("efimm: poweroff: ResetSystem returned\n");
	return EFI_DEVICE_ERROR;
}

EFI_STATUS cmd_reset(int argc, char **argv)
{
	if (argc > 1)
		return cmd_bad_option("reset", argv[1]);
	kprintf("efimm: resetting\n");
	uefi_call_wrapper(RT->ResetSystem, 4, EfiResetCold, EFI_SUCCESS, 0, NULL);
	return EFI_DEVICE_ERROR;
}
