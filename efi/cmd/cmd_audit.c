/*
 * efi/cmd/cmd_audit.c - `audit`: the firmware memory-protection audit,
 * before ExitBootServices.
 *
 * Builds a struct fwsnap of the live machine (pure/fwsnap.h), runs the
 * rules (pure/audit.h) and prints them.  Every buffer is allocated
 * before the memory map is read and the tables are copied, because an
 * allocation may change both (the firmware splits pages to apply its
 * NX policy to new memory): the snapshot is one consistent moment.
 * Returns EFI_SUCCESS when no rule failed, else EFI_SECURITY_VIOLATION.
 */
#include "commands.h"
#include "../fw/mmboot_fw.h"

#include "../../lib/kstring.h"
#include "../../lib/printf.h"
#include "../../pure/audit.h"

#define MAT_MAX_SIZE (1u << 20)
#define DP_MAX_NODES 64

static EFI_GUID mat_guid = { 0xdcfa911d, 0x26eb, 0x469f,
			     { 0xa2, 0x20, 0x38, 0xb7, 0xdc, 0x46, 0x12, 0x20 } };
static EFI_GUID map_guid = { 0xf4560cf6, 0x40ec, 0x4b4a,
			     { 0xa1, 0x92, 0xbf, 0x1d, 0x57, 0xd0, 0xb1, 0x89 } };

/* The buffers of one live snapshot, all from the firmware's pool. */
struct live {
	struct fwsnap s;
	EFI_PHYSICAL_ADDRESS store;     /* FWSNAP_MAX_PT_PAGES pages */
	void *mat_copy;
	struct efi_memmap m;
};

/* The control registers, EFER and the stack pointer, as they are now. */
static uint64_t read_cr0(void)
{
	uint64_t v;

	__asm__ volatile("mov %%cr0, %0" : "=r"(v));
	return v;
}

static uint64_t read_cr3(void)
{
	uint64_t v;

	__asm__ volatile("mov %%cr3, %0" : "=r"(v));
	return v;
}

static uint64_t read_cr4(void)
{
	uint64_t v;

	__asm__ volatile("mov %%cr4, %0" : "=r"(v));
	return v;
}

static uint64_t read_efer(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(0xC0000080u));
	return ((uint64_t)hi << 32) | lo;
}

static uint64_t read_rsp(void)
{
	uint64_t v;

	__asm__ volatile("mov %%rsp, %0" : "=r"(v));
	return v;
}

/* The firmware's MAT copied into pool memory (NULL and 0 if none). */
static void *mat_copy(size_t *size)
{
	for (UINTN i = 0; i < ST->NumberOfTableEntries; i++) {
		const struct fwsnap_mat_header *h = ST->ConfigurationTable[i].VendorTable;
		uint64_t n;
		void *copy;

		if (CompareGuid(&ST->ConfigurationTable[i].VendorGuid, &mat_guid) || !h)
			continue;
		n = sizeof(*h) + (uint64_t)h->entries * h->desc_size;
		*size = n > MAT_MAX_SIZE ? sizeof(*h) : (size_t)n;
		copy = AllocatePool(*size);
		if (copy)
			memcpy(copy, h, *size);
		return copy;
	}
	*size = 0;
	return NULL;
}

/* The last component of a file-path node's CHAR16 path, as ASCII. */
static void dp_file_name(const FILEPATH_DEVICE_PATH *f, UINTN len, char *out,
			 size_t outlen)
{
	UINTN nch = (len - SIZE_OF_FILEPATH_DEVICE_PATH) / sizeof(CHAR16), start = 0;
	size_t k = 0;

	for (UINTN i = 0; i < nch && f->PathName[i]; i++)
		if (f->PathName[i] == '\\' || f->PathName[i] == '/')
			start = i + 1;
	for (UINTN i = start; i < nch && f->PathName[i] && k + 1 < outlen; i++)
		out[k++] = f->PathName[i] < 0x80 && f->PathName[i] >= 0x20
				   ? (char)f->PathName[i] : '?';
	out[k] = '\0';
}

/* A firmware-volume file node's GUID, as the Shell prints it. */
static void dp_fv_name(const MEDIA_FW_VOL_FILEPATH_DEVICE_PATH *f, char *out,
		       size_t outlen)
{
	const EFI_GUID *g = &f->FvFileName;

	ksnprintf(out, outlen, "%08X-%04X-%04X-%02X%02X-%02X%02X%02X%02X%02X%02X",
		  g->Data1, g->Data2, g->Data3, g->Data4[0], g->Data4[1], g->Data4[2],
		  g->Data4[3], g->Data4[4], g->Data4[5], g->Data4[6], g->Data4[7]);
}

/* From an image's device path: the file-path node's last component into
 * file, a firmware-volume file's GUID into fv ("" for what it lacks). */
static void dp_names(EFI_DEVICE_PATH *dp, char *file, char *fv, size_t len)
{
	file[0] = fv[0] = '\0';
	for (int i = 0; dp && i < DP_MAX_NODES && !IsDevicePathEnd(dp); i++) {
		UINTN n = DevicePathNodeLength(dp);

		if (n < 4)
			return;
		if (DevicePathType(dp) == MEDIA_DEVICE_PATH &&
		    DevicePathSubType(dp) == MEDIA_FILEPATH_DP &&
		    n > SIZE_OF_FILEPATH_DEVICE_PATH)
			dp_file_name((const FILEPATH_DEVICE_PATH *)dp, n, file, len);
		if (DevicePathType(dp) == MEDIA_DEVICE_PATH &&
		    DevicePathSubType(dp) == MEDIA_PIWG_FW_FILE_DP &&
		    n >= sizeof(MEDIA_FW_VOL_FILEPATH_DEVICE_PATH))
			dp_fv_name((const MEDIA_FW_VOL_FILEPATH_DEVICE_PATH *)dp, fv, len);
		dp = NextDevicePathNode(dp);
	}
}

/* One loaded image: base, size, sections and a name: its file's, else its
 * PE debug entry's, else its firmware-volume GUID, else image@0xBASE. */
static void image_fill(EFI_LOADED_IMAGE *li, struct fwsnap_image *im)
{
	const uint8_t *img = li->ImageBase;
	size_t len = (size_t)li->ImageSize;
	char fv[FWSNAP_NAME_MAX];

	memset(im, 0, sizeof(*im));
	im->base = (uint64_t)(uintptr_t)li->ImageBase;
	im->size = li->ImageSize;
	dp_names(li->FilePath, im->name, fv, sizeof(im->name));
	if (img && len) {
		fwsnap_pe_sections(img, len, im);
		if (!im->name[0])
			fwsnap_pe_debug_name(img, len, im->name, sizeof(im->name));
	}
	if (!im->name[0] && fv[0])
		str_copy(im->name, fv, sizeof(im->name));
	if (!im->name[0])
		ksnprintf(im->name, sizeof(im->name), "image@0x%llx",
			  (unsigned long long)im->base);
}

/* Every handle with EFI_LOADED_IMAGE_PROTOCOL into s->img. */
static EFI_STATUS images_fill(struct fwsnap *s)
{
	EFI_HANDLE *h = NULL;
	UINTN n = 0;
	EFI_STATUS st = uefi_call_wrapper(BS->LocateHandleBuffer, 5, ByProtocol,
					  &LoadedImageProtocol, NULL, &n, &h);

	if (EFI_ERROR(st))
		return st == EFI_NOT_FOUND ? EFI_SUCCESS : st;
	for (UINTN i = 0; i < n; i++) {
		EFI_LOADED_IMAGE *li;

		if (EFI_ERROR(uefi_call_wrapper(BS->HandleProtocol, 3, h[i],
						&LoadedImageProtocol, (void **)&li)) || !li)
			continue;
		if (s->nimg >= s->img_cap) {
			s->img_dropped++;
			continue;
		}
		image_fill(li, &s->img[s->nimg++]);
	}
	FreePool(h);
	return EFI_SUCCESS;
}

/* fwsnap_read_fn over the firmware's identity map (its tables lie in RAM
 * it maps). */
static int read_phys(void *ctx, uint64_t phys, uint8_t *dst)
{
	UNUSED(ctx);
	memcpy(dst, (const void *)(uintptr_t)phys, FWSNAP_PAGE_SIZE);
	return 0;
}

/* Everything that allocates: the table store, the slots, the images,
 * the MAT, the protocol look-up. */
static EFI_STATUS live_alloc(struct live *l)
{
	void *iface;
	EFI_STATUS st = uefi_call_wrapper(BS->AllocatePages, 4, AllocateAnyPages,
					  EfiLoaderData, FWSNAP_MAX_PT_PAGES, &l->store);

	if (EFI_ERROR(st))
		return st;
	l->s.pt = AllocateZeroPool(FWSNAP_MAX_PT_PAGES * sizeof(*l->s.pt));
	l->s.img = AllocateZeroPool(FWSNAP_MAX_IMAGES * sizeof(*l->s.img));
	if (!l->s.pt || !l->s.img)
		return EFI_OUT_OF_RESOURCES;
	l->s.pt_cap = FWSNAP_MAX_PT_PAGES;
	l->s.img_cap = FWSNAP_MAX_IMAGES;
	l->mat_copy = mat_copy(&l->s.mat_size);
	l->s.mat = l->mat_copy;
	l->s.mem_attr_protocol = !EFI_ERROR(LibLocateProtocol(&map_guid, &iface));
	return images_fill(&l->s);
}

/* The map, then (no allocation in between) the registers and tables. */
static EFI_STATUS live_capture(struct live *l)
{
	EFI_STATUS st = efi_memmap_get(&l->m);

	if (EFI_ERROR(st))
		return st;
	l->s.map = l->m.buf;
	l->s.map_size = l->m.size;
	l->s.desc_size = l->m.desc_size;
	l->s.desc_version = l->m.desc_version;
	l->s.cr0 = read_cr0();
	l->s.cr3 = read_cr3();
	l->s.cr4 = read_cr4();
	l->s.efer = read_efer();
	l->s.rsp = read_rsp();
	fwsnap_pt_capture(&l->s, (uint8_t (*)[FWSNAP_PAGE_SIZE])(uintptr_t)l->store,
			  FWSNAP_MAX_PT_PAGES, read_phys, NULL);
	return EFI_SUCCESS;
}

/* Gives back whatever live_alloc and live_capture got. */
static void live_free(struct live *l)
{
	efi_memmap_free(&l->m);
	if (l->mat_copy)
		FreePool(l->mat_copy);
	if (l->s.img)
		FreePool(l->s.img);
	if (l->s.pt)
		FreePool(l->s.pt);
	if (l->store)
		uefi_call_wrapper(BS->FreePages, 2, l->store, FWSNAP_MAX_PT_PAGES);
}

/* `audit`: snapshot, rules, verdicts; EFI_SECURITY_VIOLATION if one failed,
 * EFI_INVALID_PARAMETER for an argument, the firmware's error if the
 * snapshot could not be taken. */
EFI_STATUS cmd_audit(int argc, char **argv)
{
	static struct live l;
	static struct audit_report r;
	EFI_STATUS st;

	if (argc > 1)
		return cmd_bad_option("audit", argv[1]);
	memset(&l, 0, sizeof(l));
	fwsnap_init(&l.s);
	st = live_alloc(&l);
	if (!EFI_ERROR(st))
		st = live_capture(&l);
	if (EFI_ERROR(st)) {
		kprintf("efimm: audit: cannot take the snapshot: %s\n", efi_status_name(st));
		live_free(&l);
		return st;
	}
	audit_run(&l.s, &r);
	audit_print(&r);
	live_free(&l);
	return r.failed ? EFI_SECURITY_VIOLATION : EFI_SUCCESS;
}
