/*
 * payload/sdk/sdk_smp.S - efimm_smp_entry, where another CPU starts a
 * function of efimm_smp_start (efimm_abi.h EFIMM_SYS_SMP_START): RDI =
 * fn, RSI = arg, RSP = the top of the SDK's stack for that CPU (16-byte
 * aligned, no return address).  Calls fn(arg), then tells efimm it
 * returned; RBP = 0 ends backtraces here.
 */
#include "efimm_abi.h"

	.text
	.globl efimm_smp_entry
	.type efimm_smp_entry, @function
efimm_smp_entry:
	xorl	%ebp, %ebp
	movq	%rdi, %rax
	movq	%rsi, %rdi
	call	*%rax
	movl	$EFIMM_SYS_SMP_DONE, %eax
	int	$EFIMM_SYSCALL_VECTOR
	ud2
	.size efimm_smp_entry, . - efimm_smp_entry

	.section .note.GNU-stack, "", @progbits
