/*
 * efi/cmd/commands.c - the command table, `help`, and running a line.
 */
#include "commands.h"

#include "../../lib/kstring.h"
#include "../../lib/printf.h"

static EFI_STATUS cmd_help(int argc, char **argv);
/* efi/cmd/cmd_audit.c: the firmware memory-protection audit. */
EFI_STATUS cmd_audit(int argc, char **argv);
/* efi/cmd/cmd_snapshot.c: the snapshot file on the ESP. */
EFI_STATUS cmd_snapshot(int argc, char **argv);

static const struct command commands[] = {
	{ "help", "", "show this help", cmd_help },
	{ "memmap", "[--sorted]",
	  "firmware memory map (UEFI Shell format); --sorted merges and checks it",
	  cmd_memmap },
	{ "fault", "pf|gp|ud|de|df|handler",
	  "take the machine over, then fault on purpose (fatal report)",
	  cmd_fault },
	{ "ptdump", "[--ranges|--grid] [--firmware|--efimm] [ADDR]",
	  "page tables: the firmware's, then efimm's; ADDR walks one address",
	  cmd_ptdump },
	{ "frames", "", "the page-frame database, one character per frame",
	  cmd_frames },
	{ "audit", "", "firmware memory-protection audit: one verdict per rule",
	  cmd_audit },
	{ "snapshot", "[PATH]",
	  "snapshot file on the ESP (\\efimm\\snapshots\\), then efimm's table ranges",
	  cmd_snapshot },
	{ "run", "PATH [ARGS...] [mem= swap= evict= paging= timing= stale-keys=]",
	  "take the machine over and run an ELF payload from the ESP",
	  cmd_run },
	{ "suite", "[OPTIONS] @LIST | [OPTIONS] PATH...",
	  "take the machine over and run many payloads, one after another (TAP)",
	  cmd_suite },
	{ "chainload", "PATH [ARGS...]", "start an EFI application", cmd_chainload },
	{ "poweroff", "", "power the machine off, reporting the status so far",
	  cmd_poweroff },
	{ "reset", "", "reboot the machine", cmd_reset },
};

static EFI_STATUS seq_status = EFI_SUCCESS;

EFI_STATUS cmd_seq_status(void)
{
	return seq_status;
}

static const struct command *find_command(const char *name)
{
	for (UINTN i = 0; i < ARRAY_SIZE(commands); i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

static void usage_of(const struct command *c)
{
	kprintf("  %-10s %-28s %s\n", c->name, c->args, c->summary);
}

void cmd_usage(void)
{
	kprintf("usage: efimm COMMAND [ARGS...] [; COMMAND [ARGS...]]...\n");
	for (UINTN i = 0; i < ARRAY_SIZE(commands); i++)
		usage_of(&commands[i]);
	kprintf("Without arguments efimm boots the entries of %s.\n",
		"\\efimm\\efimm.conf");
	kprintf("help, memmap, ptdump, frames, audit and snapshot also take --save PATH:\n"
		"their output is written to PATH on the ESP as well.\n");
}

static EFI_STATUS cmd_help(int argc, char **argv)
{
	UNUSED(argv);
	if (argc > 1)
		return cmd_bad_option("help", argv[1]);
	kprintf("efimm - takes over an x86_64 machine's memory and shows it\n");
	cmd_usage();
	return EFI_SUCCESS;
}

EFI_STATUS cmd_bad_option(const char *cmd, const char *opt)
{
	const struct command *c = find_command(cmd);

	kprintf("efimm: %s: unknown option '%s'\n", cmd, opt);
	kprintf("usage:\n");
	if (c)
		usage_of(c);
	return EFI_INVALID_PARAMETER;
}

EFI_STATUS cmd_bad_arg(const char *cmd, const char *arg, const char *why)
{
	const struct command *c = find_command(cmd);

	kprintf("efimm: %s: bad argument '%s': %s\n", cmd, arg, why);
	kprintf("usage:\n");
	if (c)
		usage_of(c);
	return EFI_INVALID_PARAMETER;
}

static EFI_STATUS run_one(struct cmd *cmd)
{
	const struct command *c = find_command(cmd->argv[0]);

	if (!c) {
		kprintf("efimm: unknown command '%s'\n", cmd->argv[0]);
		cmd_usage();
		return EFI_INVALID_PARAMETER;
	}
	return cmd_run_saving(c, cmd->argc, cmd->argv);
}

static EFI_STATUS run_seq(struct cmd_seq *seq)
{
	for (int i = 0; i < seq->ncmds; i++) {
		struct cmd *cmd = &seq->cmds[i];
		EFI_STATUS s;

		if (EFI_ERROR(seq_status) && strcmp(cmd->argv[0], "poweroff"))
			continue;
		s = run_one(cmd);
		if (EFI_ERROR(s) && !EFI_ERROR(seq_status))
			seq_status = s;
	}
	return seq_status;
}

EFI_STATUS cmd_run_line(const char *line)
{
	static struct cmd_seq seq;
	const char *why;

	seq_status = EFI_SUCCESS;
	if (cmdline_split(line, &seq, &why)) {
		kprintf("efimm: bad command line: %s\n", why);
		cmd_usage();
		return EFI_INVALID_PARAMETER;
	}
	if (seq.ncmds == 0) {
		kprintf("efimm: empty command line\n");
		cmd_usage();
		return EFI_INVALID_PARAMETER;
	}
	return run_seq(&seq);
}
