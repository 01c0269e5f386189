/*
 * payload/sdk/sdk_int.h - what the SDK's C files share (not for payloads):
 * the system-call instruction (efimm_abi.h's convention).
 */
#ifndef EFIMM_SDK_INT_H
#define EFIMM_SDK_INT_H

#include "efimm.h"

/* One system call with up to five arguments; returns RAX.  The gate
 * preserves every register but RAX; "memory" because efimm reads and
 * writes the payload's buffers. */
static inline long sdk_call(long nr, long a0, long a1, long a2, long a3, long a4)
{
	register long r10 __asm__("r10") = a3;
	register long r8 __asm__("r8") = a4;
	long ret;

	__asm__ volatile("int %[vec]"
			 : "=a"(ret)
			 : [vec] "i"(EFIMM_SYSCALL_VECTOR), "a"(nr), "D"(a0),
			   "S"(a1), "d"(a2), "r"(r10), "r"(r8)
			 : "memory", "cc");
	return ret;
}

#define SDK_CALL0(nr) sdk_call((nr), 0, 0, 0, 0, 0)
#define SDK_CALL1(nr, a) sdk_call((nr), (long)(a), 0, 0, 0, 0)
#define SDK_CALL2(nr, a, b) sdk_call((nr), (long)(a), (long)(b), 0, 0, 0)
#define SDK_CALL3(nr, a, b, c) sdk_call((nr), (long)(a), (long)(b), (long)(c), 0, 0)

#endif
