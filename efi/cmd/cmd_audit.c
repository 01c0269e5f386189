/*
 * efi/cmd/cmd_audit.c - `audit`: the firmware memory-protection audit,
 * before ExitBootServices.
 *
 * Takes a snapshot of the live machine (fwsnap_live.h), runs the rules
 * (pure/audit.h) and prints them.
 * Returns EFI_SUCCESS when no rule failed, else EFI_SECURITY_VIOLATION.
 */
#include "commands.h"
#include "fwsnap_live.h"

#include "../../lib/kstring.h"
#include "../../lib/printf.h"
#include "../../pure/audit.h"

/* `audit`: snapshot, rules, verdicts; EFI_SECURITY_VIOLATION if one failed,
 * EFI_INVALID_PARAMETER for an argument, the firmware's error if the
 * snapshot could not be taken. */
EFI_STATUS cmd_audit(int argc, char **argv)
{
	static struct fwsnap_live l;
	static struct audit_report r;
	EFI_STATUS st;

	if (argc > 1)
		return cmd_bad_option("audit", argv[1]);
	memset(&l, 0, sizeof(l));
	fwsnap_init(&l.s);
	st = fwsnap_live_alloc(&l);
	if (!EFI_ERROR(st))
		st = fwsnap_live_capture(&l);
	if (EFI_ERROR(st)) {
		kprintf("efimm: audit: cannot take the snapshot: %s\n", efi_status_name(st));
		fwsnap_live_free(&l);
		return st;
	}
	audit_run(&l.s, &r);
	audit_print(&r);
	fwsnap_live_free(&l);
	return r.failed ? EFI_SECURITY_VIOLATION : EFI_SUCCESS;
}
