/*
 * machine/run.c - `run` after ExitBootServices: take the memory over,
 * map the payload and its stack, copy its arguments and enter it
 * (contracts in run.h; loading and leaving boot services are
 * efi/cmd/cmd_run.c's).
 *
 * There is no caller any more: every failure here panics, and the run
 * ends in payload_exit() or the fatal report, both of which power the
 * machine off with a status.
 */
#include "smp_run.h"
#include "run.h"
#include "payload_api.h"
#include "prun.h"
#include "run_paging.h"
#include "smp.h"
#include "symbols.h"
#include "testapi.h"
#include "timeout.h"

#include "../arch/x86_64/desc.h"
#include "../arch/x86_64/machine.h"
#include "../arch/x86_64/trap.h"
#include "../lib/assert.h"
#include "../lib/errno.h"
#include "../lib/kstring.h"
#include "../lib/poweroff.h"
#include "../lib/printf.h"
#include "../lib/timing.h"
#include "../mm/kas.h"
#include "../mm/kmem.h"
#include "../mm/paging.h"
#include "../mm/vm.h"

size_t run_args_bytes(int argc, char *const *argv)
{
	size_t n = 0;

	for (int i = 0; i < argc; i++)
		n += strlen(argv[i]) + 1;
	return n;
}

/* Exit status of a fault: 128 + vector for a payload's, 255 for efimm's. */
static int fault_exit(const struct trap_frame *f, const char **name)
{
	if (prun_frame_is_payloads(f)) {
		*name = "payload fault";
		return 128 + (int)f->vector;
	}
	*name = "efimm fault";
	return TRAP_EXIT_INTERNAL;
}

/*
 * Unmaps the guard pages below efimm's stacks (its run stack and the IST
 * stacks of arch/x86_64/gdt.c), which the identity map covered as plain
 * RAM, so an overflow faults instead of corrupting what lies below.
 */
/* The stacks a backtrace may read efimm's frames on: this run's, mm's
 * (arch_kstack_*) and the IST stacks. */
static void register_stacks(uint64_t stack_guard)
{
	uint64_t lo = stack_guard + PAGE_SIZE;

	symbols_add_stack(lo, lo + RUN_STACK_PAGES * PAGE_SIZE);
	symbols_add_stack((uint64_t)(uintptr_t)arch_kstack_base,
			  (uint64_t)(uintptr_t)arch_kstack_top);
	for (int ist = 1; ist <= IST_COUNT; ist++)
		symbols_add_stack(gdt_ist_stack(ist)->bottom, gdt_ist_stack(ist)->top);
}

static void unmap_stack_guards(uint64_t stack_guard)
{
	if (kas_guard_page(PADDR(stack_guard)))
		panic("machine: cannot unmap efimm's stack guard");
	trap_register_guard(stack_guard, "efimm's stack");
	for (int ist = 1; ist <= IST_COUNT; ist++)
		if (kas_guard_page(PADDR(gdt_ist_stack(ist)->guard)))
			panic("machine: cannot unmap the guard of %s", gdt_ist_stack(ist)->name);
}

void run_take_memory(const struct mmboot_map *map, struct mmboot_layout *layout,
		     uint64_t stack_guard, uint64_t *tsc_pfdb, uint64_t *tsc_pt)
{
	struct mmboot_outcome out;
	int err = mmboot_bring_up(map, NULL, layout, &out);

	if (err)
		panic("machine: final %s: %s", out.failed, errno_name(err));
	*tsc_pfdb = out.tsc_pfdb;
	unmap_stack_guards(stack_guard);
	smp_unmap_guards();
	register_stacks(stack_guard);
	if (arch_pt_switch_levels())
		kprintf("efimm: five-level paging (LA57) on: switched from the firmware's four levels\n");
	arch_pt_activate();
	timeout_init();
	smp_start();
	*tsc_pt = timing_tsc();
	payload_api_set_view(layout, out.ranges, out.nranges);
	payload_api_init();
	prun_set_efimm_text(layout->img.text_start, layout->img.text_end);
	trap_set_exit(fault_exit);
	kprintf("efimm: page tables loaded (root 0x%lx), %lu KiB free\n",
		(unsigned long)paddr_raw(arch_pt_root()),
		(unsigned long)(k_mem_free_get() >> 10));
	kprintf("efimm: address spaces: one per payload; PCID %s, INVPCID %s\n",
		(arch_as_features() & ARCH_AS_PCID) ? "on" : "off (CPU lacks it)",
		(arch_as_features() & ARCH_AS_INVPCID) ? "on" : "off");
}

/* The `timing=1` line: cycles of each phase since efimm's entry. */
static void print_timing(const struct run_req *rq)
{
	static const char *const names[PH_N] = { "load", "exit-boot-services",
						 "frame-database", "page-tables",
						 "paging-setup", "payload-map" };
	uint64_t prev = rq->tsc_entry;

	kprintf("efimm: timing (TSC cycles):");
	for (int i = 0; i < PH_N; i++) {
		kprintf(" %s %lu", names[i], (unsigned long)(rq->tsc[i] - prev));
		prev = rq->tsc[i];
	}
	kprintf(" total %lu copy-4k %lu\n", (unsigned long)(prev - rq->tsc_entry),
		(unsigned long)timing_copy_4k());
}

/* prun's last step before entering: the `timing=1` line. */
static void run_mapped(void *arg)
{
	struct run_req *rq = arg;

	rq->tsc[PH_MAP] = timing_tsc();
	if (rq->opts.timing)
		print_timing(rq);
}

/*
 * The status efimm powers off with: the payload's when it is 0..255,
 * else its low byte (as a Unix exit status), except that a non-zero
 * status whose low byte is 0 (256, 512, INT_MIN) gives
 * PAYLOAD_EXIT_LOW_BYTE_ZERO: a failure never turns into success.
 */
static int run_exit_code(int status)
{
	int code = status & 0xFF;

	return status != 0 && code == 0 ? PAYLOAD_EXIT_LOW_BYTE_ZERO : code;
}

/* The end of `run` after the payload exited (payload_api.h's contract
 * of the two lines), failed test points turning a 0 into 1. */
__attribute__((noreturn)) static void run_exited(const struct run_req *rq, int status)
{
	struct testapi_counts c;
	char why[96];
	int code = run_exit_code(status);

	testapi_end(&c);
	if (code == status)
		kprintf("efimm: payload exited with status %d\n", code);
	else
		kprintf("efimm: payload exited with status %d (payload status %d)\n",
			code, status);
	if (code == 0 && testapi_failure(&c, why, sizeof(why))) {
		kprintf("efimm: payload failed: %s\n", why);
		code = 1;
	}
	if (rq->opts.paging_report) {
		paging_stats_print();
		smp_tlb_report();
	}
	sys_poweroff(code, code ? "payload failure" : "EFI_SUCCESS");
}

void run_after_ebs(void *arg)
{
	struct run_req *rq = arg;
	struct prun_image p = { .path = rq->path, .argc = rq->argc, .argv = rq->argv,
				.file = rq->file, .img = &rq->img,
				.on_mapped = run_mapped, .arg = rq,
				.ring = rq->opts.ring, .inject = rq->opts.inject,
				.shootdown_off = rq->opts.shootdown_off,
				.syms = &rq->syms };
	struct prun_result r;
	char why[128];

	run_take_memory(&rq->map, &rq->layout, rq->stack_guard,
			&rq->tsc[PH_PFDB], &rq->tsc[PH_PT]);
	if (run_paging_setup(&rq->opts, paging_policy_name(), why, sizeof(why)))
		panic("machine: %s", why);
	rq->tsc[PH_PAGING] = timing_tsc();
	testapi_begin("", false);
	if (prun_run(&p, rq->opts.timeout_s, &r) == 0 && r.end == PRUN_EXITED)
		run_exited(rq, r.status);
	if (r.end == PRUN_FAULTED) {
		/* Only an AP's fault comes back here (the boot CPU's take the
		 * fatal path); the report is printed, with its CPU. */
		kprintf("efimm: payload faulted on CPU %u\n", r.cpu);
		sys_poweroff(128 + (int)r.vector, "payload fault");
	}
	if (r.end == PRUN_TIMED_OUT) {
		/* One payload per boot: the run ends here, with timeout(1)'s
		 * status for a command that ran too long. */
		kprintf("efimm: payload timed out after %u s\n", rq->opts.timeout_s);
		sys_poweroff(RUN_EXIT_TIMEOUT, "payload timeout");
	}
	panic("machine: %s did not run to its end", rq->path);
}
