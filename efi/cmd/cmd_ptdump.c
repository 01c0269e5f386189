/*
 * efi/cmd/cmd_ptdump.c - `ptdump [--ranges|--grid] [ADDR] [la57=1]`
 * (la57=1: efimm's tables as `run ... la57=1` builds them, five levels).
 *
 * First the firmware's live tables (CR3, read before efimm changes
 * anything), then the tables efimm builds from the memory map (built,
 * not loaded: boot services still run on the firmware's).  Each view
 * starts with a header line naming whose tables they are.
 */
#include "commands.h"
#include "../fw/mmboot_fw.h"

#include "../../arch/x86_64/machine.h"
#include "../../arch/x86_64/ptdump.h"
#include "../../lib/kstring.h"
#include "../../lib/printf.h"

#define VIEW_RANGES 1
#define VIEW_GRID   2
#define TABLES_FW    1
#define TABLES_EFIMM 2

struct ptdump_req {
	unsigned views;
	unsigned tables;
	bool has_addr;
	bool la57;      /* la57=1: efimm's tables built with five levels */
	uint64_t addr;
};

static EFI_STATUS parse(int argc, char **argv, struct ptdump_req *rq)
{
	*rq = (struct ptdump_req){ 0 };
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--ranges") == 0)
			rq->views |= VIEW_RANGES;
		else if (strcmp(argv[i], "--grid") == 0)
			rq->views |= VIEW_GRID;
		else if (strcmp(argv[i], "--firmware") == 0)
			rq->tables |= TABLES_FW;
		else if (strcmp(argv[i], "--efimm") == 0)
			rq->tables |= TABLES_EFIMM;
		else if (strcmp(argv[i], "la57=1") == 0)
			rq->la57 = true;
		else if (argv[i][0] == '-')
			return cmd_bad_option("ptdump", argv[i]);
		else if (rq->has_addr)
			return cmd_bad_arg("ptdump", argv[i], "one address only");
		else if (str_parse_u64(argv[i], &rq->addr))
			return cmd_bad_arg("ptdump", argv[i], "not a number");
		else
			rq->has_addr = true;
	}
	if (rq->la57 && !arch_la57_supported()) {
		kprintf("efimm: ptdump: la57=1: this CPU has no five-level paging "
			"(CPUID.(EAX=7,ECX=0):ECX[16] clear)\n");
		return EFI_UNSUPPORTED;
	}
	if (rq->has_addr && !(rq->la57 ? arch_is_canonical_la57(rq->addr) :
			      arch_is_canonical(rq->addr)))
		return cmd_bad_arg("ptdump", argv[argc - 1],
				   "not a canonical address");
	if (!rq->views)
		rq->views = VIEW_RANGES | VIEW_GRID;
	if (!rq->tables)
		rq->tables = TABLES_FW | TABLES_EFIMM;
	return EFI_SUCCESS;
}

/* The views rq asks for of the tables at root, levels deep (4 or 5). */
static void show(paddr_t root, unsigned int levels, const char *whose,
		 const struct ptdump_req *rq, const struct mmboot_layout *l)
{
	char header[120];

	ksnprintf(header, sizeof(header), "Page tables: %s (root 0x%lx)", whose,
		  (unsigned long)paddr_raw(root));
	if (rq->has_addr) {
		kprintf("%s, walk of 0x%016lx:\n", header, (unsigned long)rq->addr);
		ptdump_walk(root, levels, rq->addr);
		return;
	}
	if (rq->views & VIEW_RANGES)
		mmboot_ptdump_ranges(root, levels, header, l);
	if (rq->views & VIEW_GRID) {
		kprintf("%s, grid view:\n", header);
		ptdump_grid(root, levels);
	}
}

EFI_STATUS cmd_ptdump(int argc, char **argv)
{
	static struct mmboot_layout l;
	struct ptdump_req rq;
	unsigned int fw_levels = arch_live_pt_levels();
	paddr_t fw_root = arch_live_pt_root();
	EFI_STATUS s = parse(argc, argv, &rq);

	if (EFI_ERROR(s))
		return s;
	mmboot_layout_get(&l);
	if (rq.tables & TABLES_FW)
		show(fw_root, fw_levels, "the firmware's, live from CR3", &rq, &l);
	if (!(rq.tables & TABLES_EFIMM))
		return EFI_SUCCESS;
	arch_pt_set_levels(rq.la57 ? 5 : fw_levels);
	s = mmboot_preview();
	if (EFI_ERROR(s))
		return s;
	show(arch_pt_root(), arch_pt_levels(), "efimm's, built from the memory map",
	     &rq, &l);
	return EFI_SUCCESS;
}
