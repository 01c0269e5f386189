/*
 * efi/cmd/cmd_run.c - `run PATH [ARGS...]`: load an ELF payload from the ESP,
 * check it, parse efimm's options on the run line, leave boot services
 * and hand over to machine/run.c on efimm's own stack.
 *
 * Everything that can fail for a reason the user can fix (a missing or
 * malformed file, a bad option) is checked while boot services still
 * run, so the caller gets an EFI status back.  After ExitBootServices
 * there is no caller any more (machine/run.h).
 */
#include "commands.h"
#include "payload_load.h"
#include "../fw/exitbs.h"
#include "../../machine/run.h"
#include "../../machine/run_paging.h"
#include "../../pure/runopts.h"
#include "../timing.h"

#include "../../arch/x86_64/enter.h"
#include "../../arch/x86_64/machine.h"
#include "../../lib/assert.h"
#include "../../mm/kmem.h"
#include "../../lib/kstring.h"
#include "../../lib/printf.h"

#define ARGS_MAX          4096          /* bytes of argv strings */

static struct run_req req;

/* `run`'s own option beyond pure/runopts.h's: a test hook. */
static const char *opt_stale_keys(void *ctx, const char *value)
{
	uint64_t n;

	UNUSED(ctx);
	if (str_parse_u64(value, &n) || n >= EXITBS_MAX_ATTEMPTS)
		return "stale-keys takes 0..7";
	efi_exitbs_inject_stale_keys((unsigned int)n);
	return NULL;
}

static const struct runopts_extra run_extra[] = {
	{ "stale-keys", opt_stale_keys },
};

/* Reads and checks the payload (payload_load.h); prints one line on
 * failure. */
static EFI_STATUS load_file(struct run_req *rq)
{
	struct payload_file pf;
	char why[PAYLOAD_WHY_MAX];
	EFI_STATUS s = payload_load(rq->path, &pf, why);

	if (EFI_ERROR(s)) {
		kprintf("efimm: %s: %s\n", rq->path, why);
		return s;
	}
	rq->file = pf.file;
	rq->file_size = pf.size;
	rq->img = pf.img;
	rq->syms = pf.syms;
	return EFI_SUCCESS;
}

/* Splits efimm's options off the line by the run-line rule
 * (pure/runopts.h) over the defaults; returns the payload's argc, or -1
 * after printing the error. */
static int parse_options(struct run_req *rq, int argc, char **argv)
{
	const struct runopts_extras extras = { run_extra, ARRAY_SIZE(run_extra), rq };
	struct runopts given;
	char why[RUNOPTS_WHY_MAX];
	int n = runopts_split(argv + 1, argc - 1, &extras, &given, why);

	if (n < 0) {
		kprintf("efimm: run: %s\n", why);
		return -1;
	}
	runopts_default(&rq->opts);
	runopts_merge(&rq->opts, &given);
	return n;
}

EFI_STATUS cmd_run(int argc, char **argv)
{
	struct run_req *rq = &req;
	void *stack_top;
	EFI_STATUS s;

	if (argc < 2)
		return cmd_bad_arg("run", "", "PATH of an ELF payload is required");
	if (run_args_bytes(argc - 1, argv + 1) > ARGS_MAX)
		return cmd_bad_arg("run", argv[1], "arguments longer than 4096 bytes");
	*rq = (struct run_req){ .path = argv[1], .tsc_entry = timing_entry };
	efi_exitbs_inject_stale_keys(0);
	rq->argc = parse_options(rq, argc, argv);
	if (rq->argc < 0)
		return EFI_INVALID_PARAMETER;
	rq->argv = argv + 1;
	s = payload_la57_choose("run", rq->opts.la57);
	if (EFI_ERROR(s))
		return s;
	s = payload_check_room("run", rq->opts.swap);
	if (EFI_ERROR(s))
		return s;
	s = load_file(rq);
	if (EFI_ERROR(s))
		return s;
	rq->tsc[PH_LOAD] = timing_tsc();
	s = payload_la57_alloc("run");
	if (EFI_ERROR(s)) {
		payload_file_free(rq->file, &rq->syms);
		return s;
	}
	s = payload_alloc_stack(&rq->stack_guard, &stack_top);
	if (EFI_ERROR(s)) {
		kprintf("efimm: run: no memory for efimm's stack: %s\n", efi_status_name(s));
		payload_file_free(rq->file, &rq->syms);
		payload_la57_free();
		return s;
	}
	payload_take_over(&rq->layout, &rq->map, rq->opts.inject);
	payload_la57_map(&rq->layout);
	rq->tsc[PH_EBS] = timing_tsc();
	arch_call_on_stack(run_after_ebs, rq, stack_top);
}
