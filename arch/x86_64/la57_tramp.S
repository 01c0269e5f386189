/*
 * arch/x86_64/la57_tramp.S - the LA57 trampoline (see la57.h).  Position
 * independent: la57.c copies [la57_tramp_start, la57_tramp_end) to a
 * page below 4 GiB, fills its root words and calls the copy with RDI =
 * the copy's address.  It runs with interrupts off and returns to the
 * caller in 64-bit mode, on the caller's stack and segments, with
 * CR4.LA57 set and CR3 = the final root.
 *
 * In compatibility mode the upper halves of the registers do not
 * survive, so every value the 64-bit code needs afterwards is kept in
 * the page (T_*), addressed from RBX/EBX (the copy's base, < 4 GiB).
 * The descriptors are marked accessed so loading them never writes the
 * GDT: the new tables map this page read-only.  The stack pushes of the
 * far return into 64-bit mode happen while paging is off.
 */
	.set CR0_PG,     0x80000000
	.set CR4_LA57,   0x1000
	.set SEL_CODE64, 0x08
	.set SEL_DATA,   0x10
	.set SEL_CODE32, 0x18

#define T(x) ((x) - la57_tramp_start)

	.text
	.globl la57_tramp_start, la57_tramp_end, la57_tramp_root, la57_tramp_lowroot
	.code64
la57_tramp_start:
	push %rbx
	push %rbp
	push %r12
	push %r13
	push %r14
	push %r15
	pushfq
	cli
	mov %rdi, %rbx
	mov %rsp, T(t_rsp)(%rbx)
	sgdt T(t_gdtr_old)(%rbx)
	mov %cs, %ax
	mov %ax, T(t_cs)(%rbx)
	mov %ss, %ax
	mov %ax, T(t_ss)(%rbx)
	mov %ds, %ax
	mov %ax, T(t_ds)(%rbx)
	mov %es, %ax
	mov %ax, T(t_es)(%rbx)
	lea T(t_gdt)(%rbx), %rax
	mov %rax, T(t_gdtr_new) + 2(%rbx)
	lgdt T(t_gdtr_new)(%rbx)
	lea T(t_compat)(%rbx), %rax
	pushq $SEL_CODE32
	push %rax
	lretq

	.code32
t_compat:
	mov $SEL_DATA, %eax
	mov %eax, %ds
	mov %eax, %es
	mov %eax, %ss
	lea T(t_stack_top)(%ebx), %esp
	/* Paging off leaves long mode (EFER.LMA = 0); LME stays set. */
	mov %cr0, %eax
	and $0x7fffffff, %eax            /* ~CR0_PG */
	mov %eax, %cr0
	mov %cr4, %eax
	or $CR4_LA57, %eax
	mov %eax, %cr4
	mov T(la57_tramp_lowroot)(%ebx), %eax
	mov %eax, %cr3
	pushl $SEL_CODE64
	lea T(t_long)(%ebx), %eax
	push %eax
	/* Paging on with LME and PAE: long mode again, five levels. */
	mov %cr0, %eax
	or $CR0_PG, %eax
	mov %eax, %cr0
	lret

	.code64
t_long:
	mov %ebx, %ebx
	mov T(la57_tramp_root)(%rbx), %rax
	mov %rax, %cr3
	lgdt T(t_gdtr_old)(%rbx)
	movzwl T(t_ss)(%rbx), %eax
	mov %eax, %ss
	movzwl T(t_ds)(%rbx), %eax
	mov %eax, %ds
	movzwl T(t_es)(%rbx), %eax
	mov %eax, %es
	mov T(t_rsp)(%rbx), %rsp
	movzwq T(t_cs)(%rbx), %rax
	push %rax
	lea 1f(%rip), %rax
	push %rax
	lretq
1:	popfq
	pop %r15
	pop %r14
	pop %r13
	pop %r12
	pop %rbp
	pop %rbx
	ret

	.balign 16
t_gdt:
	.quad 0
	.quad 0x00af9b000000ffff        /* 0x08: 64-bit code, accessed */
	.quad 0x00cf93000000ffff        /* 0x10: flat data, accessed */
	.quad 0x00cf9b000000ffff        /* 0x18: 32-bit code, accessed */
t_gdt_end:
	.balign 8
t_gdtr_new:
	.word t_gdt_end - t_gdt - 1
	.quad 0
	.balign 8
t_gdtr_old:
	.word 0
	.quad 0
	.balign 8
la57_tramp_root:
	.quad 0                         /* the final root (any address) */
la57_tramp_lowroot:
	.quad 0                         /* the PML5 copy below 4 GiB */
t_rsp:
	.quad 0
t_cs:	.word 0
t_ss:	.word 0
t_ds:	.word 0
t_es:	.word 0
	.balign 16
	.skip 64
t_stack_top:
la57_tramp_end:
	.section .note.GNU-stack,"",@progbits
