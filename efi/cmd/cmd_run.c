/*
 * efi/cmd/cmd_run.c - `run PATH [ARGS...]`: load an ELF payload from the ESP,
 * leave boot services, take the machine over with efimm's own page
 * tables and exception handlers, and jump to the payload.
 *
 * Everything that can fail for a reason the user can fix (a missing or
 * malformed file) is checked while boot services still run, so the
 * caller gets an EFI status back.  After ExitBootServices there is no
 * caller any more: the run ends in payload_exit() or the fatal report,
 * both of which power the machine off with a status.
 */
#include "commands.h"
#include "../../pure/elf.h"
#include "../fw/exitbs.h"
#include "../../machine/mmboot.h"
#include "../../machine/payload_api.h"
#include "../../machine/run_paging.h"
#include "../timing.h"

#include "../../arch/x86_64/desc.h"
#include "../../arch/x86_64/enter.h"
#include "../../arch/x86_64/machine.h"
#include "../../arch/x86_64/trap.h"
#include "../../lib/assert.h"
#include "../../lib/errno.h"
#include "../../lib/kstring.h"
#include "../../lib/printf.h"
#include "../../mm/arch_hooks.h"
#include "../../mm/kmem.h"
#include "../../mm/mm.h"
#include "../../mm/payload.h"
#include "../../mm/vm.h"

#define RUN_MAX_FILE      (64ULL << 20)
#define RUN_STACK_PAGES   16            /* efimm's own stack after EBS */
#define RUN_STACK_GUARD   1             /* unmapped page below it */
#define PAYLOAD_STACK     (256ULL << 10)
#define PAYLOAD_STACK_TOP ELF_WINDOW_HI
#define ARGS_MAX          4096          /* bytes of argv strings */

/* TSC stamps of the phases `timing=1` reports. */
enum run_phase { PH_LOAD, PH_EBS, PH_PFDB, PH_PT, PH_PAGING, PH_MAP, PH_N };

struct run_req {
	const char *path;
	bool timing;
	uint64_t tsc[PH_N];
	uint64_t stack_guard;           /* page below efimm's own stack */
	int argc;
	char *const *argv;              /* argv[0] = path */
	void *file;
	UINTN file_size;
	struct elf_image img;
	struct mmboot_layout layout;
	struct exitbs_map map;
};

static struct run_req req;

/*
 * efimm's own options on the run line: trailing key=value words whose
 * key is in this table (others, like hello's exit=N, go to the payload).
 * parse returns NULL or a reason the value is bad.
 */
struct run_option {
	const char *key;
	const char *(*parse)(struct run_req *rq, const char *value);
};

static const char *opt_timing(struct run_req *rq, const char *value)
{
	if (strcmp(value, "0") && strcmp(value, "1"))
		return "timing takes 0 or 1";
	rq->timing = value[0] == '1';
	return NULL;
}

static const char *opt_stale_keys(struct run_req *rq, const char *value)
{
	uint64_t n;

	UNUSED(rq);
	if (str_parse_u64(value, &n) || n >= EXITBS_MAX_ATTEMPTS)
		return "stale-keys takes 0..7";
	efi_exitbs_inject_stale_keys((unsigned int)n);
	return NULL;
}

static const struct run_option run_options[] = {
	{ "timing", opt_timing },
	{ "stale-keys", opt_stale_keys },
	{ "mem", run_paging_opt_mem },
	{ "swap", run_paging_opt_swap },
	{ "evict", run_paging_opt_evict },
	{ "paging", run_paging_opt_paging },
};
static struct mem_range final_ranges[MMBOOT_MAX_RANGES];

/* Reads and checks the payload; prints one line on failure. */
static EFI_STATUS load_file(struct run_req *rq)
{
	struct elf_limits lim;
	char why[160];
	EFI_STATUS s = efi_file_read(rq->path, RUN_MAX_FILE, &rq->file, &rq->file_size);

	if (EFI_ERROR(s)) {
		kprintf("efimm: %s: cannot read: %s\n", rq->path,
			s == EFI_NOT_FOUND ? "no such file" : efi_status_name(s));
		return s;
	}
	elf_limits_default(&lim);
	if (elf_check(rq->file, rq->file_size, &lim, &rq->img, why, sizeof(why))) {
		kprintf("efimm: %s: %s\n", rq->path, why);
		FreePool(rq->file);
		return EFI_LOAD_ERROR;
	}
	return EFI_SUCCESS;
}

static size_t args_bytes(int argc, char *const *argv)
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
			panic("efi: out of memory mapping segment %u of %s", i, rq->path);
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

	sp -= ALIGN_UP(args_bytes(rq->argc, rq->argv), 16);
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

/*
 * Unmaps the guard pages below efimm's stacks (its run stack and the IST
 * stacks of arch/x86_64/gdt.c), which the identity map covered as plain
 * RAM, so an overflow faults instead of corrupting what lies below.
 */
static void unmap_stack_guards(const struct run_req *rq)
{
	if (arch_mem_unmap(rq->stack_guard, PAGE_SIZE))
		panic("efi: cannot unmap efimm's stack guard");
	trap_register_guard(rq->stack_guard, "efimm's stack");
	for (int ist = 1; ist <= IST_COUNT; ist++)
		if (arch_mem_unmap(gdt_ist_stack(ist)->guard, PAGE_SIZE))
			panic("efi: cannot unmap the guard of %s", gdt_ist_stack(ist)->name);
}

/* Builds efimm's memory core from the final map and loads its tables. */
static void take_memory(struct run_req *rq)
{
	struct mmboot_layout *l = &rq->layout;
	int n = memmap_sanitize(rq->map.buf, rq->map.size, rq->map.desc_size, NULL,
				final_ranges, MMBOOT_MAX_RANGES, NULL);
	int err;

	if (n < 0)
		panic("efi: final memory map unusable: %s", errno_name(n));
	mmboot_uc_extras(&rq->layout, rq->map.buf, rq->map.size, rq->map.desc_size);
	err = mm_init(final_ranges, (size_t)n);
	if (err)
		panic("efi: frame database: %s", errno_name(err));
	rq->tsc[PH_PFDB] = timing_tsc();
	err = kas_build(final_ranges, (size_t)n, &l->img, l->extra, l->nextra);
	if (err)
		panic("efi: kernel address space: %s", errno_name(err));
	unmap_stack_guards(rq);
	arch_pt_activate();
	rq->tsc[PH_PT] = timing_tsc();
	run_paging_start();
	rq->tsc[PH_PAGING] = timing_tsc();
	payload_api_set_view(l, final_ranges, (size_t)n);
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
	uint64_t prev = timing_entry;

	kprintf("efimm: timing (TSC cycles):");
	for (int i = 0; i < PH_N; i++) {
		kprintf(" %s %lu", names[i], (unsigned long)(rq->tsc[i] - prev));
		prev = rq->tsc[i];
	}
	kprintf(" total %lu copy-4k %lu\n", (unsigned long)(prev - timing_entry),
		(unsigned long)timing_copy_4k());
}

/* Runs on efimm's own stack after ExitBootServices; never returns. */
static void run_after_ebs(void *arg)
{
	struct run_req *rq = arg;
	struct efimm_boot *boot;
	vaddr_t guard;
	uint64_t sp;

	take_memory(rq);
	trap_set_exit(fault_exit);
	map_segments(rq);
	if (payload_map_stack(PAYLOAD_STACK_TOP, PAYLOAD_STACK, &guard))
		panic("efi: cannot map the payload stack");
	run_paging_adopt(PAYLOAD_STACK_TOP - PAYLOAD_STACK, PAYLOAD_STACK_TOP);
	trap_register_guard(guard, "the payload stack");
	sp = push_args(rq, &boot);
	rq->tsc[PH_MAP] = timing_tsc();
	if (rq->timing)
		print_timing(rq);
	kprintf("efimm: entering %s at 0x%lx\n", rq->path, (unsigned long)rq->img.entry);
	arch_enter_payload(rq->img.entry, boot, sp);
}

static EFI_STATUS alloc_stack(struct run_req *rq, void **top)
{
	EFI_PHYSICAL_ADDRESS a;
	UINTN pages = RUN_STACK_GUARD + RUN_STACK_PAGES;
	EFI_STATUS s = uefi_call_wrapper(BS->AllocatePages, 4, AllocateAnyPages,
					 EfiLoaderData, pages, &a);

	rq->stack_guard = a;
	*top = (void *)(uintptr_t)(a + pages * PAGE_SIZE);
	return s;
}

static const struct run_option *find_option(const char *word, size_t *keylen)
{
	const char *eq = word;

	while (*eq && *eq != '=')
		eq++;
	if (!*eq)
		return NULL;
	*keylen = (size_t)(eq - word);
	for (size_t i = 0; i < ARRAY_SIZE(run_options); i++)
		if (strlen(run_options[i].key) == *keylen &&
		    strncmp(run_options[i].key, word, *keylen) == 0)
			return &run_options[i];
	return NULL;
}

/* Takes efimm's trailing options off argv; returns the payload's argc
 * or -1 after printing the error. */
static int parse_options(struct run_req *rq, int argc, char **argv)
{
	const struct run_option *o;
	size_t keylen;

	while (argc > 2 && (o = find_option(argv[argc - 1], &keylen))) {
		const char *why = o->parse(rq, argv[argc - 1] + keylen + 1);

		if (why) {
			cmd_bad_arg("run", argv[argc - 1], why);
			return -1;
		}
		argc--;
	}
	return argc;
}

EFI_STATUS cmd_run(int argc, char **argv)
{
	struct run_req *rq = &req;
	void *stack_top;
	EFI_STATUS s;

	if (argc < 2)
		return cmd_bad_arg("run", "", "PATH of an ELF payload is required");
	if (args_bytes(argc - 1, argv + 1) > ARGS_MAX)
		return cmd_bad_arg("run", argv[1], "arguments longer than 4096 bytes");
	*rq = (struct run_req){ .path = argv[1] };
	run_paging_reset();
	efi_exitbs_inject_stale_keys(0);
	argc = parse_options(rq, argc, argv);
	if (argc < 0)
		return EFI_INVALID_PARAMETER;
	rq->argc = argc - 1;
	rq->argv = argv + 1;
	s = load_file(rq);
	if (EFI_ERROR(s))
		return s;
	rq->tsc[PH_LOAD] = timing_tsc();
	s = alloc_stack(rq, &stack_top);
	if (EFI_ERROR(s)) {
		kprintf("efimm: run: no memory for efimm's stack: %s\n", efi_status_name(s));
		FreePool(rq->file);
		return s;
	}
	mmboot_preview_release();
	mmboot_layout_get(&rq->layout);
	s = efi_take_over(&rq->map);
	rq->tsc[PH_EBS] = timing_tsc();
	if (EFI_ERROR(s))
		efi_poweroff(efi_status_exit_code(s), efi_status_name(s), EFI_ABORTED);
	arch_call_on_stack(run_after_ebs, rq, stack_top);
}
