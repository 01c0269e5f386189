/*
 * arch/x86_64/fault_sites.S - deliberate faults (fault_sites.h).
 * System V calling convention: the argument is in %rdi.
 */
	.text
	.globl fault_read, fault_ud, fault_div, fault_stack, fault_stack_ud

	.balign 16
fault_read:
	movq (%rdi), %rax
	ret

	.balign 16
fault_ud:
	ud2

	.balign 16
fault_div:
	divq %rdi
	ret

	.balign 16
fault_stack:
	movq %rdi, %rsp
fault_stack_ud:
	ud2

	.section .note.GNU-stack, "", @progbits
