/*
 * arch/x86_64/isr.h - where isr.S's 256 entry stubs are: stub v starts
 * at isr_stubs + v * ISR_STUB_SIZE.  Included by isr.S and by C.
 */
#ifndef ARCH_X86_64_ISR_H
#define ARCH_X86_64_ISR_H

#define ISR_STUB_SIZE 16

#ifndef __ASSEMBLER__
extern const char isr_stubs[];
#endif

#endif
