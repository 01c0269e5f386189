/*
 * payload/sdk/efimm_abi.h - the binary interface between efimm and a
 * payload, defined once: the errno values, the K_MEM_* flags, the paging
 * statistics and the system calls.  efimm includes it (lib/errno.h,
 * mm/kmem.h, mm/paging.h, machine/payload_api.h) and so does the SDK
 * (efimm.h, which is all a payload includes).  It needs only <stdint.h>
 * and <stddef.h>, so it compiles in both; the _Static_asserts at the end
 * pin the layout, so a change that would move a field fails to build.
 *
 * Entry: efimm jumps to the ELF's e_entry (the SDK's _start, crt0.S) in
 * ring 3 (ring 0 with the run option ring=0) with
 *   RDI = const struct efimm_boot *   (valid for the payload's lifetime)
 *   RSP = top of the payload stack, 16-byte aligned, an unmapped guard
 *         page below the stack;
 * and never expects _start to return: a payload ends with EFIMM_SYS_EXIT.
 *
 * Calls: every service is a system call through an interrupt gate,
 * `int $EFIMM_SYSCALL_VECTOR` (0x80), the same instruction in ring 3 and
 * ring 0 (README "Ring 3" says why a gate and not SYSCALL): RAX = the call
 * number (EFIMM_SYS_*), arguments in RDI, RSI, RDX, R10, R8 (Linux's
 * order), the result in RAX; every other register is preserved.  An
 * unknown number returns -ENOSYS.
 *
 * Pointers: every pointer a payload passes to a service is checked before
 * efimm touches the memory behind it (machine/uaccess.h): the range must
 * not wrap and must lie in mapped pages of the payload's image window or
 * of a live k_mem_map region, and an output must be writable.  A bad one
 * makes the call return -EFAULT, with nothing read or written.
 *
 * Versioning: EFIMM_ABI_VERSION is bumped when a field or a call changes
 * meaning or moves; new calls only ever take new numbers.  Version 2
 * replaced version 1's table of function pointers by system calls.
 * Addresses are numbers of the payload's address space (efimm's own
 * mappings are in it too, supervisor-only); physical addresses are
 * uint64_t.
 */
#ifndef EFIMM_ABI_H
#define EFIMM_ABI_H

#ifndef __ASSEMBLER__
#include <stddef.h>
#include <stdint.h>
#endif

#define EFIMM_BOOT_MAGIC        0x4d4d4645u     /* "EFMM" little-endian */
#define EFIMM_ABI_VERSION       2u

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
#define ETIMEDOUT 110

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

#ifndef __ASSEMBLER__
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
	/* TLB shootdowns since boot (README "Multiple CPUs"): a round is one
	 * batch of invalidations sent to every other CPU, with one IPI each. */
	struct {
		uint64_t shootdowns;    /* rounds that reached another CPU */
		uint64_t pages;         /* addresses they carried */
		uint64_t full;          /* rounds that were full flushes */
		uint64_t ipis;          /* IPIs sent */
		uint64_t skipped;       /* rounds shootdown=off left out */
	} tlb;
};
#endif /* !__ASSEMBLER__ */

/* --- system calls: numbers and contracts ------------------------------ */
#define EFIMM_SYSCALL_VECTOR    0x80

/* Does nothing and returns 0: the round trip's cost (make bench). */
#define EFIMM_SYS_NULL                  0
/* write(s, len): writes len bytes ("\n" starts a new line); returns len,
 * or -EFAULT (s..s+len not readable payload memory: nothing written). */
#define EFIMM_SYS_WRITE                 1
/* exit(status): ends the payload (0 = success); efimm prints it. */
#define EFIMM_SYS_EXIT                  2
/*
 * k_mem_map(size, flags, void **addr): anonymous memory in the k_mem_map
 * area, with an unmapped guard page on each side (mm/kmem.h semantics,
 * K_MEM_* flags).  Returns 0 and *addr, -EINVAL (size 0 or not
 * page-multiple, RW|EXEC, a cache mode above K_MEM_CACHE_LAST, unknown
 * flags), -ENOMEM, -EFAULT (addr not writable).  Nothing leaks on failure.
 */
#define EFIMM_SYS_K_MEM_MAP             3
/* k_mem_unmap(addr, size): exactly a range k_mem_map returned: 0 or -EINVAL. */
#define EFIMM_SYS_K_MEM_UNMAP           4
/* k_mem_free_get(): bytes of free RAM. */
#define EFIMM_SYS_K_MEM_FREE_GET        5
/*
 * k_mem_translate(addr, uint64_t *phys, uint32_t *flags): 0 with *phys
 * (exact byte address) and *flags (K_MEM_PERM_* | K_MEM_CACHE_*) when
 * resident; -ENOENT when mapped but not yet populated; -EAGAIN when paged
 * out; -EFAULT when not mapped, or when phys or flags is not a writable
 * payload address; -EINVAL when non-canonical.  Any address may be
 * asked about (efimm's own mappings read back without K_MEM_PERM_USER).
 * phys and flags may be NULL.
 */
#define EFIMM_SYS_K_MEM_TRANSLATE       6
/* Demand paging, ranges as k_mem_map's (efimm.h has the contracts). */
#define EFIMM_SYS_K_MEM_PAGE_OUT        7
#define EFIMM_SYS_K_MEM_PAGE_IN         8
#define EFIMM_SYS_K_MEM_PIN             9
#define EFIMM_SYS_K_MEM_UNPIN           10
/* k_mem_page_frame_evict(uint64_t phys). */
#define EFIMM_SYS_K_MEM_PAGE_FRAME_EVICT 11
/* num_pagefaults_get(uint64_t *count): 0 or -EFAULT. */
#define EFIMM_SYS_K_MEM_NUM_PAGEFAULTS_GET 12
/* paging_stats_get(void *stats, size): copies min(size, efimm's size)
 * bytes of struct k_mem_paging_stats; returns efimm's size, or -EFAULT
 * (nothing copied). */
#define EFIMM_SYS_K_MEM_PAGING_STATS_GET 13
/* Prints efimm's live page tables (`ptdump --ranges`, W+X audit line). */
#define EFIMM_SYS_PTDUMP                14
/* Prints the memory map summary and the frame database's counts. */
#define EFIMM_SYS_MEMMAP_SUMMARY        15
/* Prints efimm's paging statistics (the `paging=1` report). */
#define EFIMM_SYS_PAGING_STATS_PRINT    16
/*
 * The test API (efimm.h's efimm_test_*); efimm keeps the counts and prints
 * the TAP lines.  test_plan(count): once (a second call is itself a
 * failed point).  test_point(result, desc, len): result EFIMM_TEST_*,
 * desc of len bytes (no NUL needed; cut at 200); 0 or -EFAULT (nothing
 * recorded).
 */
#define EFIMM_SYS_TEST_PLAN             17
#define EFIMM_SYS_TEST_POINT            18
/*
 * Expected faults, as setjmp/longjmp: expect_begin(vector, addr) returns
 * 0, and efimm keeps the caller's registers; if an exception then comes
 * from the payload, efimm records the point and makes expect_begin return
 * a second time with every register as it was at that first return but
 * RAX = EFIMM_EXPECT_MATCH (vector matched, and for #PF addr too unless
 * addr is 0) or EFIMM_EXPECT_OTHER.  expect_end() says the function
 * returned without a fault: a failed point, returns 0.  expect_begin
 * returns -EINVAL (vector not 0..31), -EBUSY (one is already active) or
 * -EPERM (called on a CPU other than the boot CPU).
 * The SDK's efimm_test_expect_fault (sdk_fault.S) is the one user.
 */
#define EFIMM_SYS_TEST_EXPECT_BEGIN     19
#define EFIMM_SYS_TEST_EXPECT_END       20
#define EFIMM_EXPECT_MATCH              1
#define EFIMM_EXPECT_OTHER              2
/* info(struct efimm_info *info, size): copies min(size, efimm's size)
 * bytes; returns efimm's size, or -EFAULT (nothing copied). */
#define EFIMM_SYS_INFO                  21
/*
 * CPUs (README "Multiple CPUs"): cpu_count() and cpu_id() return the
 * number of CPUs online and the caller's (0: the boot CPU, which runs
 * main).  smp_start(cpu, entry, fn, arg, stack_top) makes CPU cpu run
 * entry(fn, arg) in the caller's ring and address space, on the stack
 * ending at stack_top (16-byte aligned, in the payload's memory), with
 * RDI = fn, RSI = arg; entry ends with smp_done() (the SDK's
 * efimm_smp_entry).  It returns 0, -EINVAL (no such CPU, the caller's
 * own, or a bad entry or stack) or -EBUSY (that CPU still runs a
 * function).  smp_wait(cpu) waits until cpu's function returned: 0 or
 * -EINVAL.  A fault on any CPU fails the payload; exit on another CPU
 * than the boot CPU ends that CPU's function only.
 */
#define EFIMM_SYS_CPU_COUNT             22
#define EFIMM_SYS_CPU_ID                23
#define EFIMM_SYS_SMP_START             24
#define EFIMM_SYS_SMP_WAIT              25
#define EFIMM_SYS_SMP_DONE              26
#define EFIMM_SYS_COUNT                 27
/* The most CPUs efimm runs (the SDK keeps a stack per CPU). */
#define EFIMM_MAX_CPUS                  64

/* EFIMM_SYS_INFO's record: where the payload runs and what protects it. */
#define EFIMM_FEAT_NX           (1u << 0)       /* XD bit in use */
#define EFIMM_FEAT_SMEP         (1u << 1)       /* CR4.SMEP on */
#define EFIMM_FEAT_SMAP         (1u << 2)       /* CR4.SMAP on */
#define EFIMM_FEAT_PCID         (1u << 3)       /* CR4.PCIDE on */
#define EFIMM_FEAT_INVPCID      (1u << 4)       /* INVPCID used */
#define EFIMM_FEAT_LA57         (1u << 5)       /* five-level paging (la57=1):
						 * k_mem_map above 2^47 */

#ifndef __ASSEMBLER__
struct efimm_info {
	uint32_t size;          /* sizeof(struct efimm_info) in efimm */
	uint32_t ring;          /* 3 or 0: the payload's privilege level */
	uint64_t features;      /* EFIMM_FEAT_* */
	uint64_t efimm_text;    /* an address in efimm's code */
	uint64_t efimm_data;    /* an address in efimm's writable data */
	uint64_t pt_root;       /* the payload's top-level table (physical =
				 * its address in efimm's identity map) */
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
	const void *reserved;           /* NULL (version 1: a call table) */
};

/*
 * The layout, fixed: payloads built against an older SDK rely on these
 * offsets.  A new field goes at the end (and bumps the size checked here);
 * moving or resizing a field needs a new EFIMM_ABI_VERSION.
 */
#define EFIMM_ABI_AT(type, field, off) \
	_Static_assert(offsetof(struct type, field) == (off), \
		       #type "." #field " moved: the payload ABI changed")

EFIMM_ABI_AT(efimm_boot, magic, 0);
EFIMM_ABI_AT(efimm_boot, version, 4);
EFIMM_ABI_AT(efimm_boot, argc, 8);
EFIMM_ABI_AT(efimm_boot, argv, 16);
EFIMM_ABI_AT(efimm_boot, reserved, 24);
_Static_assert(sizeof(struct efimm_boot) == 32, "struct efimm_boot: size changed");

EFIMM_ABI_AT(efimm_info, ring, 4);
EFIMM_ABI_AT(efimm_info, features, 8);
EFIMM_ABI_AT(efimm_info, pt_root, 32);
_Static_assert(sizeof(struct efimm_info) == 40, "struct efimm_info: size changed");

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
EFIMM_ABI_AT(k_mem_paging_stats, tlb.shootdowns, 600);
EFIMM_ABI_AT(k_mem_paging_stats, tlb.skipped, 632);
_Static_assert(sizeof(struct k_mem_paging_stats) == 640,
	       "struct k_mem_paging_stats: size changed");

#undef EFIMM_ABI_AT
#endif /* !__ASSEMBLER__ */

#endif
