/*
 * efi/cmd/cmd_chainload.c - `chainload PATH [ARGS...]`: start an EFI
 * application from the ESP (the loader is efi/fw/chainload.c).
 */
#include "commands.h"
#include "../fw/chainload.h"

/*
 * Returns the child's exit status, or EFI_INVALID_PARAMETER for a
 * missing PATH or an option (chainload has none: a PATH starting with
 * '-' is a mistyped option), or the loader's error.
 */
EFI_STATUS cmd_chainload(int argc, char **argv)
{
	if (argc < 2)
		return cmd_bad_arg("chainload", "", "missing PATH");
	if (argv[1][0] == '-')
		return cmd_bad_option("chainload", argv[1]);
	return efi_chainload(argc, argv);
}
