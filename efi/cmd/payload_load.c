/*
 * efi/cmd/payload_load.c - loading payloads and leaving boot services,
 * shared by `run` and `suite` (payload_load.h).
 */
#include "payload_load.h"
#include "../../arch/x86_64/machine.h"
#include "../../lib/assert.h"
#include "../../mm/kmem.h"
#include "../fw/exitbs.h"
#include "../fw/mmboot_fw.h"
#include "../fw/smp_fw.h"
#include "../../pure/runopts.h"
#include "../../machine/run_paging.h"

#include "../../lib/printf.h"
#include "../../mm/memmap.h"

static struct exitbs_map ebs_map;

#define PAYLOAD_MAX_SYMS 65536          /* function symbols kept per payload */

void payload_file_free(void *file, struct symtab *syms)
{
	if (file)
		FreePool(file);
	if (syms->e)
		FreePool((void *)syms->e);
	*syms = (struct symtab){ 0 };
}

/* Reads the function symbols of pf's file into pf->syms, sorted; says so
 * when they cannot be used (the payload loads regardless). */
static void load_symbols(const char *path, struct payload_file *pf)
{
	const char *names;
	size_t names_size;
	struct symtab_entry *e;
	int n = elf_symbols(pf->file, pf->size, NULL, 0, &names, &names_size);

	pf->syms = (struct symtab){ 0 };
	if (n < 0)
		kprintf("efimm: %s: malformed section headers; backtraces will "
			"show addresses only\n", path);
	if (n <= 0)
		return;
	n = MIN(n, PAYLOAD_MAX_SYMS);
	e = AllocatePool((UINTN)n * sizeof(*e));
	if (!e) {
		kprintf("efimm: %s: no memory for its %d symbols\n", path, n);
		return;
	}
	elf_symbols(pf->file, pf->size, e, (size_t)n, &names, &names_size);
	symtab_sort(e, (size_t)n);
	pf->syms = (struct symtab){ .e = e, .n = (size_t)n, .names = names,
				    .names_size = names_size };
}

EFI_STATUS payload_load(const char *path, struct payload_file *pf, char *why)
{
	struct elf_limits lim;
	char buf[PAYLOAD_WHY_MAX - 16];
	UINTN size = 0;
	EFI_STATUS s = efi_file_read(path, PAYLOAD_MAX_FILE, &pf->file, &size);

	pf->size = size;
	if (EFI_ERROR(s)) {
		pf->file = NULL;
		ksnprintf(why, PAYLOAD_WHY_MAX, "cannot read: %s",
			  efi_file_error(s, size, PAYLOAD_MAX_FILE, buf, sizeof(buf)));
		return s;
	}
	elf_limits_default(&lim);
	if (elf_check(pf->file, pf->size, &lim, &pf->img, buf, sizeof(buf))) {
		ksnprintf(why, PAYLOAD_WHY_MAX, "bad ELF: %s", buf);
		FreePool(pf->file);
		pf->file = NULL;
		return EFI_LOAD_ERROR;
	}
	load_symbols(path, pf);
	return EFI_SUCCESS;
}

EFI_STATUS payload_check_room(const char *cmd, uint64_t swap)
{
	struct efi_memmap m;
	uint64_t free, ram;
	const char *why;
	EFI_STATUS s = efi_memmap_get(&m);
	int err;

	if (EFI_ERROR(s)) {
		kprintf("efimm: %s: cannot read the memory map: %s\n", cmd,
			efi_status_name(s));
		return s;
	}
	err = memmap_free_bytes(m.buf, m.size, m.desc_size, &free, &ram);
	efi_memmap_free(&m);
	if (err) {
		kprintf("efimm: %s: the firmware's memory map is malformed\n", cmd);
		return EFI_LOAD_ERROR;
	}
	why = run_paging_check_room(swap, free, ram);
	if (!why)
		return EFI_SUCCESS;
	kprintf("efimm: %s: %s\n", cmd, why);
	return EFI_INVALID_PARAMETER;
}

EFI_STATUS payload_alloc_stack(uint64_t *guard, void **top)
{
	EFI_PHYSICAL_ADDRESS a;
	UINTN pages = PAYLOAD_STACK_GUARD + PAYLOAD_STACK_PAGES;
	EFI_STATUS s = uefi_call_wrapper(BS->AllocatePages, 4, AllocateAnyPages,
					 EfiLoaderData, pages, &a);

	*guard = a;
	*top = (void *)(uintptr_t)(a + pages * PAGE_SIZE);
	return s;
}

void payload_take_over(struct mmboot_layout *layout, struct mmboot_map *map,
		       int inject)
{
	EFI_STATUS s;

	mmboot_preview_release();
	mmboot_layout_get(layout);
	smp_fw_prepare(inject == RUNOPT_INJECT_AP_STUCK ? SMP_START_STUCK :
		       inject == RUNOPT_INJECT_AP_LATE ? SMP_START_LATE :
		       SMP_START_NORMAL);
	s = efi_take_over(&ebs_map);
	if (EFI_ERROR(s))
		efi_poweroff(efi_status_exit_code(s), efi_status_name(s), EFI_ABORTED);
	*map = (struct mmboot_map){ .buf = ebs_map.buf, .size = ebs_map.size,
				    .desc_size = ebs_map.desc_size };
}

/* la57=1 on four levels: the switch's pages below 4 GiB, or 0. */
static bool la57_switch;
static EFI_PHYSICAL_ADDRESS la57_pages;

EFI_STATUS payload_la57_choose(const char *cmd, bool want)
{
	unsigned int live = arch_live_pt_levels();

	la57_pages = 0;
	la57_switch = false;
	if (!want || live == 5) {
		arch_pt_set_levels(live);
		return EFI_SUCCESS;
	}
	if (!arch_la57_supported()) {
		kprintf("efimm: %s: la57=1: this CPU has no five-level paging "
			"(CPUID.(EAX=7,ECX=0):ECX[16] clear)\n", cmd);
		return EFI_UNSUPPORTED;
	}
	arch_pt_set_levels(5);
	la57_switch = true;
	return EFI_SUCCESS;
}

EFI_STATUS payload_la57_alloc(const char *cmd)
{
	EFI_PHYSICAL_ADDRESS a = 0xFFFFFFFFULL;
	EFI_STATUS s;

	if (!la57_switch)
		return EFI_SUCCESS;
	s = uefi_call_wrapper(BS->AllocatePages, 4, AllocateMaxAddress,
			      EfiLoaderCode, ARCH_LA57_PAGES, &a);
	if (EFI_ERROR(s)) {
		kprintf("efimm: %s: la57=1: no memory below 4 GiB for the "
			"trampoline: %s\n", cmd, efi_status_name(s));
		return s;
	}
	la57_pages = a;
	arch_la57_prepare(PADDR(a));
	return EFI_SUCCESS;
}

void payload_la57_free(void)
{
	if (la57_pages)
		uefi_call_wrapper(BS->FreePages, 2, la57_pages, ARCH_LA57_PAGES);
	la57_pages = 0;
}

void payload_la57_map(struct mmboot_layout *l)
{
	if (!la57_pages)
		return;
	if (l->nextra == MMBOOT_MAX_EXTRA)
		panic("efimm: la57=1: no room in the layout for the trampoline's page");
	l->extra[l->nextra++] = (struct kas_extra){
		.start = la57_pages, .size = PAGE_SIZE,
		.cache = K_MEM_CACHE_WB, .access = KAS_RX,
	};
}
