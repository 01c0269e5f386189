/*
 * payload/sdk/crt0.S - the payload's entry point (ELF e_entry).
 *
 * efimm jumps here (no return address) with RDI = struct efimm_boot *
 * and RSP 16-byte aligned (efimm_abi.h).  The call below pushes 8 bytes,
 * which gives sdk_start the SysV entry alignment (RSP+8 a multiple of
 * 16).  sdk_start() keeps the boot block, runs main(argc, argv) and ends
 * in efimm_exit(main's value); it never returns, so ud2 marks a broken
 * exit slot instead of running into whatever follows.
 */
	.section .text.start, "ax", @progbits
	.globl	_start
	.type	_start, @function
_start:
	xorl	%ebp, %ebp		/* end of the frame-pointer chain */
	andq	$-16, %rsp		/* defensive: the ABI promises it */
	call	sdk_start
	ud2
	.size	_start, . - _start

	.section .note.GNU-stack, "", @progbits
