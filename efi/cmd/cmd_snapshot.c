/*
 * efi/cmd/cmd_snapshot.c - `snapshot [PATH]`: the firmware's memory
 * protection state written to the ESP as a snapshot file
 * (pure/snapfile.h), then the range view of the tables efimm would build
 * from exactly the memory map in it (what `ptdump --efimm --ranges`
 * prints), so that tools/efimm-replay can be checked against it.
 *
 * The bring-up needs a pool of its own, allocated with every other
 * buffer before the map is read: the map in the file then shows it
 * (LoaderData), and the file's LAYOUT section records it as the only
 * free memory the sanitiser was given, as the preview does.
 */
#include "commands.h"
#include "fwsnap_live.h"

#include "../../arch/x86_64/machine.h"
#include "../../lib/errno.h"
#include "../../lib/kstring.h"
#include "../../lib/printf.h"
#include "../../mm/memmap.h"

#ifndef EFIMM_VERSION
#define EFIMM_VERSION "unknown"
#endif

#define SNAP_DIR        "\\efimm\\snapshots\\"
#define SNAP_MAX_NUMBER 9999
#define SNAP_PATH_MAX   200
/* Table pages the bring-up may need beyond the frame database (as the
 * preview's pool, efi/fw/mmboot_fw.c). */
#define SNAP_TABLE_PAGES 1024

struct snap_state {
	struct fwsnap_live live;
	struct mmboot_layout layout;
	EFI_PHYSICAL_ADDRESS pool;
	UINTN pool_pages;
	void *file;
};

/* The first free SNAP_DIR "snap-NNNN.bin" into path; EFI_OUT_OF_RESOURCES
 * when all SNAP_MAX_NUMBER are taken. */
static EFI_STATUS next_name(char *path, size_t len)
{
	for (unsigned int n = 1; n <= SNAP_MAX_NUMBER; n++) {
		ksnprintf(path, len, "%ssnap-%04u.bin", SNAP_DIR, n);
		if (!efi_file_exists(path))
			return EFI_SUCCESS;
	}
	return EFI_OUT_OF_RESOURCES;
}

/* The bring-up's pool: 8 bytes per frame of RAM in the map now, plus
 * table pages. */
static EFI_STATUS take_pool(struct snap_state *st)
{
	struct efi_memmap m;
	uint64_t frames = 0;
	EFI_STATUS s = efi_memmap_get(&m);

	if (EFI_ERROR(s))
		return s;
	for (UINTN off = 0; off + m.desc_size <= m.size; off += m.desc_size) {
		const struct fw_desc *d = (const void *)((const uint8_t *)m.buf + off);

		if (memmap_type_is_ram(d->type))
			frames += d->num_pages;
	}
	efi_memmap_free(&m);
	st->pool_pages = ALIGN_UP(frames * 8, PAGE_SIZE) / PAGE_SIZE + SNAP_TABLE_PAGES;
	return uefi_call_wrapper(BS->AllocatePages, 4, AllocateAnyPages,
				 EfiLoaderData, st->pool_pages, &st->pool);
}

/* What the bring-up gets besides the map, into the file's LAYOUT. */
static void layout_to_meta(const struct snap_state *st, struct snapfile_layout *o)
{
	const struct mmboot_layout *l = &st->layout;

	o->text = l->img.text_start;
	o->text_end = l->img.text_end;
	o->rodata = l->img.rodata_start;
	o->rodata_end = l->img.rodata_end;
	o->data = l->img.data_start;
	o->data_end = l->img.data_end;
	o->owned = st->pool;
	o->owned_end = st->pool + st->pool_pages * PAGE_SIZE;
	o->nextra = (uint32_t)MIN(l->nextra, (size_t)SNAPFILE_MAX_EXTRA);
	for (uint32_t i = 0; i < o->nextra; i++)
		o->extra[i] = (struct snapfile_extra){ l->extra[i].start, l->extra[i].size,
						       l->extra[i].cache, l->extra[i].access };
}

/* Buffers, the pool and the layout, then the capture: one moment. */
static EFI_STATUS capture(struct snap_state *st)
{
	EFI_STATUS s;

	memset(st, 0, sizeof(*st));
	fwsnap_init(&st->live.s);
	s = fwsnap_live_alloc(&st->live);
	if (!EFI_ERROR(s))
		s = take_pool(st);
	if (EFI_ERROR(s))
		return s;
	mmboot_layout_get(&st->layout);
	s = fwsnap_live_capture(&st->live);
	if (EFI_ERROR(s))
		return s;
	str_copy(st->live.meta.version, EFIMM_VERSION, SNAPFILE_VERSION_MAX);
	st->live.meta.has_layout = true;
	layout_to_meta(st, &st->live.meta.layout);
	return EFI_SUCCESS;
}

/* The file at path; prints the path, or one line saying why not. */
static EFI_STATUS write_file(struct snap_state *st, const char *path)
{
	size_t n = snapfile_size(&st->live.s, &st->live.meta);
	char why[96];
	long len;
	EFI_STATUS s;

	st->file = AllocatePool(n);
	if (!st->file)
		return EFI_OUT_OF_RESOURCES;
	len = snapfile_write(&st->live.s, &st->live.meta, st->file, n);
	if (len < 0) {
		kprintf("efimm: snapshot: cannot encode the snapshot: %s\n", errno_name((int)len));
		return EFI_LOAD_ERROR;
	}
	s = efi_file_write(path, st->file, (UINTN)len);
	if (EFI_ERROR(s)) {
		kprintf("efimm: snapshot: %s: cannot write: %s\n", path,
			efi_file_error(s, 0, 0, why, sizeof(why)));
		return s;
	}
	kprintf("snapshot: wrote %s (%ld bytes, %zu table pages, %zu images)\n", path,
		len, st->live.s.npt, st->live.s.nimg);
	return EFI_SUCCESS;
}

/* The bring-up on the file's map and its range view, as `ptdump --efimm
 * --ranges` prints it. */
static EFI_STATUS show_tables(struct snap_state *st)
{
	const struct fwsnap *s = &st->live.s;
	struct mem_range owned = { .start = st->pool,
				   .end = st->pool + st->pool_pages * PAGE_SIZE };
	struct memmap_opts o = { .boot_services_up = true, .owned = &owned, .nowned = 1 };
	struct mmboot_outcome out;
	char header[120];
	int err = mmboot_bring_up(&(struct mmboot_map){ .buf = s->map, .size = s->map_size,
						       .desc_size = s->desc_size },
				  &o, &st->layout, &out);

	if (err) {
		kprintf("efimm: snapshot: %s: %s\n", out.failed, errno_name(err));
		return EFI_LOAD_ERROR;
	}
	ksnprintf(header, sizeof(header), "Page tables: %s (root 0x%lx)",
		  "efimm's, built from the memory map", (unsigned long)paddr_raw(arch_pt_root()));
	mmboot_ptdump_ranges(arch_pt_root(), arch_pt_levels(), header, &st->layout);
	return EFI_SUCCESS;
}

/* Gives back the file buffer, the pool and the snapshot's buffers. */
static void release(struct snap_state *st)
{
	if (st->file)
		FreePool(st->file);
	if (st->pool)
		uefi_call_wrapper(BS->FreePages, 2, st->pool, st->pool_pages);
	fwsnap_live_free(&st->live);
}

/* PATH as given, else the first free default name. */
static EFI_STATUS choose_path(int argc, char **argv, char *path, size_t len)
{
	if (argc == 2) {
		str_copy(path, argv[1], len);
		return EFI_SUCCESS;
	}
	if (!EFI_ERROR(next_name(path, len)))
		return EFI_SUCCESS;
	kprintf("efimm: snapshot: %s: every name up to snap-%04u.bin is taken\n",
		SNAP_DIR, SNAP_MAX_NUMBER);
	return EFI_OUT_OF_RESOURCES;
}

/* `snapshot [PATH]`: EFI_SUCCESS, EFI_INVALID_PARAMETER for an argument,
 * or the error of the step that failed (after one line naming it). */
EFI_STATUS cmd_snapshot(int argc, char **argv)
{
	static struct snap_state st;
	char path[SNAP_PATH_MAX];
	EFI_STATUS s;

	if (argc > 2)
		return cmd_bad_arg("snapshot", argv[2], "one path only");
	if (argc == 2 && argv[1][0] == '-')
		return cmd_bad_option("snapshot", argv[1]);
	if (argc == 2 && strlen(argv[1]) >= sizeof(path))
		return cmd_bad_arg("snapshot", argv[1], "path too long");
	/* The bring-up below replaces the memory core's state: an earlier
	 * preview's pool is given back, and the next preview starts afresh. */
	mmboot_preview_release();
	s = capture(&st);
	if (EFI_ERROR(s))
		kprintf("efimm: snapshot: cannot take the snapshot: %s\n", efi_status_name(s));
	if (!EFI_ERROR(s))
		s = choose_path(argc, argv, path, sizeof(path));
	if (!EFI_ERROR(s))
		s = write_file(&st, path);
	if (!EFI_ERROR(s))
		s = show_tables(&st);
	release(&st);
	return s;
}
