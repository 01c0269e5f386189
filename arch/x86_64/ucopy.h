/*
 * arch/x86_64/ucopy.h - the raw copy to or from a payload's memory
 * (ucopy.S).  machine/uaccess.c checks the range first and is its one
 * caller; this layer only makes the access itself safe: SMAP opened for
 * exactly the copy, and a fault on the payload's side turned into
 * -EFAULT instead of a fatal report.
 */
#ifndef ARCH_X86_64_UCOPY_H
#define ARCH_X86_64_UCOPY_H

#include <stddef.h>
#include <stdint.h>

/* Copies len bytes; returns 0, or -EFAULT when a page of either side
 * faulted and demand paging could not serve it (a prefix may have been
 * copied: callers check ranges first). */
long arch_copy_user(void *dst, const void *src, size_t len);

/* The copy instruction and its fixup, for trap_set_fixup. */
extern const char ucopy_fault_start[], ucopy_fault_end[], ucopy_fixup[];

/* Non-zero when CR4.SMAP is on (set by arch_cpu_takeover). */
extern uint8_t cpu_smap_on;

#endif
