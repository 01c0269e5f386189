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
#include "run.h"
#include "payload_api.h"
#include "run_paging.h"
#include "timeout.h"

#include "../arch/x86_64/desc.h"
#include "../arch/x86_64/enter.h"
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
#include "../mm/payload.h"
#include "../mm/vm.h"

#define PAYLOAD_STACK     (256ULL << 10)
#define PAYLOAD_STACK_TOP ELF_WINDOW_HI

size_t run_args_bytes(int argc, char *const *argv)
{
	size_t n = 0;

	for (int i = 0; i < argc; i++)
		n += strlen(argv[i]) + 1;
	return n;
}

static uint32_t seg_flags(uint32_t elf_flags)
{
	return ((elf_flags & ELF_SEG_W) ? K_MEM_PERM_RW : 0) |
	       ((elf_flags & ELF_SEG_X) ? K_MEM_PERM_EXEC : 0);
}

/* Maps every PT_LOAD segment; panics on failure (no caller left). */
static void map_segments(const struct run_req *rq)
{
	for (uint32_t i = 0; i < rq->img.nseg; i++) {
		const struct elf_segment *e = &rq->img.seg[i];
		struct payload_seg s = {
			.va = e->vaddr, .memsz = e->memsz, .filesz = e->filesz,
			.data = (const uint8_t *)rq->file + e->offset,
			.flags = seg_flags(e->flags),
		};

		if (payload_map_segment(&s))
			panic("machine: out of memory mapping segment %u of %s", i, rq->path);
		run_paging_adopt(ALIGN_DOWN(s.va, PAGE_SIZE),
				 ALIGN_UP(s.va + s.memsz, PAGE_SIZE));
	}
}

/*
 * Copies argv and the boot block onto the payload stack (now mapped and
 * reachable through efimm's page tables).  Returns the payload's RSP.
 */
static uint64_t push_args(const struct run_req *rq, struct efimm_boot **bootp)
{
	uint64_t sp = PAYLOAD_STACK_TOP;
	char **argv;
	struct efimm_boot *boot;

	sp -= ALIGN_UP(run_args_bytes(rq->argc, rq->argv), 16);
	argv = (char **)(sp - ALIGN_UP((rq->argc + 1) * sizeof(char *), 16));
	for (int i = 0; i < rq->argc; i++) {
		size_t n = strlen(rq->argv[i]) + 1;

		memcpy((char *)sp, rq->argv[i], n);
		argv[i] = (char *)sp;
		sp += n;
	}
	argv[rq->argc] = NULL;
	boot = (struct efimm_boot *)((uint64_t)argv - ALIGN_UP(sizeof(*boot), 16));
	*boot = (struct efimm_boot){ .magic = EFIMM_BOOT_MAGIC,
				     .version = EFIMM_ABI_VERSION, .argc = rq->argc,
				     .argv = argv, .api = payload_api() };
	*bootp = boot;
	return (uint64_t)boot;
}

/* Exit status of a fault: 128 + vector for a payload's, 255 for efimm's. */
static int fault_exit(const struct trap_frame *f, const char **name)
{
	if (f->rip >= VM_PAYLOAD_BASE && f->rip < VM_PAYLOAD_END) {
		*name = "payload fault";
		return 128 + (int)f->vector;
	}
	*name = "efimm fault";
	return TRAP_EXIT_INTERNAL;
}

/* `run`'s timeout: one payload per boot, so the run ends here, with
 * status 124 (timeout(1)'s status for a command that ran too long). */
static void run_timed_out(struct trap_frame *f, uint32_t seconds)
{
	UNUSED(f);
	kprintf("efimm: payload timed out after %u s\n", seconds);
	sys_poweroff(RUN_EXIT_TIMEOUT, "payload timeout");
}

/*
 * Unmaps the guard pages below efimm's stacks (its run stack and the IST
 * stacks of arch/x86_64/gdt.c), which the identity map covered as plain
 * RAM, so an overflow faults instead of corrupting what lies below.
 */
static void unmap_stack_guards(const struct run_req *rq)
{
	if (kas_guard_page(PADDR(rq->stack_guard)))
		panic("machine: cannot unmap efimm's stack guard");
	trap_register_guard(rq->stack_guard, "efimm's stack");
	for (int ist = 1; ist <= IST_COUNT; ist++)
		if (kas_guard_page(PADDR(gdt_ist_stack(ist)->guard)))
			panic("machine: cannot unmap the guard of %s", gdt_ist_stack(ist)->name);
}

/* Builds efimm's memory core from the final map and loads its tables. */
static void take_memory(struct run_req *rq)
{
	struct mmboot_outcome out;
	int err = mmboot_bring_up(&rq->map, NULL, &rq->layout, &out);

	if (err)
		panic("machine: final %s: %s", out.failed, errno_name(err));
	rq->tsc[PH_PFDB] = out.tsc_pfdb;
	unmap_stack_guards(rq);
	arch_pt_activate();
	timeout_init();
	rq->tsc[PH_PT] = timing_tsc();
	run_paging_start();
	rq->tsc[PH_PAGING] = timing_tsc();
	payload_api_set_view(&rq->layout, out.ranges, out.nranges);
	kprintf("efimm: page tables loaded (root 0x%lx), %lu KiB free\n",
		(unsigned long)paddr_raw(arch_pt_root()),
		(unsigned long)(k_mem_free_get() >> 10));
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

void run_after_ebs(void *arg)
{
	struct run_req *rq = arg;
	struct efimm_boot *boot;
	vaddr_t guard;
	uint64_t sp;

	take_memory(rq);
	trap_set_exit(fault_exit);
	map_segments(rq);
	if (payload_map_stack(PAYLOAD_STACK_TOP, PAYLOAD_STACK, &guard))
		panic("machine: cannot map the payload stack");
	run_paging_adopt(PAYLOAD_STACK_TOP - PAYLOAD_STACK, PAYLOAD_STACK_TOP);
	trap_register_guard(guard, "the payload stack");
	sp = push_args(rq, &boot);
	rq->tsc[PH_MAP] = timing_tsc();
	if (rq->timing)
		print_timing(rq);
	kprintf("efimm: entering %s at 0x%lx\n", rq->path, (unsigned long)rq->img.entry);
	timeout_arm(rq->timeout_s, run_timed_out);
	arch_enter_payload(rq->img.entry, boot, sp);
}

