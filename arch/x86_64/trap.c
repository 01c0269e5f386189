/*
 * arch/x86_64/trap.c - interrupt dispatch, the fatal report and the path
 * to power-off (trap.h).  Pure C: the registers arrive in the frame isr.S
 * saved, so the host tests run all of this except trap_halt().
 */
#include "../../lib/errno.h"
#include "../../lib/kstring.h"
#include "../../lib/printf.h"
#include "../../mm/arch_hooks.h"
#include "../../mm/fault.h"
#include "insn.h"
#include "pt_deny.h"
#include "ptdump.h"
#include "pte.h"
#include "percpu.h"
#include "trap.h"
#include "trap_pf.h"

/* Error-code bits of #PF (SDM vol. 3, 4.7). */
#define PF_ERR_P     (1u << 0)
#define PF_ERR_W     (1u << 1)
#define PF_ERR_U     (1u << 2)
#define PF_ERR_RSVD  (1u << 3)
#define PF_ERR_I     (1u << 4)
#define PF_ERR_PK    (1u << 5)
#define PF_ERR_SS    (1u << 6)

/* Selector error code of #TS/#NP/#SS/#GP (SDM vol. 3, 6.13). */
#define SEL_ERR_EXT  (1u << 0)
#define SEL_ERR_IDT  (1u << 1)
#define SEL_ERR_TI   (1u << 2)

struct trap_guard {
	uint64_t va;
	const char *name;
};

static trap_walk_fn walker;
static trap_exit_fn exit_hook;
static trap_poweroff_fn poweroff;
static trap_contain_fn contain;
static trap_backtrace_fn backtrace;
static trap_syscall_fn syscall_fn;
static trap_user_reader_fn user_reader;
static trap_irq_fn nmi_fn;
static trap_stop_fn stop_others;
static struct {
	bool wp, nxe, smep, smap;
} prot;
static struct {
	uint64_t start, end, to;
} fixup;
/* Interrupt handlers by vector; NULL (and every exception) is fatal. */
static trap_irq_fn irq_handlers[TRAP_VECTORS];
/* mm's fault entry (arch_fault_set_entry) and whether a call to it is
 * under way: a fault inside it is fatal and not offered again (it runs
 * on the #PF IST stack, which a nested #PF would overwrite). */
static arch_fault_entry_fn fault_entry;
static struct trap_guard guards[TRAP_MAX_GUARDS];
static int nguards;
/* Faults being handled; > 0 means the report itself faulted. */
/* CPUs online, for the report's CPU line (trap_set_cpus). */
static unsigned int ncpus = 1;

static const char *const exc_names[32] = {
	"#DE divide error", "#DB debug", "NMI non-maskable interrupt",
	"#BP breakpoint", "#OF overflow", "#BR bound range exceeded",
	"#UD invalid opcode", "#NM device not available", "#DF double fault",
	"coprocessor segment overrun", "#TS invalid TSS",
	"#NP segment not present", "#SS stack-segment fault",
	"#GP general protection", "#PF page fault", "reserved",
	"#MF x87 floating-point error", "#AC alignment check",
	"#MC machine check", "#XM SIMD floating-point",
	"#VE virtualization exception", "#CP control protection",
	"reserved", "reserved", "reserved", "reserved", "reserved", "reserved",
	"#HV hypervisor injection", "#VC VMM communication",
	"#SX security exception", "reserved",
};

const char *trap_vector_name(unsigned int vector)
{
	if (vector < ARRAY_SIZE(exc_names))
		return exc_names[vector];
	return "unexpected interrupt";
}

bool trap_has_error_code(unsigned int vector)
{
	switch (vector) {
	case 8: case 10: case 11: case 12: case 13: case 14:
	case 17: case 21: case 29: case 30:
		return true;
	default:
		return false;
	}
}

/* The walk of va under the tables of a raw CR3 (PCID/flag bits off). */
static void default_walker(uint64_t cr3, uint64_t va)
{
	ptdump_walk(PADDR(cr3 & PTE_ADDR_MASK), pt_live_levels(), va);
}

static void report_pf_error(uint64_t e)
{
	kprintf("efimm: error code 0x%llx: %s, %s, %s%s%s%s%s\n",
		(unsigned long long)e,
		(e & PF_ERR_P) ? "protection violation (present)" : "not-present",
		(e & PF_ERR_W) ? "write" : "read",
		(e & PF_ERR_U) ? "user" : "supervisor",
		(e & PF_ERR_I) ? ", instruction fetch" : "",
		(e & PF_ERR_RSVD) ? ", reserved bit set" : "",
		(e & PF_ERR_PK) ? ", protection key" : "",
		(e & PF_ERR_SS) ? ", shadow stack" : "");
}

/* #TS/#NP/#SS/#GP/#AC-style codes: a selector or IDT index, or 0. */
static void report_sel_error(uint64_t e)
{
	const char *table = (e & SEL_ERR_IDT) ? "IDT" :
			    (e & SEL_ERR_TI) ? "LDT" : "GDT";

	if (e == 0) {
		kprintf("efimm: error code 0x0\n");
		return;
	}
	kprintf("efimm: error code 0x%llx: %s index %llu%s\n",
		(unsigned long long)e, table,
		(unsigned long long)((e & 0xFFFF) >> 3),
		(e & SEL_ERR_EXT) ? ", external event" : "");
}

static void report_error(const struct trap_frame *f)
{
	if (!trap_has_error_code(f->vector))
		kprintf("efimm: no error code\n");
	else if (f->vector == TRAP_PF)
		report_pf_error(f->error);
	else if (f->vector >= 10 && f->vector <= 13)
		report_sel_error(f->error);
	else
		kprintf("efimm: error code 0x%llx\n",
			(unsigned long long)f->error);
}

void trap_report_regs(const struct trap_frame *f)
{
	kprintf("efimm: RIP 0x%016lx RSP 0x%016lx CR2 0x%016lx CR3 0x%016lx\n",
		f->rip, f->rsp, f->cr2, f->cr3);
	kprintf("efimm: RAX 0x%016lx RBX 0x%016lx RCX 0x%016lx RDX 0x%016lx\n",
		f->rax, f->rbx, f->rcx, f->rdx);
	kprintf("efimm: RSI 0x%016lx RDI 0x%016lx RBP 0x%016lx R8  0x%016lx\n",
		f->rsi, f->rdi, f->rbp, f->r8);
	kprintf("efimm: R9  0x%016lx R10 0x%016lx R11 0x%016lx R12 0x%016lx\n",
		f->r9, f->r10, f->r11, f->r12);
	kprintf("efimm: R13 0x%016lx R14 0x%016lx R15 0x%016lx\n",
		f->r13, f->r14, f->r15);
	kprintf("efimm: RFLAGS 0x%016lx CS 0x%04lx SS 0x%04lx\n",
		f->rflags, f->cs, f->ss);
}

/* Plain-words verdicts on CR2: page 0, a stack guard, mm's opinion. */
static void report_cr2(uint64_t cr2, const char *verdict)
{
	uint64_t page = ALIGN_DOWN(cr2, PAGE_SIZE);

	if (page == 0)
		kprintf("efimm: CR2 is in page 0 (NULL pointer dereference)\n");
	for (int i = 0; i < nguards; i++)
		if (guards[i].va == page)
			kprintf("efimm: CR2 is in the stack guard page below %s\n",
				guards[i].name);
	if (verdict)
		kprintf("efimm: CR2 0x%016lx: %s\n", cr2, verdict);
}

/*
 * Page walk: of CR2 for #PF (the address that failed), of RIP for every
 * other vector (CR2 is stale then; the code page is what matters).
 */
static void report_walk(const struct trap_frame *f, const char *verdict)
{
	bool pf = f->vector == TRAP_PF;
	uint64_t va = pf ? f->cr2 : f->rip;

	kprintf("efimm: page walk of %s 0x%016lx under CR3 0x%016lx:\n",
		pf ? "CR2" : "RIP", va, f->cr3);
	(walker ? walker : default_walker)(f->cr3, va);
	if (pf)
		report_cr2(f->cr2, verdict);
}

/* Names the privileged instruction a #GP or #UD from ring 3 stopped
 * at, read through the user reader (the payload's memory). */
static void report_privileged(const struct trap_frame *f)
{
	uint8_t code[16];
	const char *name;

	if (!trap_from_user(f) || (f->vector != TRAP_GP && f->vector != TRAP_UD) ||
	    !user_reader)
		return;
	for (size_t n = sizeof(code); n > 0; n--) {
		/* the instruction may end on a page before an unmapped one */
		if (user_reader(code, f->rip, n) == 0) {
			name = insn_privileged_name(code, n);
			if (name)
				kprintf("efimm: privileged instruction in user mode: %s\n", name);
			return;
		}
	}
}

/* Which bit of which entry (or SMEP/SMAP) denied a #PF's access. */
static void report_denial(const struct trap_frame *f)
{
	struct pt_access a = {
		/* the access's privilege, not CS's: ring 3 makes supervisor
		 * accesses too (descriptor tables, a gate's stack) */
		.user = (f->error & PF_ERR_U) != 0, .write = (f->error & PF_ERR_W) != 0,
		.exec = (f->error & PF_ERR_I) != 0, .wp = prot.wp, .nxe = prot.nxe,
		.smep = prot.smep, .smap = prot.smap,
		.ac = (f->rflags & TRAP_RFLAGS_AC) != 0,
	};
	struct pt_deny d;
	char buf[128];

	if (f->vector != TRAP_PF || !pte_va_canonical(f->cr2))
		return;
	d = pt_deny_check(PADDR(f->cr3 & PTE_ADDR_MASK), pt_live_levels(),
			  f->cr2, &a);
	kprintf("efimm: denied: %s\n", pt_deny_text(&d, buf, sizeof(buf)));
}

void trap_report(const struct trap_frame *f, const char *verdict)
{
	kprintf("efimm: FATAL: %s (vector %lu)\n",
		trap_vector_name(f->vector), f->vector);
	kprintf("efimm: mode: %s\n", trap_from_user(f) ? "user (ring 3)" : "kernel (ring 0)");
	if (ncpus > 1)
		kprintf("efimm: cpu: %u of %u\n", this_cpu()->cpu, ncpus);
	report_error(f);
	report_privileged(f);
	trap_report_regs(f);
	report_walk(f, verdict);
	report_denial(f);
	if (backtrace)
		backtrace(f);
}

static int default_exit(const struct trap_frame *f, const char **name)
{
	UNUSED(f);
	*name = "EFIMM_FATAL_EXCEPTION";
	return TRAP_EXIT_INTERNAL;
}

/* The status line tools read as efimm's exit status, then the hook. */
static void power_off(int status, const char *name)
{
	kprintf("efimm: powering off, status %d (%s)\n", status, name);
	if (poweroff)
		poweroff(status);
	kprintf("efimm: power-off failed; halting\n");
}

/* A #PF's record: every field set, without zeroing the whole record
 * first (the fault path runs this once per fault). */
static void trap_decode_pf(const struct trap_frame *f, struct mm_fault *mf)
{
	uint64_t e = f->error;

	mf->vector = (unsigned int)f->vector;
	mf->error = e;
	mf->page_fault = true;
	mf->addr = (vaddr_t)f->cr2;
	mf->access = (e & PF_ERR_I) ? MM_FAULT_EXEC :
		     (e & PF_ERR_W) ? MM_FAULT_WRITE : MM_FAULT_READ;
	mf->user = (e & PF_ERR_U) != 0;
	mf->present = (e & PF_ERR_P) != 0;
	mf->irq_on = (f->rflags & TRAP_RFLAGS_IF) != 0;
}

/* The arch-neutral record of f (mm/fault.h). */
static void trap_decode(const struct trap_frame *f, struct mm_fault *mf)
{
	uint64_t e = f->error;

	if (f->vector == TRAP_PF) {
		trap_decode_pf(f, mf);
		return;
	}
	*mf = (struct mm_fault){ .vector = (unsigned int)f->vector, .error = e };
}

/*
 * Offers the fault to mm's entry: served, it resumes the faulting
 * instruction and never returns; otherwise it returns mm's verdict for
 * the report, after printing "out of backing store" when that is why.
 * Not while a report is under way (a fault then is a fault in the
 * report), nor from inside the entry itself.
 */
static const char *trap_offer(struct trap_frame *f)
{
	struct mm_fault mf;
	const char *verdict = NULL;
	int ret;

	struct percpu *me = this_cpu();

	if (!fault_entry || me->trap_depth != 0 || me->trap_in_entry)
		return NULL;
	trap_decode(f, &mf);
	me->trap_in_entry = true;
	ret = fault_entry(&mf, &verdict);
	me->trap_in_entry = false;
	if (ret == 0)
		trap_resume(f);
	if (ret == -ENOMEM)
		kprintf("efimm: FATAL: out of backing store serving #PF at 0x%lx\n",
			f->cr2);
	return verdict;
}

/*
 * Serves an interrupt and resumes f: a registered vector through its
 * handler, the spurious vector with nothing at all (it needs no EOI).
 * Returns only for an exception or an interrupt nobody registered,
 * which are fatal.
 */
static void trap_irq(struct trap_frame *f)
{
	trap_irq_fn fn;

	if (f->vector < TRAP_FIRST_IRQ || f->vector >= TRAP_VECTORS)
		return;
	fn = irq_handlers[f->vector];
	if (fn)
		fn(f);
	else if (f->vector != TRAP_SPURIOUS)
		return;
	trap_resume(f);
}

/* A #PF from ring 0 in the copy helper that mm did not serve: resume
 * at its fixup, which returns -EFAULT (a bad payload pointer). */
static void trap_fixup(struct trap_frame *f)
{
	if (f->vector != TRAP_PF || trap_from_user(f) ||
	    f->rip < fixup.start || f->rip >= fixup.end)
		return;
	f->rip = fixup.to;
	trap_resume(f);
}

void trap_dispatch(struct trap_frame *f)
{
	const char *verdict;
	int level;
	const char *name;
	int status;

	if (f->vector == TRAP_SYSCALL && syscall_fn) {
		syscall_fn(f);
		trap_resume(f);
	}
	trap_irq(f);
	if (f->vector == TRAP_NMI && nmi_fn) {
		nmi_fn(f);
		trap_resume(f);
	}
	verdict = trap_offer(f);
	trap_fixup(f);
	level = this_cpu()->trap_depth++;

	if (level == 0) {
		if (contain)
			contain(f, verdict);
		if (stop_others)
			stop_others();
		trap_report(f, verdict);
		status = (exit_hook ? exit_hook : default_exit)(f, &name);
		power_off(status, name);
	} else if (level == 1) {
		kprintf("efimm: FATAL: fault while reporting a fault: %s "
			"(vector %lu) at RIP 0x%016lx, CR2 0x%016lx\n",
			trap_vector_name(f->vector), f->vector, f->rip, f->cr2);
		power_off(TRAP_EXIT_INTERNAL, "EFIMM_FATAL_EXCEPTION");
	}
	trap_halt();
}

void trap_set_syscall(trap_syscall_fn fn)
{
	syscall_fn = fn;
}

void trap_set_user_reader(trap_user_reader_fn fn)
{
	user_reader = fn;
}

void trap_set_protections(bool wp, bool nxe, bool smep, bool smap)
{
	prot.wp = wp;
	prot.nxe = nxe;
	prot.smep = smep;
	prot.smap = smap;
}

unsigned int trap_protections(void)
{
	return (prot.wp ? TRAP_PROT_WP : 0) | (prot.nxe ? TRAP_PROT_NX : 0) |
	       (prot.smep ? TRAP_PROT_SMEP : 0) | (prot.smap ? TRAP_PROT_SMAP : 0);
}

void trap_set_fixup(uint64_t start, uint64_t end, uint64_t to)
{
	fixup.start = start;
	fixup.end = end;
	fixup.to = to;
}

void trap_set_walker(trap_walk_fn fn)
{
	walker = fn;
}

void trap_set_exit(trap_exit_fn fn)
{
	exit_hook = fn;
}

void trap_set_poweroff(trap_poweroff_fn fn)
{
	poweroff = fn;
}

void trap_set_contain(trap_contain_fn fn)
{
	contain = fn;
}

void trap_unwind(void)
{
	this_cpu()->trap_depth = 0;
}

void trap_set_nmi(trap_irq_fn fn)
{
	nmi_fn = fn;
}

void trap_set_stop(trap_stop_fn fn)
{
	stop_others = fn;
}

void trap_set_cpus(unsigned int n)
{
	ncpus = n;
}

void trap_set_backtrace(trap_backtrace_fn fn)
{
	backtrace = fn;
}

int trap_set_irq(unsigned int vector, trap_irq_fn fn)
{
	if (vector < TRAP_FIRST_IRQ || vector >= TRAP_VECTORS ||
	    vector == TRAP_SPURIOUS)
		return -EINVAL;
	irq_handlers[vector] = fn;
	return 0;
}

void arch_fault_set_entry(arch_fault_entry_fn fn)
{
	fault_entry = fn;
}

int trap_register_guard(uint64_t guard_va, const char *name)
{
	if (nguards == TRAP_MAX_GUARDS)
		return -ENOSPC;
	guards[nguards].va = ALIGN_DOWN(guard_va, PAGE_SIZE);
	guards[nguards].name = name;
	nguards++;
	return 0;
}

#ifdef EFIMM_HOST
void trap_host_reset(void)
{
	walker = NULL;
	exit_hook = NULL;
	poweroff = NULL;
	contain = NULL;
	backtrace = NULL;
	syscall_fn = NULL;
	user_reader = NULL;
	nmi_fn = NULL;
	stop_others = NULL;
	memset(&prot, 0, sizeof(prot));
	memset(&fixup, 0, sizeof(fixup));
	memset(irq_handlers, 0, sizeof(irq_handlers));
	fault_entry = NULL;
	nguards = 0;
	this_cpu()->trap_depth = 0;
	this_cpu()->trap_in_entry = false;
	ncpus = 1;
}
#endif
