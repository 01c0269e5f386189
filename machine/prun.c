/*
 * machine/prun.c - one payload's run (prun.h): map its segments and
 * stack, copy its arguments, enter it, and come back to the caller when
 * it exits, faults (if contained) or runs over its limit.
 *
 * The way back is a context saved in prun_run (arch/x86_64/ctx.h):
 * efimm_exit resumes it from the payload's call, a contained fault from
 * the exception's stack, a timeout from the timer's.  Single CPU: one
 * payload runs at a time.
 */
#include "prun.h"
#include "payload_api.h"
#include "run.h"
#include "run_paging.h"
#include "testapi.h"
#include "uaccess.h"
#include "timeout.h"

#include "../arch/x86_64/ctx.h"
#include "../arch/x86_64/enter.h"
#include "../lib/assert.h"
#include "../lib/errno.h"
#include "../lib/kstring.h"
#include "../lib/printf.h"
#include "../mm/kmem.h"
#include "../mm/payload.h"
#include "../mm/vm.h"

#define PAYLOAD_STACK     (256ULL << 10)
#define PAYLOAD_STACK_TOP ELF_WINDOW_HI

static struct {
	struct arch_ctx ctx;            /* prun_run's, to come back to */
	struct prun_result *r;
	bool active, contain;
	uint64_t text_start, text_end;
	bool guard_registered;
} prun;

void prun_set_efimm_text(uint64_t start, uint64_t end)
{
	prun.text_start = start;
	prun.text_end = end;
}

void prun_contain_faults(bool on)
{
	prun.contain = on;
}

bool prun_active(void)
{
	return prun.active;
}

static uint32_t seg_flags(uint32_t elf_flags)
{
	return ((elf_flags & ELF_SEG_W) ? K_MEM_PERM_RW : 0) |
	       ((elf_flags & ELF_SEG_X) ? K_MEM_PERM_EXEC : 0);
}

/* Maps every PT_LOAD segment and hands its pages to demand paging.
 * Returns 0 or -ENOMEM. */
static int map_segments(const struct prun_image *p)
{
	for (uint32_t i = 0; i < p->img->nseg; i++) {
		const struct elf_segment *e = &p->img->seg[i];
		struct payload_seg s = {
			.va = e->vaddr, .memsz = e->memsz, .filesz = e->filesz,
			.data = (const uint8_t *)p->file + e->offset,
			.flags = seg_flags(e->flags),
		};

		if (payload_map_segment(&s)) {
			kprintf("efimm: %s: out of memory mapping segment %u\n",
				p->path, i);
			return -ENOMEM;
		}
		run_paging_adopt(ALIGN_DOWN(s.va, PAGE_SIZE),
				 ALIGN_UP(s.va + s.memsz, PAGE_SIZE));
	}
	return 0;
}

/* Maps the stack below PAYLOAD_STACK_TOP with its guard page (named in
 * fault reports once per boot: every payload's is at the same place). */
static int map_stack(const struct prun_image *p)
{
	vaddr_t guard;

	if (payload_map_stack(PAYLOAD_STACK_TOP, PAYLOAD_STACK, &guard)) {
		kprintf("efimm: %s: out of memory mapping its stack\n", p->path);
		return -ENOMEM;
	}
	run_paging_adopt(PAYLOAD_STACK_TOP - PAYLOAD_STACK, PAYLOAD_STACK_TOP);
	if (!prun.guard_registered)
		prun.guard_registered = trap_register_guard(guard, "the payload stack") == 0;
	return 0;
}

/*
 * Copies argv and the boot block onto the payload stack (mapped, as all
 * payload memory, and written only through uaccess).  Returns 0 with
 * *sp the payload's RSP (the boot block's address), or -EFAULT.
 */
static int push_args(const struct prun_image *p, uint64_t *sp)
{
	uint64_t str = PAYLOAD_STACK_TOP - ALIGN_UP(run_args_bytes(p->argc, p->argv), 16);
	uint64_t argv = str - ALIGN_UP((p->argc + 1) * sizeof(char *), 16);
	uint64_t boot = argv - ALIGN_UP(sizeof(struct efimm_boot), 16);
	struct efimm_boot b = { .magic = EFIMM_BOOT_MAGIC, .version = EFIMM_ABI_VERSION,
				.argc = p->argc, .argv = (char **)argv,
				.api = payload_api() };
	const char *none = NULL;
	int err = 0;

	for (int i = 0; i < p->argc && !err; i++) {
		size_t n = strlen(p->argv[i]) + 1;
		uint64_t at = str;

		err = uaccess_copy_out((void *)str, p->argv[i], n) ||
		      uaccess_copy_out((char **)argv + i, &at, sizeof(at));
		str += n;
	}
	if (!err)
		err = uaccess_copy_out((char **)argv + p->argc, &none, sizeof(none)) ||
		      uaccess_copy_out((void *)boot, &b, sizeof(b));
	*sp = boot;
	return err ? -EFAULT : 0;
}

/* Back to prun_run with how the payload ended. */
__attribute__((noreturn)) static void prun_leave(enum prun_end end)
{
	prun.active = false;
	prun.r->end = end;
	arch_ctx_resume(&prun.ctx, (int)end);
}

void prun_exit(int status)
{
	ASSERT(prun.active, "machine: payload exit without a payload");
	prun.r->status = status;
	prun_leave(PRUN_EXITED);
}

void prun_timed_out(const struct trap_frame *f)
{
	ASSERT(prun.active, "machine: timeout without a payload");
	prun.r->rip = f->rip;
	trap_unwind();
	prun_leave(PRUN_TIMED_OUT);
}

/* timeout.h's callback: the limit ran out in payload code. */
__attribute__((noreturn)) static void prun_expired(struct trap_frame *f, uint32_t seconds)
{
	UNUSED(seconds);
	prun_timed_out(f);
}

/* A fault is the payload's unless efimm's code raised it; the vectors
 * that leave the CPU in doubt (NMI, #DF, #MC) are nobody's to contain. */
static bool prun_fault_is_payloads(const struct trap_frame *f)
{
	if (f->vector == TRAP_NMI || f->vector == TRAP_DF || f->vector == TRAP_MC)
		return false;
	return f->rip < prun.text_start || f->rip >= prun.text_end;
}

/* trap.c's contain hook: an expected fault goes to the test API; any
 * other payload fault is reported and, in a suite, ends the payload. */
static void prun_contain(struct trap_frame *f, const char *verdict)
{
	if (!prun.active || !prun_fault_is_payloads(f))
		return;
	testapi_fault(f, verdict);
	if (!prun.contain)
		return;
	trap_report(f, verdict);
	prun.r->vector = f->vector;
	prun.r->rip = f->rip;
	prun.r->cr2 = f->cr2;
	prun.r->error = f->error;
	trap_unwind();
	prun_leave(PRUN_FAULTED);
}

int prun_run(const struct prun_image *p, uint32_t timeout_s, struct prun_result *r)
{
	uint64_t sp;

	*r = (struct prun_result){ 0 };
	if (map_segments(p) || map_stack(p))
		return -ENOMEM;
	if (push_args(p, &sp))
		return -EFAULT;
	if (p->on_mapped)
		p->on_mapped(p->arg);
	trap_set_contain(prun_contain);
	prun.r = r;
	if (arch_ctx_save(&prun.ctx) == 0) {
		prun.active = true;
		kprintf("efimm: entering %s at 0x%lx\n", p->path,
			(unsigned long)p->img->entry);
		timeout_arm(timeout_s, prun_expired);
		arch_enter_payload(p->img->entry, (void *)sp, sp);
	}
	timeout_disarm();
	return 0;
}

void prun_describe(const struct prun_result *r, char *buf, size_t size)
{
	switch (r->end) {
	case PRUN_EXITED:
		ksnprintf(buf, size, "exited with status %d", r->status);
		break;
	case PRUN_FAULTED:
		ksnprintf(buf, size, "%s at RIP 0x%lx%s0x%lx",
			  trap_vector_name((unsigned int)r->vector), (unsigned long)r->rip,
			  r->vector == TRAP_PF ? ", CR2 " : ", error code ",
			  (unsigned long)(r->vector == TRAP_PF ? r->cr2 : r->error));
		break;
	case PRUN_TIMED_OUT:
		ksnprintf(buf, size, "timed out at RIP 0x%lx", (unsigned long)r->rip);
		break;
	default:
		ksnprintf(buf, size, "did not run");
	}
}
