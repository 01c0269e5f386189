/*
 * machine/mmboot.c - memory-core bring-up from the firmware's map.
 */
#include "mmboot.h"

#include "../arch/x86_64/cpu.h"
#include "../arch/x86_64/ptdump.h"
#include "../lib/errno.h"
#include "../lib/printf.h"
#include "../mm/kmem.h"
#include "../mm/mm.h"
#include "../mm/vm.h"

extern char _text[], _etext[], _rodata[], _erodata[], _data[], _edata[];

/* Table pages the preview may need beyond the frame database itself. */
#define PREVIEW_TABLE_PAGES 1024

static struct mem_range ranges[MMBOOT_MAX_RANGES];
static EFI_PHYSICAL_ADDRESS pool;
static UINTN pool_pages;
static bool previewed;

static void fb_extra(struct mmboot_layout *l)
{
	EFI_GRAPHICS_OUTPUT_PROTOCOL *gop;
	EFI_GUID guid = EFI_GRAPHICS_OUTPUT_PROTOCOL_GUID;

	if (EFI_ERROR(LibLocateProtocol(&guid, (void **)&gop)) || !gop->Mode ||
	    !gop->Mode->FrameBufferBase || !gop->Mode->FrameBufferSize)
		return;
	l->extra[l->nextra++] = (struct kas_extra){
		.start = ALIGN_DOWN(gop->Mode->FrameBufferBase, PAGE_SIZE),
		.size = ALIGN_UP(gop->Mode->FrameBufferSize, PAGE_SIZE),
		.cache = K_MEM_CACHE_NONE, .access = KAS_RW,
	};
}

/* EFI_MEMORY_ATTRIBUTES_TABLE header; descriptors follow. */
struct mat_header {
	UINT32 version;
	UINT32 entries;
	UINT32 desc_size;
	UINT32 flags;
};

#define MAT_ATTR_XP 0x0000000000004000ULL
#define MAT_ATTR_RO 0x0000000000020000ULL

static const struct mat_header *find_mat(void)
{
	EFI_GUID guid = { 0xdcfa911d, 0x26eb, 0x469f,
			  { 0xa2, 0x20, 0x38, 0xb7, 0xdc, 0x46, 0x12, 0x20 } };

	for (UINTN i = 0; i < ST->NumberOfTableEntries; i++)
		if (!CompareGuid(&ST->ConfigurationTable[i].VendorGuid, &guid))
			return ST->ConfigurationTable[i].VendorTable;
	return NULL;
}

/* RO without XP is code (R+X); XP is data (RW+NX, or R+NX with RO);
 * neither (the firmware allows W+X) is mapped RW+NX: W^X wins. */
static uint32_t mat_access(uint64_t attr)
{
	if (attr & MAT_ATTR_RO)
		return (attr & MAT_ATTR_XP) ? KAS_RO : KAS_RX;
	return KAS_RW;
}

static void mat_extras(struct mmboot_layout *l)
{
	const struct mat_header *h = find_mat();

	if (!h || h->desc_size < sizeof(EFI_MEMORY_DESCRIPTOR))
		return;
	for (UINT32 i = 0; i < h->entries && l->nextra < MMBOOT_MAX_EXTRA; i++) {
		const EFI_MEMORY_DESCRIPTOR *d = (const void *)
			((const uint8_t *)(h + 1) + (UINTN)i * h->desc_size);

		l->extra[l->nextra++] = (struct kas_extra){
			.start = d->PhysicalStart, .size = d->NumberOfPages * PAGE_SIZE,
			.cache = K_MEM_CACHE_WB, .access = mat_access(d->Attribute),
		};
		l->mat_entries++;
	}
}

void mmboot_layout_get(struct mmboot_layout *l)
{
	l->img = (struct kas_image){
		.text_start = (uint64_t)_text, .text_end = (uint64_t)_etext,
		.rodata_start = (uint64_t)_rodata, .rodata_end = (uint64_t)_erodata,
		.data_start = (uint64_t)_data, .data_end = (uint64_t)_edata,
	};
	l->nextra = 0;
	l->mat_entries = 0;
	fb_extra(l);
	mat_extras(l);
}

void mmboot_uc_extras(struct mmboot_layout *l, const void *map, UINTN size,
		      UINTN desc_size)
{
	for (UINTN off = 0; off + desc_size <= size; off += desc_size) {
		const EFI_MEMORY_DESCRIPTOR *d = (const void *)((const uint8_t *)map + off);

		if (memmap_type_is_ram(d->Type) || (d->Attribute & EFI_MEMORY_WB) ||
		    !d->NumberOfPages || l->nextra == MMBOOT_MAX_EXTRA ||
		    d->PhysicalStart >= VM_DIRECT_MAP_END)
			continue;
		l->extra[l->nextra++] = (struct kas_extra){
			.start = d->PhysicalStart, .size = d->NumberOfPages * PAGE_SIZE,
			.cache = K_MEM_CACHE_NONE, .access = KAS_RW,
		};
	}
}

static void add_marker(struct ptdump_marker *m, size_t *n, size_t cap,
		       vaddr_t start, const char *name)
{
	size_t i = *n;

	if (i == cap)
		return;
	for (; i > 0 && m[i - 1].start > start; i--)
		m[i] = m[i - 1];
	m[i] = (struct ptdump_marker){ .start = start, .name = name };
	(*n)++;
}

/* Markers for the ptdump range view, ascending. */
static size_t mmboot_markers(const struct mmboot_layout *l, struct ptdump_marker *m,
			     size_t cap)
{
	size_t n = 0;

	add_marker(m, &n, cap, 0, "identity map: RAM, firmware, MMIO");
	add_marker(m, &n, cap, l->img.text_start, "efimm .text");
	add_marker(m, &n, cap, l->img.rodata_start, "efimm .rodata");
	add_marker(m, &n, cap, l->img.data_start, "efimm .data");
	add_marker(m, &n, cap, ALIGN_UP(l->img.data_end, PAGE_SIZE),
		   "identity map (after efimm)");
	if (l->nextra)
		add_marker(m, &n, cap, l->extra[0].start, "framebuffer");
	add_marker(m, &n, cap, VM_DIRECT_MAP_END, "end of the identity map");
	add_marker(m, &n, cap, VM_PAYLOAD_BASE, "payload window");
	add_marker(m, &n, cap, VM_KMEM_BASE, "k_mem_map area");
	return n;
}

uint64_t mmboot_ptdump_ranges(paddr_t root, const char *header,
			      const struct mmboot_layout *l)
{
	struct ptdump_marker mk[12];
	struct ptdump_opts o = { .header = header, .markers = mk,
				 .pat_known = true, .pat = cpu_read_pat() };

	if (l)
		o.nmarkers = mmboot_markers(l, mk, ARRAY_SIZE(mk));
	return ptdump_ranges(root, &o);
}

int mmboot_build(const struct mem_range *r, size_t n, const struct mmboot_layout *l)
{
	int err = mm_init(r, n);

	if (err) {
		kprintf("efimm: frame database: %s\n", errno_name(err));
		return err;
	}
	err = kas_build(r, n, &l->img, l->extra, l->nextra);
	if (err)
		kprintf("efimm: kernel address space: %s\n", errno_name(err));
	return err;
}

/* Pool size: 8 bytes per frame of the map, plus table pages. */
static UINTN preview_pool_pages(const struct efi_memmap *m)
{
	uint64_t frames = 0;

	for (UINTN off = 0; off + m->desc_size <= m->size; off += m->desc_size) {
		EFI_MEMORY_DESCRIPTOR *d = (void *)((uint8_t *)m->buf + off);

		if (memmap_type_is_ram(d->Type))
			frames += d->NumberOfPages;
	}
	return ALIGN_UP(frames * 8, PAGE_SIZE) / PAGE_SIZE + PREVIEW_TABLE_PAGES;
}

static EFI_STATUS take_pool(void)
{
	struct efi_memmap m;
	EFI_STATUS s = efi_memmap_get(&m);

	if (EFI_ERROR(s))
		return s;
	pool_pages = preview_pool_pages(&m);
	efi_memmap_free(&m);
	return uefi_call_wrapper(BS->AllocatePages, 4, AllocateAnyPages,
				 EfiLoaderData, pool_pages, &pool);
}

static int sanitise_preview(const struct efi_memmap *m)
{
	struct mem_range owned = { .start = pool,
				   .end = pool + pool_pages * PAGE_SIZE };
	struct memmap_opts o = { .boot_services_up = true, .owned = &owned,
				 .nowned = 1 };

	return memmap_sanitize(m->buf, m->size, m->desc_size, &o, ranges,
			       MMBOOT_MAX_RANGES, NULL);
}

static EFI_STATUS preview_build(void)
{
	struct mmboot_layout l;
	struct efi_memmap m;
	EFI_STATUS s = efi_memmap_get(&m);
	int n;

	if (EFI_ERROR(s))
		return s;
	n = sanitise_preview(&m);
	mmboot_layout_get(&l);
	mmboot_uc_extras(&l, m.buf, m.size, m.desc_size);
	efi_memmap_free(&m);
	if (n < 0) {
		kprintf("efimm: memory map: %s\n", errno_name(n));
		return EFI_LOAD_ERROR;
	}
	return mmboot_build(ranges, (size_t)n, &l) ? EFI_OUT_OF_RESOURCES : EFI_SUCCESS;
}

EFI_STATUS mmboot_preview(void)
{
	EFI_STATUS s;

	if (previewed)
		return EFI_SUCCESS;
	s = take_pool();
	if (EFI_ERROR(s)) {
		kprintf("efimm: cannot allocate %lu pages: %s\n",
			(unsigned long)pool_pages, efi_status_name(s));
		return s;
	}
	s = preview_build();
	if (EFI_ERROR(s))
		mmboot_preview_release();
	previewed = !EFI_ERROR(s);
	return s;
}

void mmboot_preview_release(void)
{
	if (pool)
		uefi_call_wrapper(BS->FreePages, 2, pool, pool_pages);
	pool = 0;
	previewed = false;
}
