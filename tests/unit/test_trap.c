/*
 * tests/unit/test_trap.c - the fatal report (arch/x86_64/trap.c) fed
 * saved frames, with the real page walker (ptdump_walk) over tables
 * built by pt.c in the host arena; the dispatch path's power-off and
 * recursion guard; the interrupt registry (a registered vector resumes,
 * the spurious vector resumes, an unregistered one is fatal); the
 * GDT/TSS/IDT encodings (gdt.c, idt.c).
 */
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "../../arch/x86_64/desc.h"
#include "../../arch/x86_64/pt.h"
#include "../../arch/x86_64/pte.h"
#include "../../arch/x86_64/trap.h"
#include "../../lib/errno.h"
#include "../../lib/printf.h"
#include "../../mm/arch_hooks.h"
#include "../../mm/fault.h"
#include "../host/physmem_host.h"
#include "../host/trap_resume_host.h"
#include "pt_testlib.h"
#include "unit.h"

#define FRAMES_BASE GiB(1)

static struct tframes tf;
static struct pt pt;
static jmp_buf off_jmp;
static int off_status;
static int off_calls;
static jmp_buf contain_jmp;
static const char *contain_verdict;
static int contain_calls;

static void setup(void)
{
	host_physmem_reset();
	trap_host_reset();
	con_capture_reset();
	tframes_init(&tf, FRAMES_BASE, 64);
	ck_assert_int_eq(pt_init(&pt, &tf.alloc, 4, true, true), 0);
	/* One page at 0x1000: the walk of page 0 reaches a PTE. */
	ck_assert_int_eq(pt_map(&pt, 0x1000, PADDR(MiB(8)), PAGE_SIZE,
				PTE_RW | PTE_XD, false), 0);
	off_calls = 0;
	contain_calls = 0;
}

static void teardown(void)
{
	tframes_fini(&tf);
}

/* A frame whose every register has its own value. */
static struct trap_frame frame(uint64_t vector, uint64_t error, uint64_t cr2)
{
	return (struct trap_frame){
		.cr3 = paddr_raw(pt.root) | 0x18, .cr2 = cr2,
		.rax = 0xa0, .rbx = 0xb0, .rcx = 0xc0, .rdx = 0xd0,
		.rsi = 0x51, .rdi = 0xd1, .rbp = 0xbb, .r8 = 0x8, .r9 = 0x9,
		.r10 = 0x10, .r11 = 0x11, .r12 = 0x12, .r13 = 0x13,
		.r14 = 0x14, .r15 = 0x15, .vector = vector, .error = error,
		.rip = 0xffffffff80001234ULL, .cs = 0x08, .rflags = 0x10046,
		.rsp = 0x7ff0, .ss = 0x10,
	};
}

static bool has_line(const char *line)
{
	const char *out = con_capture();
	size_t n = strlen(line);

	for (const char *p = strstr(out, line); p; p = strstr(p + 1, line))
		if ((p == out || p[-1] == '\n') && p[n] == '\n')
			return true;
	return false;
}

#define ASSERT_LINE(l) ck_assert_msg(has_line(l), "missing line '%s' in:\n%s", \
				     l, con_capture())

START_TEST(test_report_pf_every_line)
{
	struct trap_frame f = frame(14, 0x0, 0x10);
	char walk[128];

	trap_report(&f, NULL);
	ASSERT_LINE("efimm: FATAL: #PF page fault (vector 14)");
	ASSERT_LINE("efimm: error code 0x0: not-present, read, supervisor");
	ASSERT_LINE("efimm: RIP 0xffffffff80001234 RSP 0x0000000000007ff0 "
		    "CR2 0x0000000000000010 CR3 0x0000000040000018");
	ASSERT_LINE("efimm: RAX 0x00000000000000a0 RBX 0x00000000000000b0 "
		    "RCX 0x00000000000000c0 RDX 0x00000000000000d0");
	ASSERT_LINE("efimm: RSI 0x0000000000000051 RDI 0x00000000000000d1 "
		    "RBP 0x00000000000000bb R8  0x0000000000000008");
	ASSERT_LINE("efimm: R9  0x0000000000000009 R10 0x0000000000000010 "
		    "R11 0x0000000000000011 R12 0x0000000000000012");
	ASSERT_LINE("efimm: R13 0x0000000000000013 R14 0x0000000000000014 "
		    "R15 0x0000000000000015");
	ASSERT_LINE("efimm: RFLAGS 0x0000000000010046 CS 0x0008 SS 0x0010");
	ASSERT_LINE("efimm: page walk of CR2 0x0000000000000010 under CR3 "
		    "0x0000000040000018:");
	/* The walk ran on CR3's root with the flag bits masked off. */
	snprintf(walk, sizeof(walk), "PML4E: 0x0000000000000000 -> 0x%016llx: ",
		 (unsigned long long)(((uint64_t *)arch_phys_to_ptr(pt.root))[0] &
				      PTE_ADDR_MASK));
	ck_assert_ptr_nonnull(strstr(con_capture(), walk));
	ASSERT_LINE("PTE: not present");
	ASSERT_LINE("efimm: CR2 is in page 0 (NULL pointer dereference)");
}
END_TEST

START_TEST(test_report_pf_error_bits)
{
	struct trap_frame f = frame(14, 0x1f, 0x1008);

	trap_report(&f, NULL);
	ASSERT_LINE("efimm: error code 0x1f: protection violation (present), "
		    "write, user, instruction fetch, reserved bit set");
	ck_assert_ptr_null(strstr(con_capture(), "page 0"));
	ck_assert_ptr_nonnull(strstr(con_capture(), "PTE: 0x0000000000001000 -> "
				     "0x0000000000800000: "));
}
END_TEST

START_TEST(test_report_gp_selector_and_rip_walk)
{
	struct trap_frame f = frame(13, 0x2a, 0);
	struct trap_frame g = frame(13, 0, 0);

	trap_report(&f, NULL);
	ASSERT_LINE("efimm: FATAL: #GP general protection (vector 13)");
	ASSERT_LINE("efimm: error code 0x2a: IDT index 5");
	/* Not a #PF: the walk is of RIP, and CR2 is not judged. */
	ASSERT_LINE("efimm: page walk of RIP 0xffffffff80001234 under CR3 "
		    "0x0000000040000018:");
	ASSERT_LINE("PML4E: not present");
	ck_assert_ptr_null(strstr(con_capture(), "page 0"));
	con_capture_reset();
	trap_report(&g, NULL);
	ASSERT_LINE("efimm: error code 0x0");
}
END_TEST

START_TEST(test_report_names)
{
	struct trap_frame f = frame(200, 0, 0);

	ck_assert_str_eq(trap_vector_name(0), "#DE divide error");
	ck_assert_str_eq(trap_vector_name(8), "#DF double fault");
	ck_assert_str_eq(trap_vector_name(18), "#MC machine check");
	ck_assert_str_eq(trap_vector_name(31), "reserved");
	ck_assert(trap_has_error_code(8) && trap_has_error_code(14) &&
		  trap_has_error_code(17) && !trap_has_error_code(6) &&
		  !trap_has_error_code(200));
	trap_report(&f, NULL);
	ASSERT_LINE("efimm: FATAL: unexpected interrupt (vector 200)");
	ASSERT_LINE("efimm: no error code");
}
END_TEST

START_TEST(test_report_guard_and_classifier)
{
	struct trap_frame f = frame(14, 0x2, 0x7ff8);

	ck_assert_int_eq(trap_register_guard(0x3000, "the other stack"), 0);
	ck_assert_int_eq(trap_register_guard(0x7000, "the test stack"), 0);
	trap_report(&f, "paged out to slot 3");
	ASSERT_LINE("efimm: CR2 is in the stack guard page below the test stack");
	ASSERT_LINE("efimm: CR2 0x0000000000007ff8: paged out to slot 3");
	ck_assert_ptr_null(strstr(con_capture(), "the other stack"));
}
END_TEST

/* Guard TRAP_MAX_GUARDS + 1 is refused and kept nowhere: a CR2 in it is
 * not called a guard, and the guards kept still are (no overwrite). */
START_TEST(test_guard_registry_full)
{
	struct trap_frame first = frame(14, 0x2, 0x0ff8), last = frame(14, 0x2, 0x1ffff8);
	struct trap_frame refused = frame(14, 0x2, GiB(1) + 0xff8);

	ck_assert_int_eq(trap_register_guard(0, "the first stack"), 0);
	for (int i = 1; i < TRAP_MAX_GUARDS - 1; i++)
		ck_assert_int_eq(trap_register_guard((uint64_t)i << 12, "s"), 0);
	ck_assert_int_eq(trap_register_guard(0x1ff000, "the last stack"), 0);
	ck_assert_int_eq(trap_register_guard(GiB(1), "the refused stack"), -ENOSPC);
	trap_report(&refused, NULL);
	ck_assert_ptr_null(strstr(con_capture(), "stack guard page"));
	trap_report(&first, NULL);
	ASSERT_LINE("efimm: CR2 is in the stack guard page below the first stack");
	trap_report(&last, NULL);
	ASSERT_LINE("efimm: CR2 is in the stack guard page below the last stack");
}
END_TEST

static void record_off(int status)
{
	off_status = status;
	off_calls++;
	longjmp(off_jmp, 1);
}

static int payload_exit(const struct trap_frame *f, const char **name)
{
	*name = "PAYLOAD_FAULT";
	return (int)f->vector + 100;
}

START_TEST(test_dispatch_powers_off)
{
	struct trap_frame f = frame(6, 0, 0);

	trap_set_poweroff(record_off);
	if (!setjmp(off_jmp))
		trap_dispatch(&f);
	ck_assert_int_eq(off_calls, 1);
	ck_assert_int_eq(off_status, TRAP_EXIT_INTERNAL);
	ASSERT_LINE("efimm: FATAL: #UD invalid opcode (vector 6)");
	ASSERT_LINE("efimm: powering off, status 255 (EFIMM_FATAL_EXCEPTION)");
}
END_TEST

START_TEST(test_dispatch_exit_hook)
{
	struct trap_frame f = frame(6, 0, 0);

	trap_set_poweroff(record_off);
	trap_set_exit(payload_exit);
	if (!setjmp(off_jmp))
		trap_dispatch(&f);
	ck_assert_int_eq(off_status, 106);
	ASSERT_LINE("efimm: powering off, status 106 (PAYLOAD_FAULT)");
}
END_TEST

/* Takes over #UD (as a suite takes a payload's fault over), lets the
 * rest go on to the fatal path. */
static void contain_ud(struct trap_frame *f, const char *verdict)
{
	contain_calls++;
	contain_verdict = verdict;
	if (f->vector != 6)
		return;
	trap_unwind();
	longjmp(contain_jmp, 1);
}

/* A contained fault prints nothing and powers nothing off; after
 * trap_unwind the next fault is a first fault again (full report), and
 * a fault the hook declines goes down the fatal path. */
START_TEST(test_dispatch_contain_hook)
{
	struct trap_frame ud = frame(6, 0, 0), gp = frame(13, 0, 0);

	trap_set_poweroff(record_off);
	trap_set_contain(contain_ud);
	for (int i = 0; i < 2; i++)
		if (!setjmp(contain_jmp))
			trap_dispatch(&ud);
	ck_assert_int_eq(contain_calls, 2);
	ck_assert_int_eq(off_calls, 0);
	ck_assert_ptr_null(strstr(con_capture(), "FATAL"));
	if (!setjmp(off_jmp))
		trap_dispatch(&gp);
	ck_assert_int_eq(contain_calls, 3);
	ck_assert_int_eq(off_calls, 1);
	ASSERT_LINE("efimm: FATAL: #GP general protection (vector 13)");
	ck_assert_ptr_null(contain_verdict);
}
END_TEST

/* The stop hook (smp_panic_stop on the target) records when it ran:
 * before the report, or not at all for a contained fault. */
static int stop_calls;
static bool stop_before_report;

static void record_stop(void)
{
	stop_calls++;
	stop_before_report = strstr(con_capture(), "FATAL") == NULL;
}

START_TEST(test_dispatch_stops_others_before_the_report)
{
	struct trap_frame ud = frame(6, 0, 0), gp = frame(13, 0, 0);

	stop_calls = 0;
	trap_set_poweroff(record_off);
	trap_set_contain(contain_ud);
	trap_set_stop(record_stop);
	if (!setjmp(contain_jmp))
		trap_dispatch(&ud);
	ck_assert_int_eq(stop_calls, 0);
	if (!setjmp(off_jmp))
		trap_dispatch(&gp);
	ck_assert_int_eq(stop_calls, 1);
	ck_assert(stop_before_report);
	ASSERT_LINE("efimm: FATAL: #GP general protection (vector 13)");
	ck_assert_int_eq(off_calls, 1);
}
END_TEST

static struct mm_fault seen[4];
static int nseen;

/* Records the decoded record; never serves, gives a verdict for #PF. */
static int recording_entry(const struct mm_fault *mf, const char **verdict)
{
	if (nseen < 4)
		seen[nseen] = *mf;
	nseen++;
	*verdict = mf->page_fault ? "paged out (slot 7)" : NULL;
	return -EFAULT;
}

/* Every exception goes to the one entry, decoded; its verdict reaches the
 * report. */
START_TEST(test_dispatch_decodes_for_the_fault_entry)
{
	static const struct { uint64_t error; enum mm_fault_access a;
			      bool user, present; } pf[] = {
		{ 0x0, MM_FAULT_READ, false, false },
		{ 0x7, MM_FAULT_WRITE, true, true },
		{ 0x11, MM_FAULT_EXEC, false, true },
	};
	struct trap_frame f;

	trap_set_poweroff(record_off);
	arch_fault_set_entry(recording_entry);
	nseen = 0;
	for (size_t i = 0; i < ARRAY_SIZE(pf); i++) {
		trap_host_reset();
		trap_set_poweroff(record_off);
		arch_fault_set_entry(recording_entry);
		con_capture_reset();
		f = frame(14, pf[i].error, 0x7ff8);
		f.rflags = i == 1 ? 0x2 : 0x202;
		if (!setjmp(off_jmp))
			trap_dispatch(&f);
		ck_assert_int_eq(nseen, (int)i + 1);
		ck_assert(seen[i].page_fault);
		ck_assert_uint_eq(seen[i].vector, 14);
		ck_assert_uint_eq(seen[i].error, pf[i].error);
		ck_assert_uint_eq(seen[i].addr, 0x7ff8);
		ck_assert_int_eq(seen[i].access, pf[i].a);
		ck_assert_int_eq(seen[i].user, pf[i].user);
		ck_assert_int_eq(seen[i].present, pf[i].present);
		ck_assert_int_eq(seen[i].irq_on, i != 1);
		ASSERT_LINE("efimm: CR2 0x0000000000007ff8: paged out (slot 7)");
	}
	trap_host_reset();
	trap_set_poweroff(record_off);
	arch_fault_set_entry(recording_entry);
	f = frame(13, 0x10, 0x7ff8);
	if (!setjmp(off_jmp))
		trap_dispatch(&f);
	ck_assert_int_eq(nseen, 4);
	ck_assert(!seen[3].page_fault);
	ck_assert_uint_eq(seen[3].vector, 13);
	ck_assert_uint_eq(seen[3].error, 0x10);
}
END_TEST

/* A walker that faults, as trap_dispatch sees it: a nested dispatch. */
static void faulting_walker(uint64_t cr3, uint64_t va)
{
	struct trap_frame g = frame(13, 0, 0x42);

	(void)cr3;
	(void)va;
	g.rip = 0x5555;
	trap_dispatch(&g);
}

START_TEST(test_dispatch_fault_while_reporting)
{
	struct trap_frame f = frame(14, 0, 0);

	trap_set_poweroff(record_off);
	trap_set_walker(faulting_walker);
	if (!setjmp(off_jmp))
		trap_dispatch(&f);
	ck_assert_int_eq(off_calls, 1);
	ck_assert_int_eq(off_status, TRAP_EXIT_INTERNAL);
	ASSERT_LINE("efimm: FATAL: #PF page fault (vector 14)");
	ASSERT_LINE("efimm: FATAL: fault while reporting a fault: #GP general "
		    "protection (vector 13) at RIP 0x0000000000005555, CR2 "
		    "0x0000000000000042");
	ASSERT_LINE("efimm: powering off, status 255 (EFIMM_FATAL_EXCEPTION)");
	/* The nested fault never printed a second register dump. */
	ck_assert_ptr_null(strstr(strstr(con_capture(), "reporting a fault"),
				  "efimm: RAX"));
}
END_TEST

/* A power-off that faults: the third level must halt, not recurse. */
static void faulting_poweroff(int status)
{
	struct trap_frame g = frame(13, 0, 0);

	(void)status;
	trap_dispatch(&g);
}

START_TEST(test_dispatch_third_fault_halts)
{
	struct trap_frame f = frame(6, 0, 0);

	trap_set_poweroff(faulting_poweroff);
	trap_dispatch(&f);
}
END_TEST

START_TEST(test_dispatch_no_poweroff_halts)
{
	struct trap_frame f = frame(6, 0, 0);

	trap_dispatch(&f);
}
END_TEST

START_TEST(test_gdt_layout)
{
	struct desc_ptr d = gdt_init();
	const uint64_t *g = gdt_table();
	const struct tss64 *tss = gdt_tss();
	uint64_t base;

	ck_assert_uint_eq(d.limit, GDT_ENTRIES * 8 - 1);
	ck_assert_uint_eq(d.base, (uint64_t)(uintptr_t)g);
	ck_assert_uint_eq(g[0], 0);
	ck_assert_uint_eq(g[GDT_KCODE / 8], 0x00AF9B000000FFFFULL);
	ck_assert_uint_eq(g[GDT_UCODE / 8], 0x00AFFB000000FFFFULL);
	ck_assert_uint_eq(g[GDT_KDATA / 8] & 0x0000FF0000000000ULL,
			  0x0000930000000000ULL);
	ck_assert_uint_eq(g[GDT_UDATA / 8] & 0x0000FF0000000000ULL,
			  0x0000F30000000000ULL);
	/* TSS descriptor: present, type 9, base in four pieces, limit 103. */
	ck_assert_uint_eq((g[GDT_TSS / 8] >> 40) & 0xFF, 0x89);
	ck_assert_uint_eq(g[GDT_TSS / 8] & 0xFFFF, sizeof(struct tss64) - 1);
	base = ((g[GDT_TSS / 8] >> 16) & 0xFFFFFF) |
	       (((g[GDT_TSS / 8] >> 56) & 0xFF) << 24) | (g[GDT_TSS / 8 + 1] << 32);
	ck_assert_uint_eq(base, (uint64_t)(uintptr_t)tss);
	ck_assert_uint_eq(sizeof(struct tss64), 104);
	ck_assert_uint_eq(tss->iomap_base, 104);
}
END_TEST

START_TEST(test_ist_stacks_and_guards)
{
	struct trap_frame f = frame(14, 0x2, 0);

	gdt_init();
	for (int i = 1; i <= IST_COUNT; i++) {
		const struct ist_stack *s = gdt_ist_stack(i);

		ck_assert_uint_eq(gdt_tss()->ist[i - 1], s->top);
		ck_assert_uint_eq(s->top - s->bottom, IST_STACK_SIZE);
		ck_assert_uint_ge(IST_STACK_SIZE, KiB(16));
		ck_assert_uint_eq(s->top % 16, 0);
		ck_assert_uint_eq(s->guard % PAGE_SIZE, 0);
		ck_assert_uint_eq(s->guard + PAGE_SIZE, s->bottom);
	}
	/* An overflow of the #DF stack is named as such in the report. */
	f.cr2 = gdt_ist_stack(IST_DF)->guard + 0xff8;
	trap_report(&f, NULL);
	ASSERT_LINE("efimm: CR2 is in the stack guard page below the #DF IST stack");
}
END_TEST

static struct trap_frame *irq_seen;
static int irq_calls;

/* An interrupt handler: records the frame and changes RAX, which the
 * resumed frame must carry back. */
static void recording_irq(struct trap_frame *f)
{
	irq_seen = f;
	irq_calls++;
	f->rax = 0x1234;
}

/* Dispatches f expecting it resumed (returns true) or powered off. */
static bool dispatch_resumes(struct trap_frame *f)
{
	static jmp_buf jb;

	trap_set_poweroff(record_off);
	trap_host_resume_point(&jb);
	if (setjmp(jb))
		return trap_host_resumed() == f;
	if (!setjmp(off_jmp))
		trap_dispatch(f);
	return false;
}

START_TEST(test_irq_registered_resumes)
{
	struct trap_frame f = frame(TRAP_TIMER, 0, 0);

	irq_calls = 0;
	ck_assert_int_eq(trap_set_irq(TRAP_TIMER, recording_irq), 0);
	ck_assert(dispatch_resumes(&f));
	ck_assert_int_eq(irq_calls, 1);
	ck_assert_ptr_eq(irq_seen, &f);
	ck_assert_uint_eq(f.rax, 0x1234);
	ck_assert_int_eq(off_calls, 0);
	ck_assert_str_eq(con_capture(), "");
	/* a second tick: the registry is not one-shot */
	ck_assert(dispatch_resumes(&f));
	ck_assert_int_eq(irq_calls, 2);
}
END_TEST

START_TEST(test_irq_spurious_resumes_without_handler)
{
	struct trap_frame f = frame(TRAP_SPURIOUS, 0, 0);

	irq_calls = 0;
	ck_assert(dispatch_resumes(&f));
	ck_assert_int_eq(irq_calls, 0);
	ck_assert_int_eq(off_calls, 0);
	ck_assert_str_eq(con_capture(), "");
}
END_TEST

/* Unregistered: fatal as ever, and so is a vector whose handler was
 * removed; exceptions and the spurious vector cannot be registered. */
START_TEST(test_irq_unregistered_is_fatal)
{
	struct trap_frame f = frame(0x40, 0, 0);

	ck_assert(!dispatch_resumes(&f));
	ck_assert_int_eq(off_calls, 1);
	ASSERT_LINE("efimm: FATAL: unexpected interrupt (vector 64)");
	ASSERT_LINE("efimm: powering off, status 255 (EFIMM_FATAL_EXCEPTION)");

	trap_host_reset();
	con_capture_reset();
	off_calls = 0;
	ck_assert_int_eq(trap_set_irq(TRAP_TIMER, recording_irq), 0);
	ck_assert_int_eq(trap_set_irq(TRAP_TIMER, NULL), 0);
	f = frame(TRAP_TIMER, 0, 0);
	ck_assert(!dispatch_resumes(&f));
	ck_assert_int_eq(off_calls, 1);
	ASSERT_LINE("efimm: FATAL: unexpected interrupt (vector 240)");

	ck_assert_int_eq(trap_set_irq(14, recording_irq), -EINVAL);
	ck_assert_int_eq(trap_set_irq(31, recording_irq), -EINVAL);
	ck_assert_int_eq(trap_set_irq(TRAP_SPURIOUS, recording_irq), -EINVAL);
	ck_assert_int_eq(trap_set_irq(TRAP_VECTORS, recording_irq), -EINVAL);
}
END_TEST

/* A handler on one vector does not make an exception resumable. */
START_TEST(test_irq_registry_leaves_exceptions_fatal)
{
	struct trap_frame f = frame(6, 0, 0);

	ck_assert_int_eq(trap_set_irq(TRAP_TIMER, recording_irq), 0);
	ck_assert(!dispatch_resumes(&f));
	ASSERT_LINE("efimm: FATAL: #UD invalid opcode (vector 6)");
}
END_TEST

static int bt_calls;

static void recording_backtrace(const struct trap_frame *f)
{
	bt_calls++;
	kprintf("efimm: backtrace of RIP 0x%lx\n", (unsigned long)f->rip);
}

/* The report ends with the backtrace hook's lines. */
START_TEST(test_report_calls_backtrace_hook)
{
	struct trap_frame f = frame(6, 0, 0);
	const char *out, *bt, *regs;

	bt_calls = 0;
	trap_report(&f, NULL);
	ck_assert_int_eq(bt_calls, 0);
	trap_set_backtrace(recording_backtrace);
	con_capture_reset();
	trap_report(&f, NULL);
	ck_assert_int_eq(bt_calls, 1);
	ASSERT_LINE("efimm: backtrace of RIP 0xffffffff80001234");
	out = con_capture();
	bt = strstr(out, "efimm: backtrace");
	regs = strstr(out, "efimm: RFLAGS");
	ck_assert(bt && regs && bt > regs);
}
END_TEST

START_TEST(test_idt_gates)
{
	uint64_t stubs = 0xffffffff81234560ULL;
	struct desc_ptr d = idt_init(stubs, 16);

	ck_assert_uint_eq(d.limit, 256 * 16 - 1);
	for (unsigned int v = 0; v < TRAP_VECTORS; v++) {
		uint64_t lo, hi, off = stubs + v * 16, ist;

		idt_gate(v, &lo, &hi);
		ck_assert_uint_eq((lo & 0xFFFF) | ((lo >> 32) & 0xFFFF0000) |
				  (hi << 32), off);
		ck_assert_uint_eq((lo >> 16) & 0xFFFF, GDT_KCODE);
		/* DPL 3 (0xEE) only where ring 3 may use int: the system
		 * call, int3, into; DPL 0 (0x8E) everywhere else */
		ck_assert_uint_eq((lo >> 40) & 0xFF,
				  v == TRAP_SYSCALL || v == TRAP_BP || v == TRAP_OF ?
				  0xEE : 0x8E);
		ist = (lo >> 32) & 7;
		ck_assert_uint_eq(ist, v == 8 ? IST_DF : v == 2 ? IST_NMI :
				  v == 18 ? IST_MC : v == 14 ? IST_PF :
				  v == TRAP_SYSCALL ? 0 :
				  v >= TRAP_FIRST_IRQ ? IST_IRQ : 0);
		ck_assert_uint_eq(hi >> 32, 0);
	}
}
END_TEST

static Suite *trap_suite(void)
{
	Suite *s = suite_create("trap");
	TCase *tc = tcase_create("report");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_report_pf_every_line);
	tcase_add_test(tc, test_dispatch_contain_hook);
	tcase_add_test(tc, test_dispatch_stops_others_before_the_report);
	tcase_add_test(tc, test_report_pf_error_bits);
	tcase_add_test(tc, test_report_gp_selector_and_rip_walk);
	tcase_add_test(tc, test_report_names);
	tcase_add_test(tc, test_report_guard_and_classifier);
	tcase_add_test(tc, test_dispatch_decodes_for_the_fault_entry);
	tcase_add_test(tc, test_guard_registry_full);
	tcase_add_test(tc, test_dispatch_powers_off);
	tcase_add_test(tc, test_dispatch_exit_hook);
	tcase_add_test(tc, test_dispatch_fault_while_reporting);
	tcase_add_test_raise_signal(tc, test_dispatch_third_fault_halts, SIGABRT);
	tcase_add_test_raise_signal(tc, test_dispatch_no_poweroff_halts, SIGABRT);
	tcase_add_test(tc, test_gdt_layout);
	tcase_add_test(tc, test_ist_stacks_and_guards);
	tcase_add_test(tc, test_idt_gates);
	tcase_add_test(tc, test_irq_registered_resumes);
	tcase_add_test(tc, test_irq_spurious_resumes_without_handler);
	tcase_add_test(tc, test_irq_unregistered_is_fatal);
	tcase_add_test(tc, test_irq_registry_leaves_exceptions_fatal);
	tcase_add_test(tc, test_report_calls_backtrace_hook);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_SUITE(trap_suite)
