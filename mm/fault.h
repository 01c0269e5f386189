/*
 * mm/fault.h - an exception as mm sees it, and mm's one fault entry.
 *
 * arch/ decodes what the CPU saved into a struct mm_fault and calls the
 * single entry mm registered (arch_fault_set_entry, mm/arch_hooks.h,
 * which states why it is registered rather than called): mm_fault.  It
 * serves a fault that demand paging owns, or gives the verdict on the
 * address that the fatal report prints.  Nothing else sits on the path.
 */
#ifndef MM_FAULT_H
#define MM_FAULT_H

#include "../lib/types.h"

enum mm_fault_access {
	MM_FAULT_READ,
	MM_FAULT_WRITE,
	MM_FAULT_EXEC,          /* instruction fetch */
};

struct mm_fault {
	unsigned int vector;    /* the arch's exception number (reports only) */
	uint64_t error;         /* the CPU's error code as pushed (0: none) */
	bool page_fault;        /* the rest is valid only for a page fault */
	vaddr_t addr;           /* the faulting address */
	enum mm_fault_access access;
	bool user;              /* raised in user mode */
	bool present;           /* the page was present: a permission fault */
	bool irq_on;            /* taken with interrupts enabled (RFLAGS.IF) */
};

/*
 * The fault entry (an arch_fault_entry_fn).  Called by arch/ with
 * interrupts off, never re-entered (a fault inside it is fatal without
 * being offered again).  Returns 0: served, retry the instruction;
 * -EFAULT: not served, fatal; -ENOMEM: a page demand paging owns but no
 * frame could be had (out of backing store), fatal.  On both errors
 * *verdict is the one-line verdict on addr for the report - "paged out
 * (slot N)", "not yet populated", "unmapped", "permission fault (page
 * present)" - or NULL (not a page fault, or paging is off).
 */
int mm_fault(const struct mm_fault *f, const char **verdict);

#endif
