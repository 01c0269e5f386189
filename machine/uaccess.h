/*
 * machine/uaccess.h - the one way efimm touches memory a payload names.
 *
 * Payloads (ring 3, or ring 0 with ring=0) pass efimm raw pointers; a bad
 * one must fail the call with -EFAULT, not fault inside efimm (which
 * would be reported as efimm's own crash).  Every service that reads or
 * writes through a payload pointer goes through these helpers; nothing
 * else in efimm dereferences one - with SMAP on, any other access to a
 * ring-3 payload's pages is a fatal report naming SMAP.  The copy itself
 * is arch_copy_user (arch/x86_64/ucopy.h): SMAP opened for exactly the
 * copy, and a fault turned into -EFAULT, as a second line of defence
 * behind the check below.  A range [p, p+len) is good when it does not wrap,
 * lies inside the payload image window or inside one live k_mem_map
 * region, and every page of it is mapped (resident, paged out or not yet
 * populated: efimm's own accesses to the last two are served by demand
 * paging like the payload's); an output range must also be writable.
 * len 0 is always good.  Single CPU, no preemption: nothing can unmap the
 * range between the check and the copy.
 */
#ifndef MACHINE_UACCESS_H
#define MACHINE_UACCESS_H

#include "../lib/types.h"

/*
 * Checks [uptr, uptr+len) as above; for write, pages not resident are
 * paged in first to read their permissions (so they stay resident).
 * Returns 0 or -EFAULT.
 */
int uaccess_check(const void *uptr, size_t len, bool write);

/* Copies len bytes from the payload's usrc to efimm's dst.  Returns 0,
 * or -EFAULT with nothing copied. */
int uaccess_copy_in(void *dst, const void *usrc, size_t len);

/* Copies len bytes from efimm's src to the payload's udst.  Returns 0,
 * or -EFAULT with nothing copied. */
int uaccess_copy_out(void *udst, const void *src, size_t len);

#endif
