/*
 * efi/cmd/cmd_power.c - `poweroff` and `reset`.
 *
 * poweroff prints "efimm: powering off, status N" - the exit code that
 * `make run` returns (tools/run.sh reads that last line) - then asks the
 * firmware to shut down with ResetSystem.
 */
#include "commands.h"

#include "../../lib/poweroff.h"
#include "../../lib/printf.h"

void efi_poweroff_try(int code, const char *name, EFI_STATUS reset_status)
{
	kprintf("efimm: powering off, status %d (%s)\n", code & 0xFF, name);
	uefi_call_wrapper(RT->ResetSystem, 4, EfiResetShutdown, reset_status, 0, NULL);
}

void efi_poweroff(int code, const char *name, EFI_STATUS reset_status)
{
	efi_poweroff_try(code, name, reset_status);
	kprintf("efimm: ResetSystem returned; halting\n");
	for (;;)
		__asm__ volatile("cli; hlt");
}

void sys_poweroff(int code, const char *name)
{
	efi_poweroff(code, name, code ? EFI_ABORTED : EFI_SUCCESS);
}

EFI_STATUS cmd_poweroff(int argc, char **argv)
{
	EFI_STATUS s = cmd_seq_status();

	if (argc > 1)
		return cmd_bad_option("poweroff", argv[1]);
	efi_poweroff_try(efi_status_exit_code(s), efi_status_name(s), s);
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
