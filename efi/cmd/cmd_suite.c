/*
 * efi/cmd/cmd_suite.c - `suite [OPTIONS] @LIST` and `suite [OPTIONS]
 * PATH...`: many payloads in one boot (machine/suite.h).
 *
 * While boot services run: the leading options (the suite's defaults),
 * the list (pure/suite_list.h) or the paths, then every payload read and
 * checked.  A bad option, a list that cannot be read or parsed: one line,
 * an EFI error status, nothing runs.  A payload that cannot be read or
 * is not a valid ELF does not stop the others: it goes to the machine
 * with invalid set and is reported there as failed.  Then boot services
 * end once and machine/suite.c runs the payloads on efimm's own stack.
 */
#include "commands.h"
#include "payload_load.h"
#include "../timing.h"
#include "../../machine/run_paging.h"
#include "../../machine/suite.h"
#include "../../pure/suite_list.h"

#include "../../arch/x86_64/enter.h"
#include "../../arch/x86_64/machine.h"
#include "../../lib/kstring.h"
#include "../../lib/printf.h"

#define SUITE_MAX_BYTES (256ULL << 20)  /* all payloads' ELF files */

_Static_assert(SUITE_LIST_MAX_ENTRIES == SUITE_MAX_PAYLOADS,
	       "a list holds as many payloads as a suite runs");
_Static_assert(CMDLINE_MAX_ARGS <= SUITE_LIST_MAX_ENTRIES,
	       "the PATH... form fits the list");

/*
 * The list and the request: too big for a stack, and needed after
 * ExitBootServices.  Pool memory taken on the first `suite` (as the
 * payloads' files are) rather than static: a static copy would add
 * their ~270 KiB to efimm.efi, whose .bss is stored in the file.
 */
static struct suite_state {
	struct suite_list list;
	struct suite_req req;
} *st;

/* Takes the state's memory once; returns the firmware's status. */
static EFI_STATUS state_alloc(void)
{
	if (!st)
		st = AllocatePool(sizeof(*st));
	if (!st) {
		kprintf("efimm: suite: no memory for the suite's tables (%lu KiB)\n",
			(unsigned long)(sizeof(*st) >> 10));
		return EFI_OUT_OF_RESOURCES;
	}
	return EFI_SUCCESS;
}

/* Prints "efimm: suite: WHY"; returns EFI_INVALID_PARAMETER. */
static EFI_STATUS suite_fail(const char *why)
{
	kprintf("efimm: suite: %s\n", why);
	return EFI_INVALID_PARAMETER;
}

/*
 * Parses the leading KEY=VALUE words of argv (after the command's name)
 * into *defaults.  Returns the index of the first other word, or -1
 * after printing why (an unknown or bad option, a duplicate, a '-' word,
 * nothing after the options).
 */
static int parse_defaults(int argc, char **argv, struct runopts *defaults)
{
	char why[RUNOPTS_WHY_MAX];
	int i;

	runopts_clear(defaults);
	for (i = 1; i < argc && runopts_is_option_form(argv[i]); i++)
		if (runopts_parse_word(defaults, argv[i], NULL, why)) {
			suite_fail(why);
			return -1;
		}
	if (i == argc) {
		cmd_bad_arg("suite", "", "a @LIST or PATH... of payloads is required");
		return -1;
	}
	if (argv[i][0] == '-') {
		cmd_bad_option("suite", argv[i]);
		return -1;
	}
	return i;
}

/* Reads and parses the list file at path (the word after '@'). */
static EFI_STATUS read_list(const char *path)
{
	char err[SUITE_LIST_ERR_MAX];
	void *text;
	UINTN size = 0;
	EFI_STATUS s = efi_file_read(path, SUITE_LIST_MAX_SIZE, &text, &size);
	int bad;

	if (EFI_ERROR(s)) {
		kprintf("efimm: suite: %s: cannot read: %s\n", path,
			efi_file_error(s, size, SUITE_LIST_MAX_SIZE, err, sizeof(err)));
		return s;
	}
	bad = suite_list_parse(path, text, size, &st->list, err, sizeof(err));
	FreePool(text);
	return bad ? suite_fail(err) : EFI_SUCCESS;
}

/* The PATH... form: each word a payload without arguments or options
 * of its own. */
static EFI_STATUS list_paths(int n, char **paths)
{
	char why[RUNOPTS_WHY_MAX + 96];

	memset(&st->list, 0, sizeof(st->list));
	for (int i = 0; i < n; i++) {
		struct suite_entry *e = &st->list.e[i];

		if (runopts_is_option_form(paths[i]) || paths[i][0] == '@') {
			ksnprintf(why, sizeof(why), "'%s' after the first PATH: "
				  "options come before the payloads, and a @LIST "
				  "comes alone", paths[i]);
			return suite_fail(why);
		}
		e->argc = 1;
		e->argv[0] = paths[i];
		e->argv[1] = NULL;
	}
	st->list.n = n;
	return EFI_SUCCESS;
}

/* The payloads' words and options (defaults, then the suite's, then the
 * line's) into req; files come later. */
static void fill_req(const struct runopts *defaults)
{
	st->req.n = (size_t)st->list.n;
	for (int i = 0; i < st->list.n; i++) {
		struct suite_entry *e = &st->list.e[i];
		struct suite_payload *p = &st->req.p[i];

		*p = (struct suite_payload){ .path = e->argv[0], .argc = e->argc,
					     .argv = e->argv };
		runopts_default(&p->opts);
		runopts_merge(&p->opts, defaults);
		runopts_merge(&p->opts, &e->ro);
	}
}

/* Checks, as `run` does, that the largest backing store any payload
 * asks for leaves room; and that every payload asks for the same la57=
 * (the default before the list, or each line's): the depth of the
 * tables is chosen once per boot, before ExitBootServices, and a suite's
 * payloads share that boot. */
static EFI_STATUS check_room(void)
{
	uint64_t most = 0;

	for (size_t i = 0; i < st->req.n; i++) {
		if (st->req.p[i].opts.la57 != st->req.p[0].opts.la57)
			return suite_fail("la57=: every payload of a suite runs at one "
					  "paging depth (one per boot): give la57=1 "
					  "before the list, or on every line");
		most = MAX(most, st->req.p[i].opts.swap);
	}
	return payload_check_room("suite", most);
}

/* Marks p as not runnable, for the reason why. */
static void set_invalid(struct suite_payload *p, const char *why)
{
	str_copy(p->why, why, sizeof(p->why));
	p->invalid = p->why;
}

/* Reads and checks every payload; one that fails is marked invalid, as
 * is one past SUITE_MAX_BYTES of files in all. */
static void load_all(void)
{
	char why[PAYLOAD_WHY_MAX];
	uint64_t total = 0;

	for (size_t i = 0; i < st->req.n; i++) {
		struct suite_payload *p = &st->req.p[i];
		struct payload_file pf;

		if (EFI_ERROR(payload_load(p->path, &pf, why))) {
			set_invalid(p, why);
			continue;
		}
		if (pf.size > SUITE_MAX_BYTES - total) {
			payload_file_free(pf.file, &pf.syms);
			set_invalid(p, "cannot load: the suite's payloads exceed "
				    "256 MiB of files in all");
			continue;
		}
		total += pf.size;
		p->file = pf.file;
		p->file_size = pf.size;
		p->img = pf.img;
		p->syms = pf.syms;
	}
}

static void free_all(void)
{
	for (size_t i = 0; i < st->req.n; i++)
		payload_file_free(st->req.p[i].file, &st->req.p[i].syms);
}

/* The list or the paths after the options at argv[first]. */
static EFI_STATUS gather(int argc, char **argv, int first)
{
	if (argv[first][0] != '@')
		return list_paths(argc - first, argv + first);
	if (first + 1 < argc) {
		char why[256];

		ksnprintf(why, sizeof(why), "'%s' after %s: a @LIST comes alone",
			  argv[first + 1], argv[first]);
		return suite_fail(why);
	}
	return read_list(argv[first] + 1);
}

EFI_STATUS cmd_suite(int argc, char **argv)
{
	struct runopts defaults;
	void *stack_top;
	EFI_STATUS s;
	int first = parse_defaults(argc, argv, &defaults);

	if (first < 0)
		return EFI_INVALID_PARAMETER;
	s = state_alloc();
	if (EFI_ERROR(s))
		return s;
	s = gather(argc, argv, first);
	if (EFI_ERROR(s))
		return s;
	fill_req(&defaults);
	s = check_room();
	if (EFI_ERROR(s))
		return s;
	s = payload_la57_choose("suite", st->req.n && st->req.p[0].opts.la57);
	if (EFI_ERROR(s))
		return s;
	load_all();
	s = payload_la57_alloc("suite");
	if (EFI_ERROR(s)) {
		free_all();
		return s;
	}
	s = payload_alloc_stack(&st->req.stack_guard, &stack_top);
	if (EFI_ERROR(s)) {
		kprintf("efimm: suite: no memory for efimm's stack: %s\n",
			efi_status_name(s));
		payload_la57_free();
		free_all();
		return s;
	}
	st->req.tsc_entry = timing_entry;
	payload_take_over(&st->req.layout, &st->req.map, RUNOPT_INJECT_NONE);
	payload_la57_map(&st->req.layout);
	arch_call_on_stack(suite_after_ebs, &st->req, stack_top);
}
