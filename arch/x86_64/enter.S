/*
 * arch/x86_64/enter.S - the two places efimm changes stacks.
 *
 * void arch_call_on_stack(void (*fn)(void *), void *arg, void *stack_top)
 *      Calls fn(arg) on the stack ending at stack_top (16-byte aligned).
 *      fn must not return: after ExitBootServices the firmware's stack is
 *      boot-services memory that the frame database hands out, so there
 *      is nothing to return to.  A return is trapped with ud2.
 *
 * void arch_enter_payload(uint64_t entry, void *boot, uint64_t stack_top)
 *      Jumps to a payload's entry in ring 0 with RDI = boot and RSP =
 *      stack_top (16-byte aligned, no return address: payload ABI,
 *      payload/sdk/efimm_abi.h), RBP = 0 to end backtraces, and the
 *      other general registers cleared so no efimm pointer leaks in, and
 *      interrupts on (RFLAGS.IF = 1: the timer's ticks reach the
 *      payload; sti's one-instruction shadow covers the jump, so the
 *      first tick lands at the entry at the earliest).
 *      Never returns: a payload leaves through efimm_exit().
 */
	.text
	.globl arch_call_on_stack
	.type arch_call_on_stack, @function
arch_call_on_stack:
	mov	%rdx, %rsp
	xor	%ebp, %ebp
	mov	%rdi, %rax
	mov	%rsi, %rdi
	call	*%rax
	ud2
	.size arch_call_on_stack, . - arch_call_on_stack

	.globl arch_enter_payload
	.type arch_enter_payload, @function
arch_enter_payload:
	mov	%rdx, %rsp
	mov	%rdi, %rax
	mov	%rsi, %rdi
	xor	%esi, %esi
	xor	%edx, %edx
	xor	%ecx, %ecx
	xor	%r8d, %r8d
	xor	%r9d, %r9d
	xor	%r10d, %r10d
	xor	%r11d, %r11d
	xor	%ebx, %ebx
	xor	%ebp, %ebp
	xor	%r12d, %r12d
	xor	%r13d, %r13d
	xor	%r14d, %r14d
	xor	%r15d, %r15d
	sti
	jmp	*%rax
	.size arch_enter_payload, . - arch_enter_payload

	.section .note.GNU-stack, "", @progbits
