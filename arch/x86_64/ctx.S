/*
 * arch/x86_64/ctx.S - arch_ctx_save / arch_ctx_resume (ctx.h).
 * The offsets follow struct arch_ctx: rbx 0, rbp 8, r12 16, r13 24,
 * r14 32, r15 40, rsp 48, rip 56, rflags 64.
 */
	.text
	.globl arch_ctx_save
	.type arch_ctx_save, @function
arch_ctx_save:
	movq	%rbx, 0(%rdi)
	movq	%rbp, 8(%rdi)
	movq	%r12, 16(%rdi)
	movq	%r13, 24(%rdi)
	movq	%r14, 32(%rdi)
	movq	%r15, 40(%rdi)
	leaq	8(%rsp), %rax		/* RSP after our return */
	movq	%rax, 48(%rdi)
	movq	(%rsp), %rax		/* our return address */
	movq	%rax, 56(%rdi)
	pushfq
	popq	64(%rdi)
	xorl	%eax, %eax
	ret
	.size arch_ctx_save, . - arch_ctx_save

	.globl arch_ctx_resume
	.type arch_ctx_resume, @function
arch_ctx_resume:
	cli				/* no interrupt on a half-switched stack */
	movl	%esi, %eax
	movq	0(%rdi), %rbx
	movq	8(%rdi), %rbp
	movq	16(%rdi), %r12
	movq	24(%rdi), %r13
	movq	32(%rdi), %r14
	movq	40(%rdi), %r15
	movq	48(%rdi), %rsp
	pushq	56(%rdi)		/* where arch_ctx_save returned to */
	pushq	64(%rdi)
	popfq				/* IF as saved */
	ret
	.size arch_ctx_resume, . - arch_ctx_resume

	.section .note.GNU-stack, "", @progbits
