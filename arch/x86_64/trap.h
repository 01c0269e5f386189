/*
 * arch/x86_64/trap.h - what happens when the CPU raises any of the 256
 * vectors after arch_cpu_takeover().  The entry stubs (isr.S) save a
 * struct trap_frame and call trap_dispatch().  An interrupt (vector >=
 * TRAP_FIRST_IRQ) with a handler registered by trap_set_irq() is handed
 * to it and the interrupted code resumes; the spurious vector resumes
 * at once (no EOI: SDM vol. 3, 11.9).  Every other vector is fatal: the
 * fatal report, then power-off.
 *
 * The report (trap_report) is pure formatting over a saved frame, so the
 * host tests feed it frames.  Before it, trap_dispatch offers the fault
 * to mm's one fault entry (arch_fault_set_entry, mm/arch_hooks.h),
 * decoded into a struct mm_fault: mm serves it (demand paging; the
 * instruction is retried through trap_resume, trap_pf.h) or returns its
 * verdict on CR2 for the report.  The other parts that belong to other
 * subsystems come in through hooks, each optional:
 *   walker      prints the page walk of an address (default: ptdump_walk
 *               of CR3's root - arch/x86_64/ptdump.c);
 *   exit        the exit status for a frame (default 255, see below);
 *   poweroff    turns the machine off (efi/: RT->ResetSystem).
 *
 * Never a reset loop: a fault while reporting prints one short line and
 * powers off directly; a fault after that, or a power-off that returns,
 * ends in trap_halt() (cli; hlt forever).
 */
#ifndef ARCH_X86_64_TRAP_H
#define ARCH_X86_64_TRAP_H

#include "../../lib/types.h"

/*
 * The frame isr.S builds, lowest address first: CR3 and CR2 as they were
 * on entry (CR2 read before anything else can fault), the general
 * registers, the vector and error code (0 for vectors without one), then
 * what the CPU pushed.  isr.S depends on this exact layout.  An NMI's
 * error code is 1 when isr.S found the payload's GS in ring 0 and swapped
 * it (trap_resume swaps it back).
 */
struct trap_frame {
	uint64_t cr3, cr2;
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss;
};

#define TRAP_VECTORS       256
#define TRAP_EXIT_INTERNAL 255      /* exit status of a fault in efimm */
/* Guard pages: the boot CPU's few plus 7 per AP (arch/x86_64/smp.h)
 * for up to 64 CPUs. */
#define TRAP_MAX_GUARDS    512

/* Vector numbers the rest of arch/ needs by name. */
#define TRAP_NMI  2
#define TRAP_BP   3
#define TRAP_OF   4
#define TRAP_UD   6
#define TRAP_DF   8
#define TRAP_GP   13
#define TRAP_PF   14
#define TRAP_MC   18
/* The system-call gate (payload/sdk/efimm_abi.h EFIMM_SYSCALL_VECTOR):
 * DPL 3, so `int $0x80` works from ring 3; no IST, so a call from ring 3
 * runs on TSS.RSP0 and one from ring 0 on the caller's stack. */
#define TRAP_SYSCALL 0x80

/* Interrupts: vectors from TRAP_FIRST_IRQ up.  The local APIC timer's
 * and the spurious vector sit in the highest priority class, so no task
 * priority efimm sets ever holds them back; the spurious vector's low 4
 * bits are all ones, as older APICs require. */
#define TRAP_FIRST_IRQ  32
#define TRAP_TIMER      0xF0
#define TRAP_IPI_TLB    0xF2    /* a TLB shootdown round (tlb.h) */
#define TRAP_IPI_WAKE   0xF3    /* look at your work: machine/smp_run.c */
#define TRAP_SPURIOUS   0xFF

/* RFLAGS.IF: set in a frame taken with interrupts on; AC: SMAP's
 * exemption (stac). */
#define TRAP_RFLAGS_IF  (1ULL << 9)
#define TRAP_RFLAGS_AC  (1ULL << 18)

/* True if f interrupted ring 3 (the CPL is CS's RPL). */
static inline bool trap_from_user(const struct trap_frame *f)
{
	return (f->cs & 3) == 3;
}

/* "#PF page fault", "NMI non-maskable interrupt", ... for 0..31 (reserved
 * ones say "reserved"); "unexpected interrupt" for 32..255, which the
 * report's "(vector N)" completes. */
const char *trap_vector_name(unsigned int vector);

/* True for the exceptions whose frame holds a CPU-pushed error code. */
bool trap_has_error_code(unsigned int vector);

/*
 * Prints the fatal report of f: "efimm: FATAL: NAME (vector N)", the
 * decoded error code, RIP/RSP/CR2/CR3, every register, the page walk
 * (of CR2 for #PF, of RIP otherwise), what CR2 hits (page 0, a
 * registered stack guard page, and verdict - mm's word on CR2 - unless
 * NULL), and the backtrace hook's lines.  Does not power off.
 */
void trap_report(const struct trap_frame *f, const char *verdict);

/*
 * Called by isr.S with interrupts off, on the faulting stack or the
 * vector's IST stack.  A registered interrupt goes to its handler and the
 * spurious vector straight back (both resume through trap_resume).
 * Otherwise it offers the fault to mm's entry and the contain hook, then
 * stops the other CPUs (trap_set_stop), reports, prints
 * "efimm: powering off, status N (NAME)" and calls the poweroff hook.
 * Never returns.
 */
__attribute__((noreturn)) void trap_dispatch(struct trap_frame *f);

/* Stops the CPU for good: cli; hlt in a loop (trap_hw.c; abort() on the
 * host, tests/host/trap_host.c). */
__attribute__((noreturn)) void trap_halt(void);

/* The "efimm: RIP ... RSP ..." register lines of the report, alone (the
 * timeout report prints them too). */
void trap_report_regs(const struct trap_frame *f);

/*
 * An interrupt handler: called by trap_dispatch with interrupts off, on
 * the interrupt IST stack (desc.h IST_IRQ), with the interrupted code's
 * frame.  It sends the EOI itself and returns, after which the
 * interrupted code resumes (trap_resume); it may instead never return
 * (a timeout that ends a payload).  Registers it changes in f are the
 * ones resumed.
 */
typedef void (*trap_irq_fn)(struct trap_frame *f);

/*
 * Makes fn the handler of vector (TRAP_FIRST_IRQ..255, not
 * TRAP_SPURIOUS); NULL makes the vector fatal again.  Returns 0 or
 * -EINVAL (an exception vector or the spurious one).  Call with
 * interrupts off.
 */
int trap_set_irq(unsigned int vector, trap_irq_fn fn);

/* Prints the walk of va under the tables at cr3 (raw CR3 value). */
typedef void (*trap_walk_fn)(uint64_t cr3, uint64_t va);
/* Returns the exit status for f and sets *name to its name. */
typedef int (*trap_exit_fn)(const struct trap_frame *f, const char **name);
/* Powers off reporting status; returns only if that failed. */
typedef void (*trap_poweroff_fn)(int status);
/* Prints a backtrace of f, or nothing when f's code is not one whose
 * stack may be read (the report calls it last, with interrupts off and
 * the fault not served: it must not fault). */
typedef void (*trap_backtrace_fn)(const struct trap_frame *f);

/*
 * Offered every fault mm did not serve, before the fatal report: it may
 * take the fault over (print the report itself or not, call
 * trap_unwind, and resume a saved context: arch_ctx_resume, ctx.h),
 * never returning; if it returns, the fatal path goes on.  Runs with
 * interrupts off, on the faulting stack or the vector's IST stack, with
 * the report depth already counting this fault (so a fault inside it
 * is a fault while reporting).  verdict: mm's word on CR2, or NULL.
 */
typedef void (*trap_contain_fn)(struct trap_frame *f, const char *verdict);

/*
 * A system call (TRAP_SYSCALL): called with interrupts off and the
 * caller's frame (RAX the number, RDI RSI RDX R10 R8 the arguments); it
 * sets f->rax and returns, and the caller resumes (trap_resume) - or it
 * never returns (the payload's exit).
 */
typedef void (*trap_syscall_fn)(struct trap_frame *f);
/*
 * Reads n bytes of ring-3 memory at va for the report (the instruction a
 * #GP or #UD from ring 3 stopped at); returns 0 or -EFAULT, never
 * faults.
 */
typedef int (*trap_user_reader_fn)(void *dst, uint64_t va, size_t n);

/* Each setter replaces the hook; NULL restores the default. */
void trap_set_syscall(trap_syscall_fn fn);
void trap_set_user_reader(trap_user_reader_fn fn);
void trap_set_walker(trap_walk_fn fn);
void trap_set_exit(trap_exit_fn fn);
void trap_set_poweroff(trap_poweroff_fn fn);
void trap_set_contain(trap_contain_fn fn);

/*
 * The CPU protections in force (CR0.WP, EFER.NXE, CR4.SMEP, CR4.SMAP),
 * for the report's verdict on what denied an access.  Default: none.
 */
void trap_set_protections(bool wp, bool nxe, bool smep, bool smap);
/* The protections trap_set_protections recorded: TRAP_PROT_* bits. */
#define TRAP_PROT_WP    (1u << 0)
#define TRAP_PROT_NX    (1u << 1)
#define TRAP_PROT_SMEP  (1u << 2)
#define TRAP_PROT_SMAP  (1u << 3)
unsigned int trap_protections(void);

/*
 * The one kernel code range allowed to fault on a payload address:
 * a #PF from ring 0 whose RIP is in [start, end) and that mm does not
 * serve resumes at fixup (arch/x86_64/ucopy.S: it returns -EFAULT).
 */
void trap_set_fixup(uint64_t start, uint64_t end, uint64_t fixup);

/* Forgets the fault being handled: for a contain hook that leaves
 * trap_dispatch's frame for good (the next fault is a first one). */
void trap_unwind(void);
void trap_set_backtrace(trap_backtrace_fn fn);

/*
 * Registers the page at guard_va (page-aligned; unmapped by whoever
 * built the tables) as the guard below the stack called name, so a CR2
 * in it is reported as a stack overflow.  name must stay valid.
 * Returns 0, or -ENOSPC after TRAP_MAX_GUARDS guards.
 */
int trap_register_guard(uint64_t guard_va, const char *name);

/* An NMI's handler (a CPU told to stop, machine/smp_run.c): called with
 * the frame, which is resumed if it returns; without one an NMI is fatal
 * like any exception. */
void trap_set_nmi(trap_irq_fn fn);

/*
 * Called once a fault is fatal (mm did not serve it, no fixup, the
 * contain hook returned), before the report: stops every other CPU
 * (machine/smp_run.c's smp_panic_stop), or parks the caller for good if
 * another CPU failed first.  Interrupts off; NULL (one CPU): nothing.
 */
typedef void (*trap_stop_fn)(void);
void trap_set_stop(trap_stop_fn fn);

/* CPUs online: with more than one, reports name the CPU
 * (`efimm: cpu: N of M`, after the mode line). */
void trap_set_cpus(unsigned int n);

#ifdef EFIMM_HOST

/* Forgets hooks, guards and the recursion depth (host tests only). */
void trap_host_reset(void);
#endif

#endif
