/*
 * lib/console.h - the console every part of efimm prints through.
 *
 * One printf-style API before and after ExitBootServices: kprintf() ends
 * in con_write(), and the backend behind it changes (EFI ConOut while boot
 * services are up; COM1 and the framebuffer after).  Colours are logical;
 * each backend renders them its own way (SetAttribute on the EFI console,
 * never ANSI escapes there).  The host tests link a capturing backend.
 */
#ifndef LIB_CONSOLE_H
#define LIB_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>

enum con_color {
	CON_DEFAULT = 0,
	CON_RED,
	CON_GREEN,
	CON_YELLOW,
	CON_BLUE,
	CON_MAGENTA,
	CON_CYAN,
	CON_GREY,
	CON_WHITE,
};

struct con_backend {
	const char *name;
	void (*write)(const char *s, size_t len);
	void (*color)(enum con_color c);
};

/* Writes len bytes ("\n" becomes CR LF where the backend needs it). */
void con_write(const char *s, size_t len);

/*
 * Several CPUs: one writes at a time.  con_lock() waits for the console
 * (a ticket lock; its owner may take it again, so an interrupt handler
 * that prints on a CPU already printing does not deadlock: its lines
 * land in the middle instead), con_unlock() gives it back; con_write and
 * kprintf take it themselves, a caller takes it around several calls
 * that must stay together.  Until con_set_smp() both do nothing.  Lock
 * order: mm_lock before the console's.
 */
void con_lock(void);
void con_unlock(void);
/*
 * A panic's take-over, once every other CPU was stopped (Linux's
 * bust_spinlocks): the calling CPU takes the console whoever holds it -
 * a CPU stopped by NMI in the middle of a line never gives it back - and
 * keeps it for good, so a CPU that did not stop waits in con_lock instead
 * of printing into the report.  Ends the stopped writer's half line.
 * Until con_set_smp(), only that.
 */
void con_bust(void);
/* cpu_id: the calling CPU's number; relax: one step of a spin-wait
 * (arch_spin_relax, which serves TLB shootdowns meanwhile). */
void con_set_smp(unsigned int (*cpu_id)(void), void (*relax)(void));
/* Switches the colour of what follows until the next call. */
void con_color(enum con_color c);
/* Replaces the set of active backends (up to CON_MAX_BACKENDS). */
#define CON_MAX_BACKENDS 3
void con_set_backends(const struct con_backend *const *b, int n);

/*
 * Starts every following line with prefix (NULL or "" for none) until
 * the next call: a suite's TAP stream marks the lines of efimm and of
 * its payloads as comments ("# ", "    # ").  prefix must stay valid.
 * Single writer: the console is not locked (efimm prints from one CPU,
 * and an interrupt handler prints only when it will not return to the
 * interrupted writer).
 */
void con_set_prefix(const char *prefix);
/*
 * The tee: from con_tee_start until con_tee_stop, every byte the console
 * writes (line prefixes included, colours not) is also copied into buf,
 * up to cap bytes; what does not fit is counted, not kept.  For a
 * command's `--save PATH` (efi/cmd/cmd_save.c).  One tee at a time; a
 * second start replaces the first.
 */
void con_tee_start(char *buf, size_t cap);
/* Ends the tee; returns the bytes kept in buf and *dropped (may be NULL)
 * those that did not fit. */
size_t con_tee_stop(size_t *dropped);

/* True when the next byte written starts a line. */
bool con_at_line_start(void);
/* Ends the line under way, if one is (so what follows starts a line). */
void con_end_line(void);

#endif
