/*
 * arch/x86_64/trap_resume.S - trap_resume(f): back to the instruction a
 * served #PF interrupted (trap_pf.h).  f is the struct trap_frame isr.S
 * built on the same stack, so pointing RSP at it and popping in reverse
 * order of isr.S's pushes restores every general register; CR2 and CR3
 * are skipped (CR3 never changes under a payload), then the vector and
 * error code, and iretq returns to RIP/CS/RFLAGS/RSP/SS as the CPU saved
 * them (with a swapgs first when that is ring 3, as isr.S swapped on the
 * way in).
 */
	.text
	.globl trap_resume
	.type trap_resume, @function
trap_resume:
	movq %rdi, %rsp
	addq $16, %rsp		/* cr3, cr2 */
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rbp
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rbx
	popq %rax
	cmpq $2, (%rsp)		/* an NMI that found the payload's GS (isr.S): */
	jne 2f
	cmpq $1, 8(%rsp)	/* give it back */
	jne 2f
	swapgs
2:
	addq $16, %rsp		/* vector, error code */
	testb $3, 8(%rsp)	/* back to ring 3: its GS base (percpu.h) */
	jz 1f
	swapgs
1:
	iretq
	.size trap_resume, . - trap_resume

	.section .note.GNU-stack, "", @progbits
