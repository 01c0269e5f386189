/*
 * pure/fwsnap.h - an in-memory snapshot of the firmware's memory
 * protection state, for the `audit` rules (pure/audit.h) and, later, a
 * snapshot file and its offline replay.  Pure data: nothing here calls
 * the firmware; the live snapshot is filled by efi/cmd/cmd_audit.c, a
 * test or a file reader fills it from its own buffers.
 *
 * The snapshot owns no memory: every buffer (map, MAT, page copies,
 * images) belongs to whoever filled it and must outlive it.  Every
 * reader here bounds-checks against the sizes recorded, so a snapshot
 * built from a hostile file can be walked safely.
 *
 * Page tables: the 4 KiB table pages reachable from CR3, each a copy
 * found by its physical address (pt[], sorted by phys).  The walk reads
 * tables only through fwsnap_pt_page(): a page not in the snapshot, a
 * table that is its own ancestor, or too much work ends it with an error,
 * never a read outside the copies.
 */
#ifndef PURE_FWSNAP_H
#define PURE_FWSNAP_H

#include "../lib/types.h"
#include "../mm/fwmap.h"

#define FWSNAP_PAGE_SIZE     4096u
#define FWSNAP_MAX_PT_PAGES  4096u  /* table pages a live capture keeps */
#define FWSNAP_MAX_IMAGES    256u
#define FWSNAP_MAX_SECTIONS  16u    /* sections kept per image */
#define FWSNAP_NAME_MAX      48u    /* image name, NUL included */
#define FWSNAP_WALK_MAX_TABLES 65536u /* table visits per walk */
/* The walk's error for a table that is its own ancestor (Linux's ELOOP;
 * lib/errno.h has no such number). */
#define FWSNAP_ELOOP 40

/* x86_64 paging bits the snapshot is read with (Intel SDM 3A 4.5). */
#define FWSNAP_PTE_P     (1ULL << 0)
#define FWSNAP_PTE_RW    (1ULL << 1)
#define FWSNAP_PTE_US    (1ULL << 2)
#define FWSNAP_PTE_PS    (1ULL << 7)
#define FWSNAP_PTE_XD    (1ULL << 63)
#define FWSNAP_PTE_ADDR  0x000FFFFFFFFFF000ULL
#define FWSNAP_CR0_WP    (1ULL << 16)
#define FWSNAP_CR4_LA57  (1ULL << 12)
#define FWSNAP_EFER_NXE  (1ULL << 11)
/* The walk's space: 48-bit linear addresses, [0, FWSNAP_VA_END). */
#define FWSNAP_VA_END    (1ULL << 48)

/* PE section characteristics the image rules read. */
#define FWSNAP_SCN_CNT_CODE  0x00000020u
#define FWSNAP_SCN_MEM_EXEC  0x20000000u
#define FWSNAP_SCN_MEM_WRITE 0x80000000u

/* One captured table page. */
struct fwsnap_ptpage {
	uint64_t phys;          /* 4 KiB aligned */
	const uint8_t *data;    /* FWSNAP_PAGE_SIZE bytes */
	uint8_t levels_seen;    /* capture bookkeeping; readers ignore it */
};

struct fwsnap_section {
	char name[9];           /* NUL-terminated */
	uint32_t rva, size;     /* size: VirtualSize (SizeOfRawData if 0) */
	uint32_t characteristics;
};

struct fwsnap_image {
	char name[FWSNAP_NAME_MAX];
	uint64_t base, size;
	bool pe_ok;             /* headers read; sect[] valid */
	uint32_t nsect;         /* kept, <= FWSNAP_MAX_SECTIONS */
	uint32_t nsect_total;   /* in the image's section table */
	struct fwsnap_section sect[FWSNAP_MAX_SECTIONS];
};

struct fwsnap {
	/* The raw UEFI memory map (GetMemoryMap's buffer). */
	const void *map;
	size_t map_size, desc_size;
	uint32_t desc_version;
	/* The raw Memory Attributes Table (header + descriptors); NULL if none. */
	const void *mat;
	size_t mat_size;
	/* Control registers and the stack pointer when captured. */
	uint64_t cr0, cr3, cr4, efer, rsp;
	bool mem_attr_protocol; /* EFI_MEMORY_ATTRIBUTE_PROTOCOL installed */
	/* Table pages, sorted by phys; pt_cap slots; pt_dropped did not fit. */
	struct fwsnap_ptpage *pt;
	size_t npt, pt_cap, pt_dropped;
	/* Loaded images; img_dropped did not fit. */
	struct fwsnap_image *img;
	size_t nimg, img_cap, img_dropped;
};

/* A mapped range the walk found: effective permissions of its leaf. */
struct fwsnap_leaf {
	uint64_t va;            /* canonical start (clipped to the walk's range) */
	uint64_t size;          /* bytes (clipped) */
	uint64_t phys;          /* physical address of va */
	int level;              /* 1: 4 KiB, 2: 2 MiB, 3: 1 GiB page */
	bool write, exec, user; /* effective over every level; exec honours NXE */
};

/* The Memory Attributes Table's header (UEFI 2.10, 4.6.4). */
struct fwsnap_mat_header {
	uint32_t version, entries, desc_size, flags;
};

/* Empties s (all counts 0, no buffers). */
void fwsnap_init(struct fwsnap *s);

/* The copy of the table page at phys, or NULL if it is not in s. */
const uint8_t *fwsnap_pt_page(const struct fwsnap *s, uint64_t phys);

/*
 * Adds the copy at data (FWSNAP_PAGE_SIZE bytes, not copied) as the page
 * at phys.  Returns 0; -EINVAL (phys not 4 KiB aligned); -EEXIST (already
 * there); -ENOSPC (pt_cap reached: pt_dropped counts it).
 */
int fwsnap_pt_add(struct fwsnap *s, uint64_t phys, const uint8_t *data);

/* Copies the 4 KiB page at phys into dst; returns 0 or a negative errno. */
typedef int (*fwsnap_read_fn)(void *ctx, uint64_t phys, uint8_t *dst);

/*
 * Captures the tables reachable from s->cr3 (4-level paging): each table
 * page once, read with read into store (store_pages pages; s->pt and
 * s->pt_cap must be set, pt_cap <= store_pages).  Unreadable pages are
 * skipped (the walk reports them missing).  Returns 0, or -ENOSPC when
 * pages were dropped for lack of room.
 */
int fwsnap_pt_capture(struct fwsnap *s, uint8_t (*store)[FWSNAP_PAGE_SIZE],
		      size_t store_pages, fwsnap_read_fn read, void *ctx);

typedef void (*fwsnap_leaf_fn)(void *ctx, const struct fwsnap_leaf *l);

/*
 * Calls fn for every present leaf overlapping the 48-bit linear range
 * [lo, hi] (hi < FWSNAP_VA_END), in address order, clipped to the range.
 * Returns 0; -ENOTSUP (CR4.LA57: 5-level paging); -ENOENT (a table page
 * not in the snapshot; *bad its address); -FWSNAP_ELOOP (a table that is its
 * own ancestor; *bad); -E2BIG (over FWSNAP_WALK_MAX_TABLES table visits);
 * -EINVAL (lo > hi or hi out of range).  fn may have been called before
 * an error.
 */
int fwsnap_walk(const struct fwsnap *s, uint64_t lo, uint64_t hi,
		fwsnap_leaf_fn fn, void *ctx, uint64_t *bad);

/* Looks va (48-bit linear) up: returns 1 and *out if mapped, 0 if not,
 * or fwsnap_walk's error. */
int fwsnap_lookup(const struct fwsnap *s, uint64_t va, struct fwsnap_leaf *out);

/* Number of memory-map descriptors, 0 if the map's shape is invalid
 * (memmap_fmt_check). */
size_t fwsnap_map_count(const struct fwsnap *s);
/* Descriptor i (< fwsnap_map_count). */
struct fw_desc fwsnap_map_desc(const struct fwsnap *s, size_t i);

/*
 * Checks the MAT's shape: header inside mat_size, descriptor size at
 * least 40 and a multiple of 8, every entry inside mat_size.  Returns 0
 * and *h, or -ENOENT (no MAT) or -EINVAL with *why.
 */
int fwsnap_mat_check(const struct fwsnap *s, struct fwsnap_mat_header *h,
		     const char **why);
/* MAT entry i (precondition: fwsnap_mat_check passed, i < h->entries). */
struct fw_desc fwsnap_mat_desc(const struct fwsnap *s,
			       const struct fwsnap_mat_header *h, size_t i);

/*
 * Reads the section table of a loaded PE32+ image (img: len bytes as
 * loaded, RVA = offset) into out->sect, nsect, nsect_total, pe_ok.
 * Reads only inside img.  Returns 0 or -ENOEXEC (not a readable PE).
 */
int fwsnap_pe_sections(const uint8_t *img, size_t len, struct fwsnap_image *out);

/*
 * The image's name from its CodeView debug entry (the PDB path's last
 * component, "DxeCore.pdb" -> "DxeCore.pdb").  Reads only inside img.
 * Returns 0 with name set, or -ENOENT (name untouched).
 */
int fwsnap_pe_debug_name(const uint8_t *img, size_t len, char *name,
			 size_t namelen);

#endif
