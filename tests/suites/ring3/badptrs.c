/*
 * tests/suites/ring3/badptrs.c - every system call that takes a pointer
 * refuses a bad one with -EFAULT and writes nothing: pointers into efimm
 * (its data, code and page-table root), unmapped ones (a freed k_mem_map
 * region, 0x10, the end of the payload window), non-canonical ones,
 * ranges that wrap, lengths far beyond the buffer, outputs that are
 * read-only or end in a guard page.  efimm's own ranges are -EINVAL for
 * the range calls and -EBUSY for eviction; unknown call numbers are
 * -ENOSYS.  Afterwards every call still works.  Runs in ring 3 and under
 * ring=0 (the checks are efimm's, whatever the ring).
 *
 * The calls go through efimm_syscall where the SDK's wrapper would touch
 * the pointer itself.  A bad test_point description is handed over as a
 * failed point: if efimm recorded it, the payload fails.
 */
#include "efimm.h"

extern const char __payload_text[], __payload_rodata[];

/* The calls taking a pointer, each with the length it is tried with. */
enum call { C_WRITE, C_MAP, C_PHYS, C_FLAGS, C_FAULTS, C_STATS, C_POINT,
	    C_INFO, N_CALLS };

static const struct {
	const char *name;
	size_t len;
} calls[N_CALLS] = {
	[C_WRITE] = { "write's text", 64 },
	[C_MAP] = { "k_mem_map's addr", sizeof(void *) },
	[C_PHYS] = { "k_mem_translate's phys", sizeof(uint64_t) },
	[C_FLAGS] = { "k_mem_translate's flags", sizeof(uint32_t) },
	[C_FAULTS] = { "num_pagefaults_get's count", sizeof(uint64_t) },
	[C_STATS] = { "paging_stats_get's stats", sizeof(struct k_mem_paging_stats) },
	[C_POINT] = { "test_point's desc", 64 },
	[C_INFO] = { "info's record", sizeof(struct efimm_info) },
};

/* A bad pointer; wrap: the address is computed per length so that the
 * range runs over the top of the address space. */
struct bad {
	const char *what;
	uint64_t addr;
	bool wrap;
};

#define N_BAD 9

/* Makes the call `c` with pointer p (length calls[c].len); returns what
 * efimm returned.  Pointer-free arguments are valid. */
static long call_with(enum call c, uint64_t p)
{
	long len = (long)calls[c].len, here = (long)(uintptr_t)__payload_text;

	switch (c) {
	case C_WRITE:
		return efimm_syscall(EFIMM_SYS_WRITE, (long)p, len, 0, 0, 0);
	case C_MAP:
		return efimm_syscall(EFIMM_SYS_K_MEM_MAP, PAGE_SIZE, K_MEM_PERM_RW,
				     (long)p, 0, 0);
	case C_PHYS:
		return efimm_syscall(EFIMM_SYS_K_MEM_TRANSLATE, here, (long)p, 0, 0, 0);
	case C_FLAGS:
		return efimm_syscall(EFIMM_SYS_K_MEM_TRANSLATE, here, 0, (long)p, 0, 0);
	case C_FAULTS:
		return efimm_syscall(EFIMM_SYS_K_MEM_NUM_PAGEFAULTS_GET, (long)p, 0, 0, 0, 0);
	case C_STATS:
		return efimm_syscall(EFIMM_SYS_K_MEM_PAGING_STATS_GET, (long)p, len, 0, 0, 0);
	case C_POINT:
		return efimm_syscall(EFIMM_SYS_TEST_POINT, EFIMM_TEST_FAIL, (long)p, len, 0, 0);
	case C_INFO:
		return efimm_syscall(EFIMM_SYS_INFO, (long)p, len, 0, 0, 0);
	default:
		return 0;
	}
}

/* N_BAD * N_CALLS + 1 points: each call with each bad pointer (efimm's
 * addresses from info, a page `freed` was and is no more, ...) is
 * -EFAULT, and the refused maps took no memory. */
static void bad_pointers(const struct efimm_info *info, const void *freed)
{
	const struct bad bad[N_BAD] = {
		{ "efimm's data", info->efimm_data, false },
		{ "efimm's code", info->efimm_text, false },
		{ "the page-table root", info->pt_root, false },
		{ "a freed k_mem_map page", (uint64_t)(uintptr_t)freed, false },
		{ "0x10", 0x10, false },
		{ "the end of the payload window", 0x5fff00000000ull, false },
		{ "non-canonical 0x8000000000000000", 0x8000000000000000ull, false },
		{ "non-canonical 0x0000800000000000", 0x0000800000000000ull, false },
		{ "the top of the address space (wrapping)", 0, true },
	};
	size_t free0 = k_mem_free_get();

	for (int i = 0; i < N_BAD; i++) {
		for (int c = 0; c < N_CALLS; c++) {
			uint64_t p = bad[i].wrap ? UINT64_MAX - calls[c].len / 2 + 1
				: bad[i].addr;
			long r = call_with((enum call)c, p);

			efimm_test_ok(r == -EFAULT, "%s at %s (%p, %zu bytes): %ld",
				      calls[c].name, bad[i].what, (void *)p, calls[c].len, r);
		}
	}
	efimm_test_ok(k_mem_free_get() == free0, "the refused k_mem_maps took no "
		      "memory (free %zu -> %zu)", free0, k_mem_free_get());
}

/* Bytes of [p, p + n) that are not `fill`. */
static size_t changed(const uint8_t *p, size_t n, uint8_t fill)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		k += p[i] != fill;
	return k;
}

#define TOO_LONG_POINTS 5

/* TOO_LONG_POINTS points: lengths far beyond a good buffer: write is
 * -EFAULT; the copy-out calls take only efimm's size (their contract)
 * and write nothing past it. */
static void too_long(uint8_t *buf)
{
	long r1 = efimm_syscall(EFIMM_SYS_WRITE, (long)buf, 1l << 40, 0, 0, 0);
	long r2 = efimm_syscall(EFIMM_SYS_WRITE, (long)buf, (long)(SIZE_MAX / 2), 0, 0, 0);
	long r3 = efimm_syscall(EFIMM_SYS_WRITE, (long)buf, -1, 0, 0, 0);
	long n;

	efimm_test_ok(r1 == -EFAULT, "write of 1 TiB from a 2-page buffer: %ld", r1);
	efimm_test_ok(r2 == -EFAULT, "write of SIZE_MAX/2 bytes: %ld", r2);
	efimm_test_ok(r3 == -EFAULT, "write of SIZE_MAX bytes: %ld", r3);
	memset(buf, 0x5a, 2 * PAGE_SIZE);
	n = efimm_syscall(EFIMM_SYS_K_MEM_PAGING_STATS_GET, (long)buf, 1l << 40, 0, 0, 0);
	efimm_test_ok(n == (long)sizeof(struct k_mem_paging_stats) &&
		      changed(buf + n, 2 * PAGE_SIZE - n, 0x5a) == 0,
		      "paging_stats_get with size 1 TiB: %ld, nothing written past it", n);
	memset(buf, 0x5a, 2 * PAGE_SIZE);
	n = efimm_syscall(EFIMM_SYS_INFO, (long)buf, 1l << 40, 0, 0, 0);
	efimm_test_ok(n == (long)sizeof(struct efimm_info) &&
		      changed(buf + n, 2 * PAGE_SIZE - n, 0x5a) == 0,
		      "info with size 1 TiB: %ld, nothing written past it", n);
}

#define EDGE_FILL 0xa5
#define PARTLY_POINTS (N_CALLS + 2)

/*
 * PARTLY_POINTS points: outputs (and one input) that begin in the last
 * page of a mapping and end in the guard page above it: -EFAULT, and the
 * valid part is left as it was.  Then translate with one good and one
 * bad output: the good one stays unwritten too.
 */
static void partly_valid(uint8_t *page)
{
	uint8_t *end = page + PAGE_SIZE;
	uint64_t phys = 0x1111;
	uint32_t flags = 0x2222;
	long r;

	for (int c = 0; c < N_CALLS; c++) {
		uint8_t *p = end - calls[c].len / 2;

		memset(page, EDGE_FILL, PAGE_SIZE);
		r = call_with((enum call)c, (uint64_t)(uintptr_t)p);
		efimm_test_ok(r == -EFAULT && changed(page, PAGE_SIZE, EDGE_FILL) == 0,
			      "%s half in the guard page: %ld, %zu bytes of the good "
			      "half changed", calls[c].name, r,
			      changed(page, PAGE_SIZE, EDGE_FILL));
	}
	r = efimm_syscall(EFIMM_SYS_K_MEM_TRANSLATE, (long)__payload_text, (long)&phys,
			  (long)(end - 2), 0, 0);
	efimm_test_ok(r == -EFAULT && phys == 0x1111,
		      "translate with a good phys and a bad flags: %ld, phys 0x%lx "
		      "untouched", r, (unsigned long)phys);
	r = efimm_syscall(EFIMM_SYS_K_MEM_TRANSLATE, (long)__payload_text, (long)(end - 4),
			  (long)&flags, 0, 0);
	efimm_test_ok(r == -EFAULT && flags == 0x2222,
		      "translate with a bad phys and a good flags: %ld, flags 0x%x "
		      "untouched", r, flags);
}

#define READ_ONLY_POINTS 3

/* READ_ONLY_POINTS points: outputs in read-only memory (the payload's
 * code and rodata, a read-only k_mem_map page) are -EFAULT for every
 * call that writes. */
static void read_only(const uint8_t *ro_page)
{
	const uint64_t where[READ_ONLY_POINTS] = {
		(uint64_t)(uintptr_t)__payload_text,
		(uint64_t)(uintptr_t)__payload_rodata, (uint64_t)(uintptr_t)ro_page };
	const char *what[READ_ONLY_POINTS] = { "the payload's code",
		"the payload's rodata", "a read-only k_mem_map page" };

	for (int i = 0; i < READ_ONLY_POINTS; i++) {
		int refused = 0, outputs = 0;

		for (int c = 0; c < N_CALLS; c++) {
			if (c == C_WRITE || c == C_POINT)
				continue;       /* inputs: reading is fine */
			outputs++;
			refused += call_with((enum call)c, where[i]) == -EFAULT;
		}
		efimm_test_ok(refused == outputs, "outputs into %s: %d of %d refused",
			      what[i], refused, outputs);
	}
}

#define RANGE_POINTS 19

/* RANGE_POINTS points: efimm's pages and the payload's image are not
 * ranges the memory calls take. */
static void efimm_ranges(const struct efimm_info *info)
{
	static const char *const names[5] = { "k_mem_unmap", "k_mem_page_out",
		"k_mem_page_in", "k_mem_pin", "k_mem_unpin" };
	static const long nrs[5] = { EFIMM_SYS_K_MEM_UNMAP, EFIMM_SYS_K_MEM_PAGE_OUT,
		EFIMM_SYS_K_MEM_PAGE_IN, EFIMM_SYS_K_MEM_PIN, EFIMM_SYS_K_MEM_UNPIN };
	const uint64_t pages[3] = { info->efimm_text & ~(PAGE_SIZE - 1),
		info->efimm_data & ~(PAGE_SIZE - 1), info->pt_root };
	const char *what[3] = { "efimm's code", "efimm's data", "the page-table root" };
	uint64_t phys;
	long r;

	for (int i = 0; i < 3; i++) {
		for (int k = 0; k < 5; k++) {
			r = efimm_syscall(nrs[k], (long)pages[i], PAGE_SIZE, 0, 0, 0);
			efimm_test_ok(r == -EINVAL, "%s of a page of %s: %ld", names[k],
				      what[i], r);
		}
		if (k_mem_translate((void *)pages[i], &phys, NULL) != 0)
			phys = pages[i];        /* identity-mapped anyway */
		r = k_mem_page_frame_evict(phys);
		efimm_test_ok(r == -EBUSY, "k_mem_page_frame_evict of %s's frame %p: %ld",
			      what[i], (void *)phys, r);
	}
	r = k_mem_unmap((void *)__payload_text, PAGE_SIZE);
	efimm_test_ok(r == -EINVAL, "k_mem_unmap of the payload's own code: %ld", r);
}

#define NUMBER_POINTS 7

/* NUMBER_POINTS points: numbers that are no call are -ENOSYS, all 64
 * bits of RAX counting; the null call answers 0. */
static void unknown_numbers(void)
{
	static const long nrs[] = { EFIMM_SYS_COUNT, 1000, -1, 1l << 40,
		(1l << 32) | EFIMM_SYS_NULL, INT64_MIN };
	long r;

	for (size_t i = 0; i < sizeof(nrs) / sizeof(nrs[0]); i++) {
		r = efimm_syscall(nrs[i], 0, 0, 0, 0, 0);
		efimm_test_ok(r == -ENOSYS, "call number %ld (0x%lx): %ld", nrs[i],
			      (unsigned long)nrs[i], r);
	}
	r = efimm_syscall(EFIMM_SYS_NULL, 0, 0, 0, 0, 0);
	efimm_test_ok(r == 0, "the null call: %ld", r);
}

#define WORKS_POINTS 8

/* WORKS_POINTS points: after all that, every call still does its job. */
static void calls_still_work(void)
{
	static const char line[] = "badptrs: efimm still answers\n";
	struct k_mem_paging_stats st;
	struct efimm_info info;
	uint64_t phys = 0, faults = 0;
	uint32_t flags = 0;
	uint8_t *p = k_mem_map(2 * PAGE_SIZE, K_MEM_PERM_RW);
	long r, n;

	efimm_test_ok(efimm_write(line, sizeof(line) - 1) == (long)sizeof(line) - 1,
		      "write");
	if (!efimm_test_ok(p != NULL, "k_mem_map of 2 pages"))
		return;         /* the plan is not met: the payload fails */
	p[0] = 7;
	r = k_mem_translate(p, &phys, &flags);
	efimm_test_ok(r == 0 && phys && (flags & K_MEM_PERM_RW),
		      "k_mem_translate: %ld, phys %p flags 0x%x", r, (void *)phys, flags);
	efimm_test_ok(k_mem_page_out(p, 2 * PAGE_SIZE) == 0 &&
		      k_mem_page_in(p, 2 * PAGE_SIZE) == 0 &&
		      k_mem_pin(p, 2 * PAGE_SIZE) == 0 &&
		      k_mem_unpin(p, 2 * PAGE_SIZE) == 0 && p[0] == 7,
		      "page_out, page_in, pin, unpin; the data came back");
	r = k_mem_translate(p, &phys, NULL);
	efimm_test_ok(r == 0 && k_mem_page_frame_evict(phys) == 0 && p[0] == 7,
		      "k_mem_page_frame_evict of its frame, read back");
	r = efimm_syscall(EFIMM_SYS_K_MEM_NUM_PAGEFAULTS_GET, (long)&faults, 0, 0, 0, 0);
	n = efimm_syscall(EFIMM_SYS_K_MEM_PAGING_STATS_GET, (long)&st, sizeof(st), 0, 0, 0);
	efimm_test_ok(r == 0 && faults > 0 && n == (long)sizeof(st) &&
		      st.pagefaults.cnt == faults,
		      "num_pagefaults_get: %ld, %lu; paging_stats_get: %ld, %lu faults", r,
		      (unsigned long)faults, n, (unsigned long)st.pagefaults.cnt);
	efimm_test_ok(efimm_info_get(&info) == 0 && info.size == sizeof(info) &&
		      k_mem_free_get() > 0, "info and k_mem_free_get");
	efimm_test_ok(k_mem_unmap(p, 2 * PAGE_SIZE) == 0, "k_mem_unmap");
}

int main(void)
{
	struct efimm_info info;
	uint8_t *two = k_mem_map(2 * PAGE_SIZE, K_MEM_PERM_RW);
	uint8_t *edge = k_mem_map(PAGE_SIZE, K_MEM_PERM_RW);
	uint8_t *ro = k_mem_map(PAGE_SIZE, 0);
	uint8_t *freed = k_mem_map(PAGE_SIZE, K_MEM_PERM_RW);
	int err;

	efimm_test_plan(2 + N_BAD * N_CALLS + 1 + TOO_LONG_POINTS + PARTLY_POINTS +
			READ_ONLY_POINTS + RANGE_POINTS + NUMBER_POINTS + WORKS_POINTS);
	err = efimm_info_get(&info);
	efimm_test_ok(err == 0, "efimm_info_get: %d (ring %u)", err, info.ring);
	if (!efimm_test_ok(two && edge && ro && freed &&
			   k_mem_unmap(freed, PAGE_SIZE) == 0,
			   "k_mem_map of the test buffers, one unmapped again"))
		return 1;
	(void)*(volatile uint8_t *)ro;  /* populated, so its output check is
					 * about permission, not presence */
	bad_pointers(&info, freed);
	too_long(two);
	partly_valid(edge);
	read_only(ro);
	efimm_ranges(&info);
	unknown_numbers();
	calls_still_work();
	return 0;
}
