/*
 * lib/poweroff.h - ending the machine's run from any layer.
 *
 * Like panic() (lib/assert.h), this is declared here, below every layer,
 * and implemented by the firmware glue (efi/cmd/cmd_power.c), so that
 * machine/ can end a payload run without calling up into efi/.
 */
#ifndef LIB_POWEROFF_H
#define LIB_POWEROFF_H

/*
 * Prints "efimm: powering off, status CODE (NAME)" - the line
 * tools/run.sh reads as efimm's exit status - and shuts the machine down,
 * reporting success to the firmware when code is 0 and EFI_ABORTED
 * otherwise.  Works before and after ExitBootServices.  Never returns.
 */
__attribute__((noreturn)) void sys_poweroff(int code, const char *name);

#endif
