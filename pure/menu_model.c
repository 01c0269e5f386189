/*
 * pure/menu_model.c - the boot menu's state machine (rules in
 * menu_model.h).  Pure code: no firmware calls, unit-tested on the host.
 */
#include "menu_model.h"

#include "../lib/assert.h"
#include "../lib/kstring.h"
#include "../lib/printf.h"

void menu_model_init(struct menu_model *m, int nentries, int def, int timeout)
{
	ASSERT(nentries >= 1, "menu of %d entries", nentries);
	ASSERT(def >= 0 && def < nentries, "default %d of %d entries", def,
	       nentries);
	m->nentries = nentries;
	m->selected = def;
	m->countdown = timeout > 0 ? timeout : MENU_NO_COUNTDOWN;
}

void menu_model_stop(struct menu_model *m)
{
	m->countdown = MENU_NO_COUNTDOWN;
}

int menu_model_counting(const struct menu_model *m)
{
	return m->countdown != MENU_NO_COUNTDOWN;
}

/* Moves the selection to index i (wrapping); REDRAW if it moved. */
static enum menu_action select_wrapped(struct menu_model *m, int i)
{
	i = (i % m->nentries + m->nentries) % m->nentries;
	if (i == m->selected)
		return MENU_IDLE;
	m->selected = i;
	return MENU_REDRAW;
}

/*
 * Digits are 1-based on screen.  A digit naming an entry boots it; one
 * naming none (0, or past the end) is ignored like any other key.
 */
static enum menu_action pick_digit(struct menu_model *m, int digit)
{
	if (digit < 1 || digit > m->nentries)
		return MENU_IDLE;
	m->selected = digit - 1;
	return MENU_BOOT;
}

/*
 * The countdown stops before the key is looked at, so that even a key
 * with no effect turns the countdown line into the key help (REDRAW).
 */
enum menu_action menu_model_key(struct menu_model *m, enum menu_key key)
{
	enum menu_action a;
	int was_counting = menu_model_counting(m);

	menu_model_stop(m);
	switch (key) {
	case MENU_KEY_UP:
		a = select_wrapped(m, m->selected - 1);
		break;
	case MENU_KEY_DOWN:
		a = select_wrapped(m, m->selected + 1);
		break;
	case MENU_KEY_HOME:
		a = select_wrapped(m, 0);
		break;
	case MENU_KEY_END:
		a = select_wrapped(m, m->nentries - 1);
		break;
	case MENU_KEY_ENTER:
		return MENU_BOOT;
	default:
		a = MENU_IDLE;
		if (key >= MENU_KEY_DIGIT_0 && key <= MENU_KEY_DIGIT_9)
			a = pick_digit(m, key - MENU_KEY_DIGIT_0);
		break;
	}
	return a == MENU_IDLE && was_counting ? MENU_REDRAW : a;
}

enum menu_action menu_model_tick(struct menu_model *m)
{
	if (!menu_model_counting(m))
		return MENU_IDLE;
	if (--m->countdown > 0)
		return MENU_REDRAW;
	m->countdown = MENU_NO_COUNTDOWN;
	return MENU_BOOT;
}

/*
 * The countdown line with the title cut to fit size: "TITL..." rather
 * than losing the end of the line, which tells the user what a key
 * does.  The cut backs off to a UTF-8 character boundary.  If not even
 * "Booting '...' in N s, any key stops" fits, it is truncated.
 */
static int countdown_line(const struct menu_model *m, const char *title,
			  char *buf, size_t size)
{
	static const char fmt[] = "Booting '%.*s%s' in %d s, any key stops";
	int fixed = ksnprintf(buf, size, fmt, 0, "", "", m->countdown);
	int room = (int)size - 1 - fixed;
	int keep = room - 3;

	if ((int)strlen(title) <= room || keep < 1)
		return ksnprintf(buf, size, fmt, (int)strlen(title), title, "",
				 m->countdown);
	while (keep > 0 && ((unsigned char)title[keep] & 0xC0) == 0x80)
		keep--;
	return ksnprintf(buf, size, fmt, keep, title, "...", m->countdown);
}

int menu_model_status(const struct menu_model *m, const char *title,
		      char *buf, size_t size)
{
	if (menu_model_counting(m))
		return countdown_line(m, title, buf, size);
	return ksnprintf(buf, size, "Up/Down and Enter, or 1-%d, boot an entry",
			 m->nentries < 9 ? m->nentries : 9);
}
