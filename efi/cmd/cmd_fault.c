/*
 * efi/cmd/cmd_fault.c - `fault KIND`: takes the machine over, then faults
 * inside efimm on purpose, to show (and test) that every way of dying
 * ends in the fatal report and a power-off, never a reset loop.
 *
 *   pf       read of address 0                   -> #PF, CR2 in page 0
 *   gp       read of a non-canonical address     -> #GP
 *   ud       ud2                                 -> #UD
 *   de       divide by zero                      -> #DE
 *   df       ud2 with a non-canonical RSP        -> #DF on its IST stack
 *   handler  ud2, with a page walker that faults -> a fault while
 *            reporting a fault
 *
 * The command prints the address of the faulting instruction first, so
 * the report's RIP can be checked against it.
 */
#include "commands.h"
#include "../fw/exitbs.h"

#include "../../arch/x86_64/fault_sites.h"
#include "../../arch/x86_64/machine.h"
#include "../../arch/x86_64/trap.h"
#include "../../machine/symbols.h"
#include "../../lib/kstring.h"
#include "../../lib/printf.h"

#define NONCANONICAL 0x8000000000000000ULL

struct fault_kind {
	const char *name;
	const void *site;       /* the faulting instruction */
	void (*fire)(void);
};

/*
 * OVMF maps page 0; efimm's own tables never do.  Unmapping it from the
 * live (firmware's) tables makes the NULL read fault the same way now.
 */
static void unmap_page0(void)
{
	int ret = arch_live_unmap_page(0);

	if (ret)
		kprintf("efimm: fault pf: could not unmap page 0: %d\n", ret);
}

static void fire_pf(void)
{
	unmap_page0();
	fault_read(0);
}
static void fire_gp(void) { fault_read(NONCANONICAL); }
static void fire_ud(void) { fault_ud(); }
static void fire_de(void) { fault_div(0); }
static void fire_df(void) { fault_stack(NONCANONICAL); }

/* A page walker that itself faults (#GP), as a broken one would. */
static void walker_that_faults(uint64_t cr3, uint64_t va)
{
	UNUSED(cr3);
	UNUSED(va);
	fault_read(NONCANONICAL);
}

static void fire_handler(void)
{
	trap_set_walker(walker_that_faults);
	fault_ud();
}

static const struct fault_kind kinds[] = {
	{ "pf", (const void *)fault_read, fire_pf },
	{ "gp", (const void *)fault_read, fire_gp },
	{ "ud", (const void *)fault_ud, fire_ud },
	{ "de", (const void *)fault_div, fire_de },
	{ "df", fault_stack_ud, fire_df },
	{ "handler", (const void *)fault_ud, fire_handler },
};

static const struct fault_kind *find_kind(const char *name)
{
	for (UINTN i = 0; i < ARRAY_SIZE(kinds); i++)
		if (strcmp(kinds[i].name, name) == 0)
			return &kinds[i];
	return NULL;
}

/* The report's backtrace: its hook, and the firmware's stack from this
 * frame up a few pages (the frames between here and the fault), which
 * the firmware's tables map. */
static void backtrace_this_stack(void)
{
	uint64_t sp = ALIGN_DOWN((uint64_t)(uintptr_t)__builtin_frame_address(0),
				 PAGE_SIZE);

	symbols_add_stack(sp - PAGE_SIZE, sp + 4 * PAGE_SIZE);
	trap_set_backtrace(symbols_report_backtrace);
}

EFI_STATUS cmd_fault(int argc, char **argv)
{
	static struct exitbs_map map;
	const struct fault_kind *k;
	EFI_STATUS s;

	if (argc != 2)
		return cmd_bad_arg("fault", argc > 2 ? argv[2] : "",
				   "exactly one KIND is needed");
	k = find_kind(argv[1]);
	if (!k)
		return cmd_bad_arg("fault", argv[1],
				   "KIND is pf, gp, ud, de, df or handler");
	kprintf("efimm: fault %s: taking the machine over\n", k->name);
	s = efi_take_over(&map);
	if (EFI_ERROR(s))
		return s;
	kprintf("efimm: fault %s: faulting instruction at 0x%016lx\n", k->name,
		(unsigned long)(uintptr_t)k->site);
	backtrace_this_stack();
	k->fire();
	kprintf("efimm: fault %s: the instruction did not fault\n", k->name);
	return EFI_ABORTED;
}
