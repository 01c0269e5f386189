/*
 * efi/fw/mmboot_fw.c - the firmware's part of the memory bring-up: the
 * layout efimm's tables must respect (its sections, the framebuffer, the
 * runtime images), and the preview's pool and map (contracts in
 * mmboot_fw.h; the bring-up itself is machine/mmboot.c).
 */
#include "mmboot_fw.h"

#include "../../lib/errno.h"
#include "../../lib/kstring.h"
#include "../../lib/printf.h"
#include "../../mm/kmem.h"
#include "../../mm/memmap.h"

extern char _text[], _etext[], _rodata[], _erodata[], _data[], _edata[];

/* Table pages the preview may need beyond the frame database itself. */
#define PREVIEW_TABLE_PAGES 1024

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

/* The bring-up on a fresh map, efimm's pool its only free memory; an
 * error is printed and becomes an EFI status. */
static EFI_STATUS preview_build(void)
{
	static struct mmboot_layout l;
	struct mem_range owned = { .start = pool,
				   .end = pool + pool_pages * PAGE_SIZE };
	struct memmap_opts o = { .boot_services_up = true, .owned = &owned,
				 .nowned = 1 };
	struct mmboot_outcome out;
	struct efi_memmap m;
	EFI_STATUS s = efi_memmap_get(&m);
	int err;

	if (EFI_ERROR(s))
		return s;
	mmboot_layout_get(&l);
	err = mmboot_bring_up(&(struct mmboot_map){ .buf = m.buf, .size = m.size,
						   .desc_size = m.desc_size },
			      &o, &l, &out);
	efi_memmap_free(&m);
	if (!err)
		return EFI_SUCCESS;
	kprintf("efimm: %s: %s\n", out.failed, errno_name(err));
	return strcmp(out.failed, "memory map") ? EFI_OUT_OF_RESOURCES
						: EFI_LOAD_ERROR;
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
