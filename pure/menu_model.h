/*
 * pure/menu_model.h - the boot menu as a pure state machine.
 *
 * efi/menu.c turns firmware keystrokes and 1-second timer ticks into
 * calls here and redraws what the model says; this file knows nothing of
 * the firmware, so every rule below is unit-tested on the host:
 *
 *   - the countdown starts at the config's timeout, on the default entry;
 *   - any key stops the countdown for good (also keys that do nothing);
 *   - Up/Down move the selection and wrap around, Home/End jump;
 *   - a digit 1-9 naming an entry selects and boots it at once, other
 *     digits are ignored;
 *   - Enter boots the selection; the countdown reaching 0 boots it too.
 */
#ifndef EFI_MENU_MODEL_H
#define EFI_MENU_MODEL_H

#include <stddef.h>

#define MENU_NO_COUNTDOWN (-1)

enum menu_key {
	MENU_KEY_OTHER = 0,     /* any key with no meaning of its own */
	MENU_KEY_UP,
	MENU_KEY_DOWN,
	MENU_KEY_HOME,
	MENU_KEY_END,
	MENU_KEY_ENTER,
	MENU_KEY_DIGIT_0,       /* MENU_KEY_DIGIT_0 + d for the digit d */
	MENU_KEY_DIGIT_9 = MENU_KEY_DIGIT_0 + 9,
};

/* What the caller does after feeding the model an event. */
enum menu_action {
	MENU_IDLE,              /* nothing visible changed */
	MENU_REDRAW,            /* selection or countdown line changed */
	MENU_BOOT,              /* boot entry m->selected */
};

struct menu_model {
	int nentries;
	int selected;
	int countdown;          /* seconds left, or MENU_NO_COUNTDOWN */
};

/*
 * Starts a menu of nentries (>= 1) on entry def (0 <= def < nentries)
 * counting down from timeout seconds; timeout <= 0 means no countdown
 * (the menu waits for the user).  Bad nentries/def are caller bugs.
 */
void menu_model_init(struct menu_model *m, int nentries, int def, int timeout);

/* Feeds one keystroke; returns what changed. */
enum menu_action menu_model_key(struct menu_model *m, enum menu_key key);

/* Feeds one elapsed second; MENU_BOOT when the countdown runs out. */
enum menu_action menu_model_tick(struct menu_model *m);

/* Stops the countdown (the menu coming back after a failed entry). */
void menu_model_stop(struct menu_model *m);

/* True while the countdown runs (the caller keeps its timer going). */
int menu_model_counting(const struct menu_model *m);

/*
 * Formats the status line under the entries into buf (always
 * NUL-terminated): "Booting 'TITLE' in N s, any key stops" while
 * counting, with TITLE cut to "TITL..." when the whole line would not
 * fit in size, else the key help.  Returns the length ksnprintf
 * returned (>= size only if even a one-character title does not fit).
 */
int menu_model_status(const struct menu_model *m, const char *title,
		      char *buf, size_t size);

#endif
