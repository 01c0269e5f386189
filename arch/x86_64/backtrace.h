/*
 * arch/x86_64/backtrace.h - a backtrace by the frame-pointer chain.
 *
 * Code built with frame pointers (payloads: -fno-omit-frame-pointer)
 * keeps, at [RBP], the caller's RBP and, at [RBP+8], the return address.
 * The walker follows that chain through a read callback, because the
 * stack it walks belongs to someone else (a payload's: efimm reads it
 * only through machine/uaccess.c) and may be garbage: a read that fails,
 * a frame pointer that is misaligned or does not grow towards the stack's
 * base, or a zero return address ends the walk, and so does the depth
 * limit, so no chain can loop.  Pure: the host tests feed it chains.
 */
#ifndef ARCH_X86_64_BACKTRACE_H
#define ARCH_X86_64_BACKTRACE_H

#include "../../lib/types.h"

#define BACKTRACE_MAX_DEPTH 32

/* Copies len bytes from src (someone else's memory) to dst; returns 0,
 * or a negative errno with nothing copied.  uaccess_copy_in fits. */
typedef int (*backtrace_read_fn)(void *dst, const void *src, size_t len);

struct backtrace {
	uint64_t pc[BACKTRACE_MAX_DEPTH];   /* pc[0] = the RIP given */
	size_t n;
	const char *end;                     /* why the walk stopped */
	uint64_t end_rbp;                    /* the frame pointer it stopped at */
};

/* Walks from rip/rbp with read into *bt (every field set).  Never fails:
 * bt->n >= 1 and bt->end says why it stopped. */
void backtrace_walk(uint64_t rip, uint64_t rbp, backtrace_read_fn read,
		    struct backtrace *bt);

/* Names the function holding pc: returns its name and sets *off (pc's
 * offset into it) and *module ("efimm", a payload's name), or returns
 * NULL.  machine/symbols.c's symbols_lookup fits. */
typedef const char *(*backtrace_sym_fn)(uint64_t pc, uint64_t *off,
					const char **module);

/*
 * Walks as above and prints "efimm: backtrace:", one line per frame,
 *   efimm:   #I 0x<pc> FUNCTION+0xOFF (MODULE)     or   ... 0x<pc> ?
 * (sym may be NULL: addresses only), and "efimm: backtrace ends: <why>".
 * A return address (frames after the first) is looked up one byte
 * back, inside the call instruction, so a call that ends its function
 * is named after it.
 */
void backtrace_print(uint64_t rip, uint64_t rbp, backtrace_read_fn read,
		     backtrace_sym_fn sym);

#endif
