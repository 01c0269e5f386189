/*
 * efi/cmd/fwsnap_live.c - the live machine's snapshot (pure/fwsnap.h),
 * for `audit` and `snapshot` (contracts in fwsnap_live.h).
 */
#include "fwsnap_live.h"

#include "../../arch/x86_64/cpu.h"
#include "../../lib/kstring.h"
#include "../../lib/printf.h"

#define MAT_MAX_SIZE (1u << 20)
#define DP_MAX_NODES 64

static EFI_GUID mat_guid = { 0xdcfa911d, 0x26eb, 0x469f,
			     { 0xa2, 0x20, 0x38, 0xb7, 0xdc, 0x46, 0x12, 0x20 } };
static EFI_GUID map_guid = { 0xf4560cf6, 0x40ec, 0x4b4a,
			     { 0xa1, 0x92, 0xbf, 0x1d, 0x57, 0xd0, 0xb1, 0x89 } };

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

/* The CPUID leaves a snapshot keeps (pure/snapfile.h, CPUID section). */
static const uint32_t cpuid_leaves[][2] = {
	{ 0, 0 }, { 1, 0 }, { 7, 0 }, { 0x80000000, 0 }, { 0x80000001, 0 },
	{ 0x80000008, 0 },
};

/* Each leaf of cpuid_leaves the CPU has (up to its maximum basic and
 * extended leaf) into m. */
static void cpuid_fill(struct snapfile_meta *m)
{
	uint32_t max_basic = 0, max_ext = 0;

	m->ncpuid = 0;
	for (size_t i = 0; i < ARRAY_SIZE(cpuid_leaves); i++) {
		struct snapfile_cpuid *c = &m->cpuid[m->ncpuid];
		uint32_t leaf = cpuid_leaves[i][0];

		if ((leaf < 0x80000000 && leaf > max_basic && leaf) ||
		    (leaf > 0x80000000 && leaf > max_ext))
			continue;
		c->leaf = leaf;
		c->subleaf = cpuid_leaves[i][1];
		__asm__ volatile("cpuid" : "=a"(c->eax), "=b"(c->ebx), "=c"(c->ecx),
				 "=d"(c->edx) : "a"(leaf), "c"(c->subleaf));
		if (leaf == 0)
			max_basic = c->eax;
		if (leaf == 0x80000000)
			max_ext = c->eax;
		m->ncpuid++;
	}
}

/* fwsnap_read_fn over the firmware's identity map (its tables lie in RAM
 * it maps). */
static int read_phys(void *ctx, uint64_t phys, uint8_t *dst)
{
	UNUSED(ctx);
	memcpy(dst, (const void *)(uintptr_t)phys, FWSNAP_PAGE_SIZE);
	return 0;
}

EFI_STATUS fwsnap_live_alloc(struct fwsnap_live *l)
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

EFI_STATUS fwsnap_live_capture(struct fwsnap_live *l)
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
	l->meta.pat = cpu_read_pat();
	cpuid_fill(&l->meta);
	fwsnap_pt_capture(&l->s, (uint8_t (*)[FWSNAP_PAGE_SIZE])(uintptr_t)l->store,
			  FWSNAP_MAX_PT_PAGES, read_phys, NULL);
	return EFI_SUCCESS;
}

void fwsnap_live_free(struct fwsnap_live *l)
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

