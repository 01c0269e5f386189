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
#include "../../machine/timeout.h"
#include "../../pure/runopts.h"
#include "../timing.h"

#include "../../arch/x86_64/enter.h"
#include "../../lib/kstring.h"
#include "../../lib/printf.h"

#define ARGS_MAX          4096          /* bytes of argv strings */

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

static const char *opt_timeout(struct run_req *rq, const char *value)
{
	uint64_t n;

	if (str_parse_u64(value, &n) || n > TIMEOUT_MAX_S)
		return "timeout takes 0..86400 seconds (0 = none)";
	rq->timeout_s = (uint32_t)n;
	return NULL;
}

static const struct run_option run_options[] = {
	{ "timing", opt_timing },
	{ "stale-keys", opt_stale_keys },
	{ "mem", run_paging_opt_mem },
	{ "swap", run_paging_opt_swap },
	{ "evict", run_paging_opt_evict },
	{ "paging", run_paging_opt_paging },
	{ "timeout", opt_timeout },
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
	return EFI_SUCCESS;
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
 * or -1 after printing the error.  An option given twice is an error
 * (which one was meant cannot be guessed), whatever its values. */
static int parse_options(struct run_req *rq, int argc, char **argv)
{
	const struct run_option *o;
	unsigned int seen = 0;
	char dup[48];
	size_t keylen;

	_Static_assert(ARRAY_SIZE(run_options) <= 32, "seen is a 32-bit mask");
	while (argc > 2 && (o = find_option(argv[argc - 1], &keylen))) {
		unsigned int bit = 1u << (o - run_options);
		const char *why = NULL;

		if (seen & bit) {
			ksnprintf(dup, sizeof(dup), "duplicate option '%s'", o->key);
			why = dup;
		}
		seen |= bit;
		if (!why)
			why = o->parse(rq, argv[argc - 1] + keylen + 1);
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
	if (run_args_bytes(argc - 1, argv + 1) > ARGS_MAX)
		return cmd_bad_arg("run", argv[1], "arguments longer than 4096 bytes");
	*rq = (struct run_req){ .path = argv[1], .tsc_entry = timing_entry,
				.timeout_s = RUNOPTS_TIMEOUT_DEFAULT };
	run_paging_reset();
	efi_exitbs_inject_stale_keys(0);
	argc = parse_options(rq, argc, argv);
	if (argc < 0)
		return EFI_INVALID_PARAMETER;
	rq->argc = argc - 1;
	rq->argv = argv + 1;
	s = payload_check_room("run");
	if (EFI_ERROR(s))
		return s;
	s = load_file(rq);
	if (EFI_ERROR(s))
		return s;
	rq->tsc[PH_LOAD] = timing_tsc();
	s = payload_alloc_stack(&rq->stack_guard, &stack_top);
	if (EFI_ERROR(s)) {
		kprintf("efimm: run: no memory for efimm's stack: %s\n", efi_status_name(s));
		FreePool(rq->file);
		return s;
	}
	payload_take_over(&rq->layout, &rq->map);
	rq->tsc[PH_EBS] = timing_tsc();
	arch_call_on_stack(run_after_ebs, rq, stack_top);
}
