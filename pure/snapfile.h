/*
 * pure/snapfile.h - the snapshot file: a firmware snapshot (pure/fwsnap.h)
 * with what efimm's own bring-up used, written by `snapshot` to the ESP
 * and read back by tools/efimm-replay and tools/efimm-report.
 *
 * Format, version 1.  Every integer is little-endian; every section starts
 * at a multiple of 8 bytes from the start of the file.
 *
 *   file header, 32 bytes
 *     0  char magic[8]        "EFIMMSNP"
 *     8  u32  version         1 (SNAPFILE_VERSION)
 *    12  u32  nsections
 *    16  u64  file_size       the whole file, bytes
 *    24  u64  reserved        0
 *   then nsections sections, each
 *     0  u32  type            SNAPFILE_SEC_*
 *     4  u32  reserved        0
 *     8  u64  length          payload bytes (header and padding excluded)
 *    16  payload, then zero bytes up to a multiple of 8
 *
 *   type  name     payload                                       needed
 *   1     EFIMM    efimm's version, ASCII, NUL-terminated (<= 64)   yes
 *   2     REGS     u64 cr0, cr3, cr4, efer, rsp, pat, flags          yes
 *                  (flags bit 0: Memory Attribute Protocol present)
 *   3     CPUID    n x { u32 leaf, subleaf, eax, ebx, ecx, edx }     yes
 *                  (leaves 0, 1, 7.0, 0x80000000, 0x80000001,
 *                  0x80000008: NX, 1 GiB pages, LA57, SMEP, SMAP,
 *                  PCID, physical-address width)
 *   4     MEMMAP   u32 desc_size, u32 desc_version, then the raw      yes
 *                  GetMemoryMap buffer (a multiple of desc_size)
 *   5     MAT      the raw Memory Attributes Table (header and        no
 *                  descriptors); absent when the firmware has none
 *   6     PTPAGES  u64 count, u64 dropped, then count x              yes
 *                  { u64 phys, 4096 bytes }: every table page
 *                  reachable from CR3, ascending phys (dropped: pages
 *                  the capture had no room for)
 *   7     IMAGES   u32 count, u32 dropped, then count x 400 bytes:   yes
 *                  char name[48] (NUL-terminated), u64 base, u64
 *                  size, u32 flags (bit 0: PE headers read), u32
 *                  nsect (<= 16), u32 nsect_total, u32 reserved,
 *                  16 x { char name[8], u32 rva, u32 size,
 *                  u32 characteristics }
 *   8     LAYOUT   what efimm's tables were built with: u64 text,     no
 *                  text_end, rodata, rodata_end, data, data_end
 *                  (efimm's sections), u64 owned, owned_end (the
 *                  pool the preview sanitised as the only free RAM),
 *                  u32 nextra, u32 reserved, then nextra x
 *                  { u64 start, u64 size, u32 cache, u32 access }
 *                  (framebuffer first, then the MAT's ranges)
 *
 * A reader of version 1 skips section types it does not know (later
 * additions keep the version); a different version is refused.  Each
 * known type appears at most once.
 *
 * Both sides are pure: the writer fills a caller's buffer, the reader
 * points the snapshot into the caller's (8-byte aligned) buffer, which
 * must outlive it.
 */
#ifndef PURE_SNAPFILE_H
#define PURE_SNAPFILE_H

#include "fwsnap.h"

#define SNAPFILE_MAGIC        "EFIMMSNP"
#define SNAPFILE_VERSION      1u
#define SNAPFILE_HEADER_SIZE  32u
#define SNAPFILE_SEC_HEADER   16u
#define SNAPFILE_VERSION_MAX  64u   /* efimm's version, NUL included */
#define SNAPFILE_MAX_CPUID    16u
#define SNAPFILE_MAX_EXTRA    256u
#define SNAPFILE_IMAGE_SIZE   400u
#define SNAPFILE_WHY_MAX      160u

enum snapfile_sec {
	SNAPFILE_SEC_EFIMM = 1,
	SNAPFILE_SEC_REGS,
	SNAPFILE_SEC_CPUID,
	SNAPFILE_SEC_MEMMAP,
	SNAPFILE_SEC_MAT,
	SNAPFILE_SEC_PTPAGES,
	SNAPFILE_SEC_IMAGES,
	SNAPFILE_SEC_LAYOUT,
	SNAPFILE_SEC_COUNT      /* one past the last known type */
};

struct snapfile_cpuid {
	uint32_t leaf, subleaf, eax, ebx, ecx, edx;
};

/* An extra range of efimm's tables (mm/kas.h struct kas_extra). */
struct snapfile_extra {
	uint64_t start, size;
	uint32_t cache, access;
};

/* What efimm's bring-up was given besides the map (machine/mmboot.h). */
struct snapfile_layout {
	uint64_t text, text_end, rodata, rodata_end, data, data_end;
	uint64_t owned, owned_end;
	uint32_t nextra;
	struct snapfile_extra extra[SNAPFILE_MAX_EXTRA];
};

/* What a file holds beyond struct fwsnap. */
struct snapfile_meta {
	char version[SNAPFILE_VERSION_MAX];
	uint64_t pat;
	struct snapfile_cpuid cpuid[SNAPFILE_MAX_CPUID];
	uint32_t ncpuid;
	bool has_layout;
	struct snapfile_layout layout;
};

/* A file read back: the snapshot, its metadata and the slots they use. */
struct snapfile {
	struct fwsnap s;
	struct snapfile_meta m;
	struct fwsnap_ptpage pt[FWSNAP_MAX_PT_PAGES];
	struct fwsnap_image img[FWSNAP_MAX_IMAGES];
};

/* Bytes snapfile_write needs for s and m. */
size_t snapfile_size(const struct fwsnap *s, const struct snapfile_meta *m);

/*
 * Writes s and m as a version-1 file into buf (cap bytes).  Returns the
 * file's size, or -ENOSPC (cap < snapfile_size) or -EINVAL (s's map or
 * counts do not fit the format: desc_size 0, over the maxima).
 */
long snapfile_write(const struct fwsnap *s, const struct snapfile_meta *m,
		    uint8_t *buf, size_t cap);

/*
 * Reads the file in buf (len bytes, 8-byte aligned, kept alive while f
 * is used) into f.  Checks the header, the version, every section's
 * bounds and shape, and walks the tables from CR3: a table page that is
 * not in the file, a loop, or too much work refuses it (unless the
 * capture recorded dropped pages, or the CPU ran 5-level paging, which
 * the walk does not read).  Returns 0, or -EINVAL with the reason, one
 * line without the file name, in why (SNAPFILE_WHY_MAX bytes).
 */
int snapfile_read(const uint8_t *buf, size_t len, struct snapfile *f, char *why);

/* Finds leaf.subleaf in m; returns true and *out, or false. */
bool snapfile_cpuid_get(const struct snapfile_meta *m, uint32_t leaf,
			uint32_t subleaf, struct snapfile_cpuid *out);

#endif
