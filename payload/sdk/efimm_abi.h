/*
 * payload/sdk/efimm_abi.h - the binary interface between efimm and a
 * payload, defined once: the errno values, the K_MEM_* flags, the paging
 * statistics and the call table.  efimm includes it (lib/errno.h,
 * mm/kmem.h, mm/paging.h, machine/payload_api.h) and so does the SDK
 * (efimm.h, which is all a payload includes).  It needs only <stdint.h>
 * and <stddef.h>, so it compiles in both; the _Static_asserts at the end
 * pin the layout, so a change that would move a field fails to build.
 *
 * Entry: efimm jumps to the ELF's e_entry (the SDK's _start, crt0.S) in
 * ring 0 with
 *   RDI = const struct efimm_boot *   (valid for the payload's lifetime)
 *   RSP = top of the payload stack, 16-byte aligned, an unmapped guard
 *         page below the stack;
 * and never expects _start to return: a payload ends with api->exit().
 *
 * Calls: every service goes through the function-pointer table struct
 * efimm_api (System V AMD64 calling convention; efimm is built with gcc
 * too, with the SysV ABI for these functions).  Should payloads move to
 * ring 3 later, only the table's contents change, not the payloads.
 *
 * Pointers: every pointer a payload passes to a service is checked before
 * efimm touches the memory behind it (machine/uaccess.h): the range must
 * not wrap and must lie in mapped pages of the payload's image window or
 * of a live k_mem_map region, and an output must be writable.  A bad one
 * makes the call return -EFAULT (write returns it as a long).
 *
 * Versioning: EFIMM_ABI_VERSION is bumped when a field changes meaning or
 * moves; new slots are only ever appended to struct efimm_api, and
 * api->size tells a payload how many slots the running efimm filled.
 * The slots from write to k_mem_translate are mandatory (never NULL);
 * the later ones may be NULL (service not available yet): the SDK then
 * returns -ENOSYS.  Addresses are numbers of the payload's (= efimm's) address
 * space; physical addresses are uint64_t.
 */
#ifndef EFIMM_ABI_H
#define EFIMM_ABI_H

#include <stddef.h>
#include <stdint.h>

#define EFIMM_BOOT_MAGIC        0x4d4d4645u     /* "EFMM" little-endian */
#define EFIMM_ABI_VERSION       1u

/* Default link address of a payload (start of the payload image window). */
#define EFIMM_PAYLOAD_BASE      0x0000500000000000ULL

/* --- errno values: calls return them negated (-ENOMEM); Linux's values,
 * so that payload authors recognise them. ------------------------------- */
#define EPERM    1
#define ENOENT   2
#define EIO      5
#define E2BIG    7
#define ENOEXEC  8
#define EAGAIN  11
#define ENOMEM  12
#define EFAULT  14
#define EBUSY   16
#define EEXIST  17
#define EINVAL  22
#define ENOSPC  28
#define ERANGE  34
#define ENOSYS  38
#define ENOTSUP 95

/* --- K_MEM_* flags (the seed's, Zephyr's, values) ----------------------- */
/* Cache mode: the low three bits.  Only the modes below exist; the other
 * values of the mask (3 to 7) are refused with -EINVAL. */
#define K_MEM_CACHE_WB          0u
#define K_MEM_CACHE_WT          1u
#define K_MEM_CACHE_NONE        2u
#define K_MEM_CACHE_MASK        7u
#define K_MEM_CACHE_LAST        K_MEM_CACHE_NONE
/* Permissions.  Without K_MEM_PERM_RW a mapping is read-only; without
 * K_MEM_PERM_EXEC it is no-execute.  RW and EXEC together are refused
 * (-EINVAL): efimm keeps W^X everywhere. */
#define K_MEM_PERM_RW           (1u << 3)
#define K_MEM_PERM_EXEC         (1u << 4)
#define K_MEM_PERM_USER         (1u << 5)
/* Mapping options. */
#define K_MEM_MAP_UNINIT        (1u << 16)  /* don't zero anonymous memory */
#define K_MEM_MAP_LOCK          (1u << 17)  /* pin the frames */

/* --- paging statistics: Zephyr's k_mem_paging_stats_t (pagefaults,
 * eviction) extended.  Histogram bin i counts samples of at most
 * bounds[i] TSC cycles (and more than bounds[i - 1]). ------------------- */
#define K_MEM_PAGING_HISTOGRAM_BINS 16

struct k_mem_paging_histogram {
	uint64_t counts[K_MEM_PAGING_HISTOGRAM_BINS];
	uint64_t bounds[K_MEM_PAGING_HISTOGRAM_BINS];   /* cycles <= bound */
};

struct k_mem_paging_stats {
	struct {
		uint64_t cnt;
		uint64_t irq_locked;    /* faults taken with interrupts off */
		uint64_t irq_unlocked;  /* faults taken with interrupts on */
		uint64_t in_isr;
	} pagefaults;
	struct {
		uint64_t clean;         /* victim had a valid copy: no write */
		uint64_t dirty;         /* victim written to the store */
	} eviction;
	uint64_t page_ins;              /* pages read from the store */
	uint64_t page_outs;             /* pages written to the store */
	uint64_t zero_fills;            /* first touches of zero-fill memory */
	struct k_mem_paging_histogram fault_cycles;  /* serving one fault */
	struct k_mem_paging_histogram store_cycles;  /* one store read/write */
	/* State, not counters: the backing store's slots now. */
	uint64_t store_slots;
	uint64_t store_slots_free;
};

struct efimm_api {
	/* sizeof(struct efimm_api) as the running efimm was built. */
	uint32_t size;
	uint32_t reserved;

	/* Console: writes len bytes ("\n" starts a new line); returns len,
	 * or -EFAULT (s..s+len not readable payload memory: nothing written). */
	long (*write)(const char *s, size_t len);
	/* Ends the payload with status (0 = success); efimm prints it. */
	__attribute__((noreturn)) void (*exit)(int status);

	/*
	 * Anonymous memory in the k_mem_map area, with an unmapped guard page
	 * on each side (mm/kmem.h semantics, K_MEM_* flags).  Returns 0 and
	 * *addr, -EINVAL (size 0 or not page-multiple, RW|EXEC, a cache mode
	 * above K_MEM_CACHE_LAST, unknown flags), -ENOMEM, -EFAULT (addr not
	 * writable).  Nothing leaks on failure.
	 */
	int (*k_mem_map)(size_t size, uint32_t flags, void **addr);
	/* Unmaps exactly a range k_mem_map returned: 0 or -EINVAL. */
	int (*k_mem_unmap)(void *addr, size_t size);
	/* Bytes of free RAM. */
	size_t (*k_mem_free_get)(void);
	/*
	 * Looks up addr in the page tables.  Returns 0 with *phys (exact byte
	 * address) and *flags (K_MEM_PERM_* | K_MEM_CACHE_*) when resident;
	 * -ENOENT when mapped but not yet populated (lazy memory never
	 * touched: the first touch gives it a frame); -EAGAIN when mapped but
	 * paged out (a touch pages it in); -EFAULT when not mapped, or when
	 * phys or flags is not a writable payload address; -EINVAL when
	 * non-canonical.  phys and flags may be NULL.
	 */
	int (*k_mem_translate)(const void *addr, uint64_t *phys,
			       uint32_t *flags);

	/* Demand paging (later; NULL until then).  Ranges as k_mem_map's. */
	int (*k_mem_page_out)(void *addr, size_t size);
	int (*k_mem_page_in)(void *addr, size_t size);
	int (*k_mem_pin)(void *addr, size_t size);
	int (*k_mem_unpin)(void *addr, size_t size);
	int (*k_mem_page_frame_evict)(uint64_t phys);
	/* Stores the number of page faults handled so far; returns 0, or
	 * -EFAULT (count not writable). */
	int (*k_mem_num_pagefaults_get)(uint64_t *count);
	/* Copies min(size, efimm's size) bytes of its paging statistics
	 * structure (layout defined with the paging code) to stats; returns
	 * the number of bytes efimm's structure has, or -EFAULT (stats not
	 * writable for that many bytes: nothing copied). */
	int (*k_mem_paging_stats_get)(void *stats, size_t size);
	/* Prints efimm's live page tables, range view (`ptdump --ranges`),
	 * ending in the W+X audit line. */
	void (*ptdump)(void);
	/* Prints the memory map efimm took over: ranges and RAM per state,
	 * and the frame database's size and free frames. */
	void (*memmap_summary)(void);
	/* Prints efimm's paging statistics (the `paging=1` report). */
	void (*paging_stats_print)(void);

	/*
	 * The test API (efimm.h's efimm_test_*).  efimm keeps the counts and
	 * prints the TAP lines.  test_plan: the number of test points the
	 * payload will record (once; a second call is itself a failed point).
	 * test_point: records one point with result EFIMM_TEST_PASS/FAIL/SKIP
	 * and a description of len bytes (no NUL needed; cut at 200); returns
	 * 0 or -EFAULT (desc not readable: nothing recorded).
	 * test_expect_fault: runs fn(arg) and records a pass only if it raises
	 * exactly exception vector (for #PF at addr too unless addr is NULL);
	 * returns 1 for a pass, 0 for a failure, -EINVAL (vector not 0..31)
	 * or -EBUSY (called from inside fn).
	 */
	void (*test_plan)(int count);
	int (*test_point)(int result, const char *desc, size_t len);
	int (*test_expect_fault)(int vector, const void *addr,
				 void (*fn)(void *), void *arg);
};

/* test_point's result. */
#define EFIMM_TEST_FAIL 0
#define EFIMM_TEST_PASS 1
#define EFIMM_TEST_SKIP 2

struct efimm_boot {
	uint32_t magic;                 /* EFIMM_BOOT_MAGIC */
	uint32_t version;               /* EFIMM_ABI_VERSION */
	int argc;
	char **argv;                    /* argv[0] = the payload's path */
	const struct efimm_api *api;
};

/*
 * The layout, fixed: payloads built against an older SDK rely on these
 * offsets.  A new slot goes at the end (and bumps the size checked here);
 * moving or resizing a field needs a new EFIMM_ABI_VERSION.
 */
#define EFIMM_ABI_AT(type, field, off) \
	_Static_assert(offsetof(struct type, field) == (off), \
		       #type "." #field " moved: the payload ABI changed")

EFIMM_ABI_AT(efimm_api, size, 0);
EFIMM_ABI_AT(efimm_api, reserved, 4);
EFIMM_ABI_AT(efimm_api, write, 8);
EFIMM_ABI_AT(efimm_api, exit, 16);
EFIMM_ABI_AT(efimm_api, k_mem_map, 24);
EFIMM_ABI_AT(efimm_api, k_mem_unmap, 32);
EFIMM_ABI_AT(efimm_api, k_mem_free_get, 40);
EFIMM_ABI_AT(efimm_api, k_mem_translate, 48);
EFIMM_ABI_AT(efimm_api, k_mem_page_out, 56);
EFIMM_ABI_AT(efimm_api, k_mem_page_in, 64);
EFIMM_ABI_AT(efimm_api, k_mem_pin, 72);
EFIMM_ABI_AT(efimm_api, k_mem_unpin, 80);
EFIMM_ABI_AT(efimm_api, k_mem_page_frame_evict, 88);
EFIMM_ABI_AT(efimm_api, k_mem_num_pagefaults_get, 96);
EFIMM_ABI_AT(efimm_api, k_mem_paging_stats_get, 104);
EFIMM_ABI_AT(efimm_api, ptdump, 112);
EFIMM_ABI_AT(efimm_api, memmap_summary, 120);
EFIMM_ABI_AT(efimm_api, paging_stats_print, 128);
EFIMM_ABI_AT(efimm_api, test_plan, 136);
EFIMM_ABI_AT(efimm_api, test_point, 144);
EFIMM_ABI_AT(efimm_api, test_expect_fault, 152);
_Static_assert(sizeof(struct efimm_api) == 160, "struct efimm_api: size changed");

EFIMM_ABI_AT(efimm_boot, magic, 0);
EFIMM_ABI_AT(efimm_boot, version, 4);
EFIMM_ABI_AT(efimm_boot, argc, 8);
EFIMM_ABI_AT(efimm_boot, argv, 16);
EFIMM_ABI_AT(efimm_boot, api, 24);
_Static_assert(sizeof(struct efimm_boot) == 32, "struct efimm_boot: size changed");

EFIMM_ABI_AT(k_mem_paging_histogram, counts, 0);
EFIMM_ABI_AT(k_mem_paging_histogram, bounds, 8 * K_MEM_PAGING_HISTOGRAM_BINS);
EFIMM_ABI_AT(k_mem_paging_stats, pagefaults.cnt, 0);
EFIMM_ABI_AT(k_mem_paging_stats, pagefaults.in_isr, 24);
EFIMM_ABI_AT(k_mem_paging_stats, eviction.clean, 32);
EFIMM_ABI_AT(k_mem_paging_stats, eviction.dirty, 40);
EFIMM_ABI_AT(k_mem_paging_stats, page_ins, 48);
EFIMM_ABI_AT(k_mem_paging_stats, page_outs, 56);
EFIMM_ABI_AT(k_mem_paging_stats, zero_fills, 64);
EFIMM_ABI_AT(k_mem_paging_stats, fault_cycles, 72);
EFIMM_ABI_AT(k_mem_paging_stats, store_cycles, 328);
EFIMM_ABI_AT(k_mem_paging_stats, store_slots, 584);
EFIMM_ABI_AT(k_mem_paging_stats, store_slots_free, 592);
_Static_assert(sizeof(struct k_mem_paging_stats) == 600,
	       "struct k_mem_paging_stats: size changed");

#undef EFIMM_ABI_AT

#endif
