/*
 * efi/cmd/cmd_frames.c - `frames`: the page-frame database as Zephyr's
 * grid, with the count of frames in each state.
 *
 * While boot services run, free RAM belongs to the firmware, so it shows
 * as reserved ('R'); the free frames ('.') are efimm's own pool and the
 * frame database and page tables built in it are pinned ('P').
 */
#include "commands.h"
#include "../fw/mmboot_fw.h"

#include "../../lib/printf.h"
#include "../../mm/pfdb.h"

EFI_STATUS cmd_frames(int argc, char **argv)
{
	EFI_STATUS s;

	if (argc > 1)
		return cmd_bad_option("frames", argv[1]);
	s = mmboot_preview();
	if (EFI_ERROR(s))
		return s;
	kprintf("Page frames (before ExitBootServices: firmware-owned RAM is 'R'):\n");
	pfdb_dump();
	return EFI_SUCCESS;
}
