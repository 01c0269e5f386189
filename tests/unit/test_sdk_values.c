/*
 * tests/unit/test_sdk_values.c - the payload SDK's constants, seen through
 * payload/sdk/efimm.h only.  efimm.h cannot share a translation unit with
 * lib/errno.h and mm/kmem.h (same macro names), so test_elf.c compares
 * this table with efimm's own values.
 */
#include "../../payload/sdk/efimm.h"

/* Same order as sdk_expected[] in test_elf.c. */
const unsigned long sdk_values[] = {
	EPERM, ENOENT, EIO, E2BIG, ENOEXEC, EAGAIN, ENOMEM, EFAULT, EBUSY,
	EEXIST, EINVAL, ENOSPC, ERANGE, ENOSYS, ENOTSUP,
	K_MEM_CACHE_WB, K_MEM_CACHE_WT, K_MEM_CACHE_NONE, K_MEM_CACHE_MASK,
	K_MEM_PERM_RW, K_MEM_PERM_EXEC, K_MEM_PERM_USER, K_MEM_MAP_UNINIT,
	K_MEM_MAP_LOCK, PAGE_SIZE,
};
const unsigned long sdk_nvalues = sizeof(sdk_values) / sizeof(sdk_values[0]);
