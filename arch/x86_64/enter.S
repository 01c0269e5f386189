/*
 * arch/x86_64/enter.S - the two places efimm changes stacks.
 *
 * void arch_call_on_stack(void (*fn)(void *), void *arg, void *stack_top)
 *      Calls fn(arg) on the stack ending at stack_top (16-byte aligned).
 *      fn must not return: after ExitBootServices the firmware's stack is
 *      boot-services memory that the frame database hands out, so there
 *      is nothing to return to.  A return is trapped with ud2.
 *
 * void arch_enter_payload(uint64_t entry, void *boot, uint64_t stack_top,
 *                         int ring, uint64_t arg2)
 *      Enters a payload's entry in ring 3 (ring == 3) or ring 0 through
 *      iretq, with RDI = boot, RSI = arg2 and RSP = stack_top (16-byte aligned, no
 *      return address: payload ABI, payload/sdk/efimm_abi.h), RBP = 0 to
 *      end backtraces, the other general registers cleared so no efimm
 *      pointer leaks in, and interrupts on (RFLAGS = IF | bit 1: the
 *      timer's ticks reach the payload; AC clear).  First TSS.RSP0 is set
 *      to this call's stack: a trap from ring 3 lands there, below the
 *      caller's frame, which a payload's end comes back to (ctx.h).
 *      Never returns: a payload leaves through its exit call.
 */
	/* Selectors of desc.h: GDT_KCODE, GDT_KDATA, GDT_UCODE | 3,
	 * GDT_UDATA | 3 (gdt.c checks them). */
	.set KCODE, 0x08
	.set KDATA, 0x10
	.set UCODE3, 0x23
	.set UDATA3, 0x1b
	.set RFLAGS_ENTRY, 0x202

	.text
	.globl arch_call_on_stack
	.type arch_call_on_stack, @function
arch_call_on_stack:
	.cfi_startproc
	.cfi_undefined rip	/* debuggers: the outermost frame of efimm's stack */
	mov	%rdx, %rsp
	xor	%ebp, %ebp
	mov	%rdi, %rax
	mov	%rsi, %rdi
	call	*%rax
	ud2
	.cfi_endproc
	.size arch_call_on_stack, . - arch_call_on_stack

	.globl arch_enter_payload
	.type arch_enter_payload, @function
arch_enter_payload:
	mov	%rdi, %r12		/* entry */
	mov	%rsi, %r13		/* boot */
	mov	%rdx, %r14		/* stack top */
	mov	%ecx, %r15d		/* ring */
	mov	%r8, %rbx		/* arg2 */
	andq	$-16, %rsp
	mov	%rsp, %rdi
	call	gdt_set_rsp0
	cmpl	$3, %r15d
	jne	1f
	pushq	$UDATA3
	pushq	%r14
	pushq	$RFLAGS_ENTRY
	pushq	$UCODE3
	jmp	2f
1:	pushq	$KDATA
	pushq	%r14
	pushq	$RFLAGS_ENTRY
	pushq	$KCODE
2:	pushq	%r12
	mov	%r13, %rdi
	mov	%rbx, %rsi
	xor	%eax, %eax
	xor	%ebx, %ebx
	xor	%ecx, %ecx
	xor	%edx, %edx
	xor	%ebp, %ebp
	xor	%r8d, %r8d
	xor	%r9d, %r9d
	xor	%r10d, %r10d
	xor	%r11d, %r11d
	xor	%r12d, %r12d
	xor	%r13d, %r13d
	xor	%r14d, %r14d
	xor	%r15d, %r15d
	testb	$3, 8(%rsp)		/* ring 3: GS becomes the payload's (percpu.h) */
	jz	3f
	swapgs
3:	iretq
	.size arch_enter_payload, . - arch_enter_payload

	.section .note.GNU-stack, "", @progbits
