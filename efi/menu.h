/*
 * efi/menu.h - the boot menu on the EFI console (efi/menu.c); its rules
 * live in the pure state machine pure/menu_model.h.
 */
#ifndef EFI_MENU_H
#define EFI_MENU_H

#include "../pure/config.h"
#include "fw/efi.h"
#include "../pure/menu_model.h"

/*
 * Shows the entries of cfg and lets the user pick one: arrows, Home/End,
 * Enter, digits 1-9, with m's countdown (if running) ticking once a
 * second.  note, if not NULL, is one line shown under the entries (why the
 * last entry failed).  Returns the index of the entry to boot; m keeps the
 * selection.  Never fails: if the firmware's events break, it says so and
 * returns the current selection.
 */
int menu_choose(const struct config *cfg, struct menu_model *m,
		const char *note);

#endif
