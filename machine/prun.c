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
#include "smp.h"
#include "smp_run.h"
#include "symbols.h"
#include "testapi.h"
#include "uaccess.h"
#include "timeout.h"

#include "../arch/x86_64/ctx.h"
#include "../arch/x86_64/enter.h"
#include "../arch/x86_64/fault_sites.h"
#include "../arch/x86_64/machine.h"
#include "../arch/x86_64/tlb.h"
#include "../mm/mm.h"
#include "../pure/runopts.h"
#include "../lib/assert.h"
#include "../lib/errno.h"
#include "../lib/kstring.h"
#include "../lib/printf.h"
#include "../mm/kmem.h"
#include "../mm/payload.h"
#include "../mm/vm.h"

#define PAYLOAD_STACK     (256ULL << 10)
/* prun.kill: end + this once the AP recorded its result. */
#define PRUN_KILL_READY   16
#define PAYLOAD_STACK_TOP ELF_WINDOW_HI

static struct {
	struct arch_ctx ctx;            /* prun_run's, to come back to */
	struct prun_result *r;
	const struct prun_image *p;
	bool active, contain;
	int inject;                     /* enum runopt_inject, until used */
	uint64_t text_start, text_end;
	uint64_t data_addr;             /* somewhere in efimm's data */
	bool guard_registered;
	uint32_t kill;                  /* enum prun_end an AP asked for, or 0 */
} prun;

void prun_set_efimm_text(uint64_t start, uint64_t end)
{
	prun.text_start = start;
	prun.text_end = end;
	prun.data_addr = (uint64_t)(uintptr_t)&prun;
}

uint32_t prun_user_flags(void)
{
	return prun.active && prun.p->ring == 3 ? K_MEM_PERM_USER : 0;
}

void prun_info(struct efimm_info *i)
{
	unsigned int as = arch_as_features(), tp = trap_protections();

	*i = (struct efimm_info){
		.ring = prun.active ? (uint32_t)prun.p->ring : 0,
		.features = ((tp & TRAP_PROT_NX) ? EFIMM_FEAT_NX : 0) |
			    ((tp & TRAP_PROT_SMEP) ? EFIMM_FEAT_SMEP : 0) |
			    ((tp & TRAP_PROT_SMAP) ? EFIMM_FEAT_SMAP : 0) |
			    ((as & ARCH_AS_PCID) ? EFIMM_FEAT_PCID : 0) |
			    ((as & ARCH_AS_INVPCID) ? EFIMM_FEAT_INVPCID : 0),
		.efimm_text = prun.text_start,
		.efimm_data = prun.data_addr,
	};
}

/*
 * inject=ap-efimm-fault and efimm-panic: efimm itself fails in a write
 * call while the payload keeps the other CPUs busy - a #PF in efimm's
 * code on CPU 1 (a NULL read), or panic() on whichever CPU calls first -
 * to show every other CPU stopped before the report (README "Multiple
 * CPUs").  Returns for the other kinds.
 */
static void prun_inject_failure(int how)
{
	unsigned int me = smp_cpu_id();

	if (how == RUNOPT_INJECT_AP_EFIMM_FAULT) {
		kprintf("efimm: inject=ap-efimm-fault: CPU %u reads address 0 in "
			"efimm's write call\n", me);
		fault_read(0);
		panic("machine: inject=ap-efimm-fault: the read of address 0 did not fault");
	}
	if (how == RUNOPT_INJECT_EFIMM_PANIC)
		panic("machine: inject=efimm-panic: efimm panics in the write call on CPU %u "
		      "(fault injection)", me);
}

/* Takes the pending inject= kind, once for the whole run (several CPUs
 * may write at once); ap-efimm-fault waits for CPU 1's call. */
static int prun_inject_take(void)
{
	int how = prun.active ? __atomic_load_n(&prun.inject, __ATOMIC_ACQUIRE) :
		  RUNOPT_INJECT_NONE;

	if (how == RUNOPT_INJECT_NONE ||
	    (how == RUNOPT_INJECT_AP_EFIMM_FAULT && smp_cpu_id() != 1))
		return RUNOPT_INJECT_NONE;
	if (!__atomic_compare_exchange_n(&prun.inject, &how, RUNOPT_INJECT_NONE, false,
					 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		return RUNOPT_INJECT_NONE;
	return how;
}

/*
 * inject=: the one deliberate access to payload memory outside the copy
 * helpers (README "Ring 3"), at the first write call: smap reads the
 * first byte of the payload's buffer s, smep calls the payload's entry
 * point from efimm.  Either is a fatal report naming SMAP or SMEP when
 * the CPU enforces it; without, the access just happens.  Or efimm's own
 * failure (prun_inject_failure).
 */
void prun_inject_fault(const void *s)
{
	int how = prun_inject_take();
	unsigned int tp = trap_protections();
	void (*entry)(void);

	if (how == RUNOPT_INJECT_NONE)
		return;
	prun_inject_failure(how);
	if (how == RUNOPT_INJECT_SMAP) {
		kprintf("efimm: inject=smap: reading the payload's buffer at %p "
			"without the copy helper%s\n", s,
			(tp & TRAP_PROT_SMAP) ? "" : " (no SMAP on this CPU: not caught)");
		kprintf("efimm: inject=smap: read 0x%02x\n", *(const volatile uint8_t *)s);
	} else if (how == RUNOPT_INJECT_SMEP &&
		   (!(tp & TRAP_PROT_SMEP) || prun.p->ring != 3)) {
		/* else the payload's code would run in ring 0 */
		kprintf("efimm: inject=smep: %s; nothing injected\n",
			prun.p->ring != 3 ? "the payload's pages are supervisor pages (ring=0)" :
			"no SMEP on this CPU");
	} else if (how == RUNOPT_INJECT_SMEP) {
		entry = (void (*)(void))(uintptr_t)prun.p->img->entry;
		kprintf("efimm: inject=smep: calling the payload's entry 0x%lx "
			"from efimm\n", (unsigned long)prun.p->img->entry);
		entry();
	}
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
				.argc = p->argc, .argv = (char **)argv };
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

/* Back to prun_run with how the payload ended, once every other CPU has
 * left the payload's code (its address space goes next). */
__attribute__((noreturn)) static void prun_leave(enum prun_end end)
{
	ASSERT(smp_cpu_id() == 0, "machine: a payload ends on CPU %u", smp_cpu_id());
	smp_stop_all(true);
	tlb_set_remote(true);
	prun.active = false;
	symbols_set_syscall_frame(NULL);
	prun.r->end = end;
	arch_ctx_resume(&prun.ctx, (int)end);
}

void prun_exit(int status)
{
	ASSERT(prun.active, "machine: payload exit without a payload");
	prun.r->status = status;
	prun_leave(PRUN_EXITED);
}

void prun_kill(enum prun_end end, const struct trap_frame *f)
{
	uint32_t none = 0;

	if (!__atomic_compare_exchange_n(&prun.kill, &none, (uint32_t)end, false,
					 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		return;
	prun.r->vector = f->vector;
	prun.r->rip = f->rip;
	prun.r->cr2 = f->cr2;
	prun.r->error = f->error;
	prun.r->cpu = smp_cpu_id();
	__atomic_store_n(&prun.kill, (uint32_t)end + PRUN_KILL_READY, __ATOMIC_RELEASE);
	smp_wake_boot_cpu();
}

void prun_check_kill(const struct trap_frame *f)
{
	uint32_t k = __atomic_load_n(&prun.kill, __ATOMIC_ACQUIRE);

	UNUSED(f);
	if (!prun.active || smp_cpu_id() != 0 || k < PRUN_KILL_READY)
		return;
	trap_unwind();
	prun_leave((enum prun_end)(k - PRUN_KILL_READY));
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

bool prun_frame_is_payloads(const struct trap_frame *f)
{
	if (!prun.active)
		return false;
	if (trap_from_user(f))
		return true;
	return prun.p->ring == 0 &&
	       (f->rip < prun.text_start || f->rip >= prun.text_end);
}

/* A fault is the payload's when its code raised it; the vectors that
 * leave the CPU in doubt (NMI, #DF, #MC) are nobody's to contain. */
static bool prun_fault_is_payloads(const struct trap_frame *f)
{
	if (f->vector == TRAP_NMI || f->vector == TRAP_DF || f->vector == TRAP_MC)
		return false;
	return prun_frame_is_payloads(f);
}

/* trap.c's reader of ring-3 code for the report: resident pages only
 * (timeout.c's reader), never a fault. */
static int prun_read_user(void *dst, uint64_t va, size_t n)
{
	return timeout_read_resident(dst, (const void *)va, n);
}

/* trap.c's contain hook: an expected fault goes to the test API; any
 * other payload fault is reported and, in a suite, ends the payload. */
static void prun_contain(struct trap_frame *f, const char *verdict)
{
	if (!prun_fault_is_payloads(f))
		return;
	if (smp_on_ap()) {
		/* Always contained: the boot CPU ends the payload, in `run`
		 * with the fault's status. */
		trap_report(f, verdict);
		smp_job_ending();
		prun_kill(PRUN_FAULTED, f);
		smp_sys_done();
	}
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
	if (mm_payload_space_create())
		return -ENOMEM;
	payload_set_user(p->ring == 3);
	if (map_segments(p) || map_stack(p))
		return -ENOMEM;
	if (push_args(p, &sp))
		return -EFAULT;
	if (p->on_mapped)
		p->on_mapped(p->arg);
	trap_set_contain(prun_contain);
	trap_set_user_reader(prun_read_user);
	prun.r = r;
	prun.p = p;
	prun.kill = 0;
	if (p->shootdown_off)
		kprintf("efimm: shootdown=off: other CPUs keep stale translations "
			"(fault injection)\n");
	tlb_set_remote(!p->shootdown_off);
	symbols_set_payload(p->syms, p->path);
	prun.inject = p->inject;
	if (p->inject == RUNOPT_INJECT_AP_EFIMM_FAULT && smp_cpus_online() < 2)
		kprintf("efimm: inject=ap-efimm-fault: no CPU 1 online; nothing injected\n");
	if (arch_ctx_save(&prun.ctx) == 0) {
		prun.active = true;
		kprintf("efimm: entering %s at 0x%lx in ring %d\n", p->path,
			(unsigned long)p->img->entry, p->ring);
		timeout_arm(timeout_s, prun_expired);
		arch_enter_payload(p->img->entry, (void *)sp, sp, p->ring, 0);
	}
	timeout_disarm();
	return 0;
}

/* " on CPU n" (static: one report at a time, on the boot CPU). */
static const char *cpu_suffix(unsigned int cpu)
{
	static char s[24];

	ksnprintf(s, sizeof(s), " on CPU %u", cpu);
	return s;
}

void prun_describe(const struct prun_result *r, char *buf, size_t size)
{
	switch (r->end) {
	case PRUN_EXITED:
		ksnprintf(buf, size, "exited with status %d", r->status);
		break;
	case PRUN_FAULTED:
		ksnprintf(buf, size, "%s at RIP 0x%lx%s0x%lx%s",
			  trap_vector_name((unsigned int)r->vector), (unsigned long)r->rip,
			  r->vector == TRAP_PF ? ", CR2 " : ", error code ",
			  (unsigned long)(r->vector == TRAP_PF ? r->cr2 : r->error),
			  r->cpu ? cpu_suffix(r->cpu) : "");
		break;
	case PRUN_TIMED_OUT:
		ksnprintf(buf, size, "timed out at RIP 0x%lx", (unsigned long)r->rip);
		break;
	default:
		ksnprintf(buf, size, "did not run");
	}
}
