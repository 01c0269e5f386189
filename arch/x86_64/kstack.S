/*
 * arch/x86_64/kstack.S - arch_call_on_kernel_stack(fn, arg) (contract in
 * mm/arch_hooks.h): runs fn(arg) on the calling CPU's own mm stack
 * (struct percpu's kstack_base/top: the boot CPU's is the 16 KiB array
 * below, in efimm's image; an AP's lies in its block), never paged, and
 * returns its int.
 *
 * The caller's stack pointer is kept in RBP (callee-saved, so fn keeps
 * it) and is not read again until fn has returned: the caller's stack
 * page may be paged out meanwhile, and the first touch after the switch
 * back (popq %rbp) faults it in like any other access.  When RSP is
 * already inside the kernel stack (a nested call), fn runs where it is.
 */
#include "percpu.h"

#define KSTACK_SIZE PERCPU_KSTACK_SIZE

	.text
	.globl arch_call_on_kernel_stack
	.type arch_call_on_kernel_stack, @function
arch_call_on_kernel_stack:
	pushq %rbp
	movq %rsp, %rbp
	movq %rdi, %rax
	movq %rsi, %rdi
	movq %gs:PERCPU_KSTACK_BASE, %rcx
	movq %rsp, %rdx
	subq %rcx, %rdx
	cmpq $KSTACK_SIZE, %rdx
	jb 1f			/* already on it: stay */
	movq %gs:PERCPU_KSTACK_TOP, %rsp
1:
	andq $-16, %rsp		/* the C ABI's alignment at a call */
	call *%rax
	movq %rbp, %rsp
	popq %rbp
	ret
	.size arch_call_on_kernel_stack, . - arch_call_on_kernel_stack

	.bss
	.balign 16
	.globl arch_kstack_base, arch_kstack_top
arch_kstack_base:
	.skip KSTACK_SIZE
arch_kstack_top:

	.section .note.GNU-stack, "", @progbits
