/*
 * efi/fw/panic.c - panic() and ASSERT failures on the target: every other
 * CPU stopped first (smp_panic_stop: a second CPU failing parks there),
 * one line on the console, then power off with EFI_ABORTED (exit code
 * 21) so a test run ends instead of hanging; halts if even that fails.
 */
#include "efi.h"

#include "../../lib/assert.h"
#include "../../lib/printf.h"
#include "../../machine/smp_run.h"

__attribute__((noreturn)) static void die(void)
{
	efi_poweroff(efi_status_exit_code(EFI_ABORTED), efi_status_name(EFI_ABORTED),
		     EFI_ABORTED);
}

void panic(const char *fmt, ...)
{
	va_list ap;

	smp_panic_stop();
	kprintf("efimm: PANIC: ");
	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
	kprintf("\n");
	die();
}

void assert_fail(const char *file, int line, const char *cond,
		 const char *fmt, ...)
{
	va_list ap;

	smp_panic_stop();
	kprintf("efimm: ASSERT(%s) failed at %s:%d: ", cond, file, line);
	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
	kprintf("\n");
	die();
}
