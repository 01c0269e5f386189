/*
 * efi/menu.c - the boot menu's firmware side: keystrokes and a 1-second
 * timer in, drawing out.  What a key or a tick means is decided by
 * pure/menu_model.c; this file only translates and draws.
 *
 * Keys come from ConIn: OVMF's terminal driver turns the serial
 * console's ANSI sequences (ESC [ A, ESC [ B, ...) into SCAN_UP/SCAN_DOWN,
 * so the menu works the same on a screen and over a serial line.
 * Screen layout (rows from 0):
 *
 *   efimm boot menu
 *
 *   > 1. TITLE          selected entry: marker and bright colour
 *     2. TITLE
 *
 *   NOTE                only after a failed entry (red)
 *   STATUS              countdown or key help (menu_model_status)
 *
 * A tick rewrites only the status line (SetCursorPosition); everything
 * else redraws the screen.
 */
#include "menu.h"

#include "../lib/console.h"
#include "../lib/printf.h"

#define TICK_100NS      10000000ULL     /* 1 s in timer units */
#define TITLE_COLS      70              /* keeps an entry on one 80-col row */
#define STATUS_COLS     76

struct menu_screen {
	const struct config *cfg;
	struct menu_model *m;
	const char *note;
	UINTN status_row;
};

static enum menu_key key_of(const EFI_INPUT_KEY *k)
{
	switch (k->ScanCode) {
	case SCAN_UP:
		return MENU_KEY_UP;
	case SCAN_DOWN:
		return MENU_KEY_DOWN;
	case SCAN_HOME:
		return MENU_KEY_HOME;
	case SCAN_END:
		return MENU_KEY_END;
	}
	if (k->UnicodeChar == CHAR_CARRIAGE_RETURN ||
	    k->UnicodeChar == CHAR_LINEFEED)
		return MENU_KEY_ENTER;
	if (k->UnicodeChar >= L'0' && k->UnicodeChar <= L'9')
		return MENU_KEY_DIGIT_0 + (k->UnicodeChar - L'0');
	return MENU_KEY_OTHER;
}

/* Rewrites the status line in place; the padding erases a longer one. */
static void draw_status(const struct menu_screen *sc)
{
	char line[STATUS_COLS + 1];
	const struct config_entry *e = &sc->cfg->entries[sc->m->selected];

	menu_model_status(sc->m, e->title, line, sizeof(line));
	uefi_call_wrapper(ST->ConOut->SetCursorPosition, 3, ST->ConOut, 0,
			  sc->status_row);
	con_color(CON_DEFAULT);
	kprintf("%-*s", STATUS_COLS, line);
}

/* Clears the screen and draws everything; records the status row. */
static void draw_all(struct menu_screen *sc)
{
	int n = sc->cfg->nentries;

	uefi_call_wrapper(ST->ConOut->ClearScreen, 1, ST->ConOut);
	con_color(CON_WHITE);
	kprintf("efimm boot menu\n\n");
	for (int i = 0; i < n; i++) {
		int sel = i == sc->m->selected;

		con_color(sel ? CON_WHITE : CON_DEFAULT);
		kprintf("%s%2d. %.*s\n", sel ? "> " : "  ", i + 1, TITLE_COLS,
			sc->cfg->entries[i].title);
	}
	kprintf("\n");
	sc->status_row = (UINTN)n + 3;
	if (sc->note) {
		con_color(CON_RED);
		kprintf("%.*s\n", STATUS_COLS, sc->note);
		sc->status_row++;
	}
	draw_status(sc);
}

/* A periodic 1 s timer event, or NULL if the firmware refuses one. */
static EFI_EVENT start_timer(void)
{
	EFI_EVENT t;

	if (EFI_ERROR(uefi_call_wrapper(BS->CreateEvent, 5, EVT_TIMER, 0, NULL,
					NULL, &t)))
		return NULL;
	if (EFI_ERROR(uefi_call_wrapper(BS->SetTimer, 3, t, TimerPeriodic,
					TICK_100NS))) {
		uefi_call_wrapper(BS->CloseEvent, 1, t);
		return NULL;
	}
	return t;
}

static void stop_timer(EFI_EVENT *t)
{
	if (!*t)
		return;
	uefi_call_wrapper(BS->SetTimer, 3, *t, TimerCancel, 0);
	uefi_call_wrapper(BS->CloseEvent, 1, *t);
	*t = NULL;
}

/*
 * Waits for a key or a tick and feeds it to the model.  Returns the
 * model's action and in *tick whether it was a tick.  A firmware
 * failure is reported and turns into MENU_BOOT of the selection.
 */
static enum menu_action next_event(struct menu_model *m, EFI_EVENT timer,
				   int *tick)
{
	EFI_EVENT ev[2] = { ST->ConIn->WaitForKey, timer };
	EFI_INPUT_KEY key;
	UINTN which;
	EFI_STATUS s = uefi_call_wrapper(BS->WaitForEvent, 3, timer ? 2 : 1, ev,
					 &which);

	*tick = 0;
	if (EFI_ERROR(s)) {
		kprintf("\nefimm: menu: WaitForEvent failed: %s\n",
			efi_status_name(s));
		return MENU_BOOT;
	}
	if (which == 1) {
		*tick = 1;
		return menu_model_tick(m);
	}
	s = uefi_call_wrapper(ST->ConIn->ReadKeyStroke, 2, ST->ConIn, &key);
	return EFI_ERROR(s) ? MENU_IDLE : menu_model_key(m, key_of(&key));
}

int menu_choose(const struct config *cfg, struct menu_model *m,
		const char *note)
{
	struct menu_screen sc = { .cfg = cfg, .m = m, .note = note };
	EFI_EVENT timer = menu_model_counting(m) ? start_timer() : NULL;
	enum menu_action a;
	int tick;

	if (!timer)
		menu_model_stop(m);
	uefi_call_wrapper(ST->ConOut->EnableCursor, 2, ST->ConOut, FALSE);
	draw_all(&sc);
	while ((a = next_event(m, timer, &tick)) != MENU_BOOT) {
		if (!menu_model_counting(m))
			stop_timer(&timer);
		if (a == MENU_REDRAW && tick)
			draw_status(&sc);
		else if (a == MENU_REDRAW)
			draw_all(&sc);
	}
	stop_timer(&timer);
	con_color(CON_DEFAULT);
	kprintf("\n");
	uefi_call_wrapper(ST->ConOut->EnableCursor, 2, ST->ConOut, TRUE);
	return m->selected;
}
