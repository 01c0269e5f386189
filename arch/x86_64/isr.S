/*
 * arch/x86_64/isr.S - entry stubs for all 256 vectors.
 *
 * One macro makes every stub, ISR_STUB_SIZE bytes apart from isr_stubs,
 * so idt_init() computes their addresses (no table of pointers, hence no
 * relocations).  A stub normalises the frame - it pushes a 0 error code
 * for the vectors where the CPU pushes none - then the vector, and jumps
 * to isr_common, which saves the general registers, CR2 (first, before
 * anything can fault again) and CR3: a struct trap_frame (trap.h), whose
 * address goes to trap_dispatch().  trap_dispatch never returns: an
 * interrupt it serves, or a fault demand paging serves, goes back
 * through trap_resume (trap_resume.S), which pops this same frame.
 */
#include "isr.h"

#define TRAP_NMI_VECTOR 2
#define MSR_GS_BASE_NUM 0xC0000101

	.text
	.globl isr_stubs
	.balign 16
isr_stubs:
	.set vec, 0
	.rept 256
1:
	/* Vectors with a CPU-pushed error code: #DF #TS #NP #SS #GP #PF #AC
	 * #CP #VC #SX (SDM vol. 3, table 6-1). */
	.if !(vec == 8 || (vec >= 10 && vec <= 14) || vec == 17 || \
	      vec == 21 || vec == 29 || vec == 30)
	pushq $0
	.endif
	pushq $vec
	jmp isr_common
	/* Pads to the next stub; fails to assemble if the stub is too big. */
	.org 1b + ISR_STUB_SIZE, 0xcc
	.set vec, vec + 1
	.endr

	.balign 16
isr_common:
	/* From ring 3 (the saved CS's RPL, 24 bytes up: vector, error code,
	 * RIP), GS holds the payload's base: swap efimm's in (percpu.h). */
	testb $3, 24(%rsp)
	jz 1f
	swapgs
1:
	/* RFLAGS = 2: DF clear for C, and AC clear - ring 3 may set AC
	 * (popfq) before an int $0x80 or an interrupt, which would switch
	 * SMAP off for efimm; clac would #UD without SMAP.  IF is already
	 * clear (interrupt gates). */
	pushq $2
	popfq
	pushq %rax
	pushq %rbx
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %rbp
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	movq %cr2, %rax
	pushq %rax
	movq %cr3, %rax
	pushq %rax
	/* An NMI from ring 0 may have caught the payload's GS: before the
	 * swapgs above in a trap from ring 3, or between a return's swapgs
	 * and its iretq.  The payload's GS base is always 0 (ring 3 cannot
	 * set it, percpu.h), efimm's never is: swap, and mark the frame
	 * (error code 1; an NMI has none) for trap_resume to swap back. */
	cmpq $TRAP_NMI_VECTOR, 136(%rsp)	/* vector */
	jne 2f
	testb $3, 160(%rsp)			/* CS: from ring 3, swapped above */
	jnz 2f
	movl $MSR_GS_BASE_NUM, %ecx
	rdmsr
	orl %edx, %eax
	jnz 2f
	swapgs
	movq $1, 144(%rsp)			/* error code */
2:
	movq %rsp, %rdi
	andq $-16, %rsp		/* the C ABI's alignment at a call */
	call trap_dispatch
	ud2

	.section .note.GNU-stack, "", @progbits
