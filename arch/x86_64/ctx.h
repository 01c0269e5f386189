/*
 * arch/x86_64/ctx.h - saving an efimm context and coming back to it
 * (ctx.S): how a payload's exit, a contained fault or a timeout returns
 * to the code that started the payload.
 *
 * Like setjmp/longjmp, without signal masks: the callee-saved registers
 * of the SysV ABI, RSP, the return address and RFLAGS (so IF comes back
 * as it was).  CR3 is not saved: the payload's address space maps all of
 * efimm, so a context saved under efimm's tables resumes fine under the
 * payload's (the teardown loads efimm's again).
 */
#ifndef ARCH_X86_64_CTX_H
#define ARCH_X86_64_CTX_H

#include <stdint.h>

struct arch_ctx {
	uint64_t rbx, rbp, r12, r13, r14, r15;
	uint64_t rsp, rip, rflags;
};

/*
 * Saves the caller's context in ctx and returns 0.  Returns a second
 * time, with the non-zero value given to arch_ctx_resume, when that is
 * called: the function that called arch_ctx_save must not have returned
 * by then (its frame is where execution comes back to).
 */
__attribute__((returns_twice)) int arch_ctx_save(struct arch_ctx *ctx);

/*
 * Makes ctx's arch_ctx_save return val (must be non-zero), from any
 * stack: an exception's or interrupt's handler abandons its frame this
 * way (it must have sent any EOI first).  Never returns.
 */
__attribute__((noreturn)) void arch_ctx_resume(const struct arch_ctx *ctx, int val);

#endif
