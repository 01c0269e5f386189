/*
 * arch/x86_64/smp_tramp.S - the AP trampoline blob and its landing in
 * efimm's text (the path is in smp_tramp.h).
 */
#include "smp_tramp.h"

	.section .rodata
	.balign 16
	.globl smp_tramp_start, smp_tramp_end
	.code16
smp_tramp_start:
	cli
	cld
	movw	%cs, %ax
	movw	%ax, %ds
1:	cmpl	$0, TR_HOLD		/* inject=ap-late: held until let go */
	je	2f
	pause
	jmp	1b
2:	xorl	%ebx, %ebx
	movw	%ax, %bx
	shll	$4, %ebx		/* EBX = T, for the 32- and 64-bit parts */
	lgdtl	TR_GDTR
	movl	%cr0, %eax
	orl	$1, %eax		/* PE */
	movl	%eax, %cr0
	ljmpl	*TR_PM32

	.code32
	.globl smp_tramp_pm32
smp_tramp_pm32:
	movw	$TR_SEL_DATA, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	movl	TR_CR4(%ebx), %eax
	movl	%eax, %cr4
	movl	TR_CR3(%ebx), %eax
	movl	%eax, %cr3
	movl	$0xC0000080, %ecx	/* IA32_EFER */
	rdmsr
	orl	TR_EFER(%ebx), %eax
	wrmsr
	movl	TR_CR0(%ebx), %eax
	movl	%eax, %cr0		/* paging on: long mode (compatibility) */
	ljmpl	*TR_LM64(%ebx)

/*
 * Whose block is this?  An AP that comes late (its STARTUP latched and
 * served after the boot CPU gave up on it and wrote the block for the
 * next AP) must not take the next one's stack and area: it compares its
 * own APIC id (CPUID leaf 0xB's x2APIC id where the leaf is valid, else
 * leaf 1's 8-bit one) with TR_APIC before it touches either, and halts
 * for good if they differ.  No stack is used before this point.
 */
	.code64
	.globl smp_tramp_lm64
smp_tramp_lm64:
	movl	%ebx, %edi		/* EDI = T: CPUID takes EBX */
	xorl	%eax, %eax
	cpuid
	cmpl	$0xB, %eax
	jb	1f
	movl	$0xB, %eax
	xorl	%ecx, %ecx
	cpuid
	testl	%ebx, %ebx		/* leaf 0xB invalid: EBX 0 */
	jz	1f
	movl	%edx, %esi		/* the x2APIC id */
	jmp	2f
1:	movl	$1, %eax
	cpuid
	shrl	$24, %ebx
	movl	%ebx, %esi		/* the initial APIC id */
2:	cmpl	TR_APIC(%rdi), %esi
	jne	3f
	movl	%edi, %ebx
	movq	TR_STACK(%rbx), %rsp
	movq	TR_ARG(%rbx), %rdi
	movq	TR_ROOT(%rbx), %rsi
	movq	TR_ENTRY(%rbx), %rax
	jmp	*%rax
3:	cli				/* not this AP's block: halt for good */
	hlt
	jmp	3b
smp_tramp_end:

/*
 * smp_ap_entry64(percpu, root): efimm's root first (the temporary tables
 * go with the low page), then C.  RBP = 0 ends backtraces here.
 */
	.text
	.globl smp_ap_entry64
	.type smp_ap_entry64, @function
smp_ap_entry64:
	movq	%rsi, %cr3
	xorl	%ebp, %ebp
	call	smp_ap_main
	ud2
	.size smp_ap_entry64, . - smp_ap_entry64

	.section .note.GNU-stack, "", @progbits
