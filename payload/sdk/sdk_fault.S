/*
 * payload/sdk/sdk_fault.S - efimm_test_expect_fault (efimm.h), on
 * EFIMM_SYS_TEST_EXPECT_BEGIN/END (efimm_abi.h).
 *
 * bool efimm_test_expect_fault(int vector, const void *addr,
 *                              void (*fn)(void *), void *arg)
 *
 * expect_begin returns twice, like setjmp: first 0, then, after fn
 * faulted, EFIMM_EXPECT_MATCH or EFIMM_EXPECT_OTHER with every register
 * (RSP, RBX, R12 included) as it was at the first return.  In assembly
 * so that no compiler keeps a value in a register across that second
 * return.  fn and arg live in RBX and R12, which fn preserves (SysV) and
 * efimm restores after a fault.  Returns 1 for a pass, 0 for a failure.
 */
#include "efimm_abi.h"

	.text
	.globl efimm_test_expect_fault
	.type efimm_test_expect_fault, @function
efimm_test_expect_fault:
	pushq	%rbp
	movq	%rsp, %rbp
	pushq	%rbx
	pushq	%r12
	movq	%rdx, %rbx		/* fn */
	movq	%rcx, %r12		/* arg */
	movl	$EFIMM_SYS_TEST_EXPECT_BEGIN, %eax
	movslq	%edi, %rdi		/* vector; RSI = addr */
	int	$EFIMM_SYSCALL_VECTOR
	testq	%rax, %rax
	jnz	1f
	movq	%r12, %rdi
	call	*%rbx			/* RSP is 16-byte aligned here */
	movl	$EFIMM_SYS_TEST_EXPECT_END, %eax
	int	$EFIMM_SYSCALL_VECTOR
	xorl	%eax, %eax
	jmp	2f
1:	cmpq	$EFIMM_EXPECT_MATCH, %rax
	sete	%al
	movzbl	%al, %eax
2:	popq	%r12
	popq	%rbx
	popq	%rbp
	ret
	.size efimm_test_expect_fault, . - efimm_test_expect_fault

	.section .note.GNU-stack, "", @progbits
