/*
 * arch/x86_64/ucopy.S - long arch_copy_user(void *dst, const void *src,
 * size_t len) (ucopy.h): the one place efimm reads or writes a payload's
 * memory.
 *
 * With SMAP on, STAC opens user pages for the copy and CLAC closes them
 * again (both #UD without SMAP, hence the flag test).  The only
 * instruction that touches the payload's memory is the rep movsb between
 * ucopy_fault_start and ucopy_fault_end: a #PF there that demand paging
 * does not serve resumes at ucopy_fixup (trap.c, trap_set_fixup), which
 * closes user pages and returns -EFAULT (14).  Returns 0 otherwise.
 */
	.text
	.globl arch_copy_user
	.type arch_copy_user, @function
arch_copy_user:
	movq	%rdx, %rcx
	cmpb	$0, cpu_smap_on(%rip)
	je	1f
	stac
1:
	.globl ucopy_fault_start
ucopy_fault_start:
	rep movsb
	.globl ucopy_fault_end
ucopy_fault_end:
	xorl	%eax, %eax
	jmp	2f
	.globl ucopy_fixup
ucopy_fixup:
	movq	$-14, %rax
2:	cmpb	$0, cpu_smap_on(%rip)
	je	3f
	clac
3:	ret
	.size arch_copy_user, . - arch_copy_user

	.section .note.GNU-stack, "", @progbits
