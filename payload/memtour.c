/*
 * payload/memtour.c - a tour of efimm's memory API as a payload sees it.
 *
 *   1. its own image: text R+X, rodata R, data R+W, nothing below it;
 *   2. its stack: mapped RW, an unmapped guard page below it;
 *   3. k_mem_map with every cache mode x permission x option: address in
 *      the k_mem_map area, per-page translation with the asked-for flags,
 *      unmapped guard pages around the range (before and after the unmap),
 *      zero-fill (unless UNINIT), read/write, free memory given back;
 *   4. refusals: RW+EXEC, size 0 or unaligned, an undefined cache mode
 *      (3 to 7), unmapping what was never
 *      mapped or half a range, an impossible size (-ENOMEM, no leak),
 *      translating a non-canonical address.
 * It prints one line per mapping and every failed check, and exits 0
 * only if every check passed (1 otherwise).
 */
#include "efimm.h"

/* The k_mem_map area: above 2^47 with five levels (EFIMM_FEAT_LA57). */
static uintptr_t kmap_lo = 0x0000600000000000ull;
static uintptr_t kmap_hi = 0x0000700000000000ull;
#define KMAP_LO         kmap_lo
#define KMAP_HI         kmap_hi
#define TOUR_PAGES      2
#define STACK_SCAN_MAX  (1ul << 18)     /* pages: 1 GiB */

extern const char __payload_text[], __payload_rodata[], __payload_data[];

static unsigned int checks, failures;

/* Counts a check; prints it only when it fails. */
__attribute__((format(printf, 2, 3)))
static bool check(bool ok, const char *fmt, ...)
{
	va_list ap;

	checks++;
	if (ok)
		return true;
	failures++;
	printk("  FAIL: ");
	va_start(ap, fmt);
	vprintk(fmt, ap);
	va_end(ap);
	printk("\n");
	return false;
}

/* Checks that addr is mapped with exactly the permission bits perm. */
static void check_perm(const char *what, const void *addr, uint32_t perm)
{
	uint32_t flags = 0;
	int err = k_mem_translate(addr, NULL, &flags);
	uint32_t got = flags & (K_MEM_PERM_RW | K_MEM_PERM_EXEC);

	if (check(err == 0, "%s %p: translate returned %d", what, addr, err))
		check(got == perm, "%s %p: permissions 0x%x, expected 0x%x",
		      what, addr, got, perm);
}

static void check_unmapped(const char *what, const void *addr)
{
	int err = k_mem_translate(addr, NULL, NULL);

	check(err == -EFAULT, "%s %p: translate returned %d, expected -EFAULT",
	      what, addr, err);
}

static void tour_image(void)
{
	printk("image: text %p rodata %p data %p\n", (const void *)__payload_text,
	       (const void *)__payload_rodata, (const void *)__payload_data);
	check_perm("text", __payload_text, K_MEM_PERM_EXEC);
	check_perm("rodata", __payload_rodata, 0);
	check_perm("data", __payload_data, K_MEM_PERM_RW);
	check_unmapped("below image",
		       (const void *)((uintptr_t)__payload_text - PAGE_SIZE));
}

/* Walks from the current stack page in direction dir (+1/-1 pages) to the
 * first unmapped page; returns it, or 0 if none within the scan limit. */
static uintptr_t stack_edge(uintptr_t page, long dir)
{
	for (unsigned long i = 0; i < STACK_SCAN_MAX; i++) {
		if (k_mem_translate((const void *)page, NULL, NULL) != 0)
			return page;
		page += (uintptr_t)(dir * (long)PAGE_SIZE);
	}
	return 0;
}

static void tour_stack(void)
{
	volatile char here;
	uintptr_t sp_page = (uintptr_t)&here & ~(PAGE_SIZE - 1);
	uintptr_t guard = stack_edge(sp_page, -1);
	uintptr_t above = stack_edge(sp_page, 1);

	check_perm("stack", (const void *)sp_page, K_MEM_PERM_RW);
	if (!check(guard != 0, "no unmapped guard page within 1 GiB below the stack"))
		return;
	check_unmapped("stack guard", (const void *)guard);
	printk("stack: %p-%p (%lu KiB), guard page at %p\n",
	       (void *)(guard + PAGE_SIZE), (void *)above,
	       (unsigned long)(above - guard - PAGE_SIZE) / 1024, (void *)guard);
}

/* Per-page checks of a fresh mapping of TOUR_PAGES pages. */
static void tour_pages(unsigned char *p, uint32_t flags)
{
	uint32_t perm = flags & (K_MEM_PERM_RW | K_MEM_PERM_EXEC);
	uint32_t cache = flags & K_MEM_CACHE_MASK;

	for (size_t off = 0; off < TOUR_PAGES * PAGE_SIZE; off += PAGE_SIZE) {
		uint64_t phys = 1;
		uint32_t got = 0;
		int err = k_mem_translate(p + off, &phys, &got);

		if (!check(err == 0, "page %p: translate returned %d", p + off, err))
			continue;
		check((phys & (PAGE_SIZE - 1)) == 0, "page %p: phys 0x%lx unaligned",
		      p + off, (unsigned long)phys);
		check((got & (K_MEM_PERM_RW | K_MEM_PERM_EXEC)) == perm,
		      "page %p: permissions 0x%x, expected 0x%x", p + off, got, perm);
		check((got & K_MEM_CACHE_MASK) == cache,
		      "page %p: cache mode %u, expected %u", p + off,
		      got & K_MEM_CACHE_MASK, cache);
	}
}

/* Contents: zero-filled unless UNINIT, writable if RW. */
static void tour_contents(unsigned char *p, uint32_t flags)
{
	volatile unsigned char *v = p;
	size_t size = TOUR_PAGES * PAGE_SIZE, bad = 0;

	if (!(flags & K_MEM_MAP_UNINIT)) {
		for (size_t i = 0; i < size; i++)
			bad += v[i] != 0;
		check(bad == 0, "%p: %lu non-zero bytes in fresh memory", p,
		      (unsigned long)bad);
	}
	if (!(flags & K_MEM_PERM_RW))
		return;
	for (size_t i = 0; i < size; i++)
		v[i] = (unsigned char)(i * 7 + 1);
	bad = 0;
	for (size_t i = 0; i < size; i++)
		bad += v[i] != (unsigned char)(i * 7 + 1);
	check(bad == 0, "%p: %lu bytes read back wrong", p, (unsigned long)bad);
}

/* Reads a byte of every page: without K_MEM_MAP_LOCK, k_mem_map is lazy
 * (demand paging) and a page has a frame only after its first touch. */
static void touch_pages(const unsigned char *p)
{
	volatile const unsigned char *v = p;

	for (size_t off = 0; off < TOUR_PAGES * PAGE_SIZE; off += PAGE_SIZE)
		(void)v[off];
}

/* Maps, inspects and unmaps one range with flags. */
static void tour_one(uint32_t flags)
{
	size_t size = TOUR_PAGES * PAGE_SIZE, free0 = k_mem_free_get();
	unsigned char *p;
	uint64_t phys = 0;
	int err = efimm_mem_map(size, flags, (void **)&p);

	if (!check(err == 0 && p, "k_mem_map(0x%lx, 0x%x) returned %d",
		   (unsigned long)size, flags, err))
		return;
	touch_pages(p);
	k_mem_translate(p, &phys, NULL);
	printk("  flags 0x%05x -> %p (phys 0x%lx), free %lu KiB -> %lu KiB\n",
	       flags, (void *)p, (unsigned long)phys, (unsigned long)free0 / 1024,
	       (unsigned long)k_mem_free_get() / 1024);
	check((uintptr_t)p >= KMAP_LO && (uintptr_t)p + size <= KMAP_HI &&
	      ((uintptr_t)p & (PAGE_SIZE - 1)) == 0,
	      "%p is not a page in the k_mem_map area", p);
	check(free0 - k_mem_free_get() >= size, "free memory dropped by %lu < %lu",
	      (unsigned long)(free0 - k_mem_free_get()), (unsigned long)size);
	check_unmapped("guard before", p - PAGE_SIZE);
	check_unmapped("guard after", p + size);
	tour_pages(p, flags);
	tour_contents(p, flags);
	err = k_mem_unmap(p + PAGE_SIZE, PAGE_SIZE);
	check(err == -EINVAL, "unmap of half a range returned %d", err);
	err = k_mem_unmap(p, size);
	if (!check(err == 0, "k_mem_unmap returned %d", err))
		return;
	for (size_t off = 0; off < size; off += PAGE_SIZE)
		check_unmapped("after unmap", p + off);
	check_unmapped("guard before, after unmap", p - PAGE_SIZE);
	check_unmapped("guard after, after unmap", p + size);
	check(k_mem_free_get() == free0, "free memory %lu after unmap, was %lu",
	      (unsigned long)k_mem_free_get(), (unsigned long)free0);
}

static void tour_maps(void)
{
	static const uint32_t caches[] = {
		K_MEM_CACHE_WB, K_MEM_CACHE_WT, K_MEM_CACHE_NONE,
	};
	static const uint32_t perms[] = { 0, K_MEM_PERM_RW, K_MEM_PERM_EXEC };
	static const uint32_t opts[] = { 0, K_MEM_MAP_UNINIT, K_MEM_MAP_LOCK };

	printk("k_mem_map (%d pages each):\n", TOUR_PAGES);
	for (unsigned c = 0; c < 3; c++)
		for (unsigned p = 0; p < 3; p++)
			for (unsigned o = 0; o < 3; o++)
				tour_one(caches[c] | perms[p] | opts[o]);
}

/* A call that must fail with want and leave free memory unchanged. */
static void check_refused(const char *what, size_t size, uint32_t flags,
			  int want)
{
	size_t free0 = k_mem_free_get();
	void *p = (void *)1;
	int err = efimm_mem_map(size, flags, &p);

	check(err == want && p == NULL, "%s: returned %d, %p (expected %d, NULL)",
	      what, err, p, want);
	check(k_mem_free_get() == free0, "%s: free memory %lu, was %lu", what,
	      (unsigned long)k_mem_free_get(), (unsigned long)free0);
}

static void tour_refusals(void)
{
	size_t huge = (k_mem_free_get() + PAGE_SIZE) * 2 & ~(PAGE_SIZE - 1);
	int err;

	printk("refusals:\n");
	check_refused("RW+EXEC", PAGE_SIZE, K_MEM_PERM_RW | K_MEM_PERM_EXEC,
		      -EINVAL);
	check_refused("size 0", 0, K_MEM_PERM_RW, -EINVAL);
	check_refused("size 100", 100, K_MEM_PERM_RW, -EINVAL);
	for (uint32_t mode = K_MEM_CACHE_LAST + 1; mode <= K_MEM_CACHE_MASK; mode++)
		check_refused("undefined cache mode", PAGE_SIZE, K_MEM_PERM_RW | mode,
			      -EINVAL);
	check_refused("twice the free memory", huge, K_MEM_PERM_RW, -ENOMEM);
	err = k_mem_unmap((void *)(KMAP_LO + (KMAP_HI - KMAP_LO) / 2), PAGE_SIZE);
	check(err == -EINVAL, "unmap of a never-mapped range returned %d", err);
	err = k_mem_translate((const void *)0x8000000000000000ull, NULL, NULL);
	check(err == -EINVAL, "translate of a non-canonical address returned %d",
	      err);
}

int main(int argc, char **argv)
{
	struct efimm_info info;

	(void)argc;
	if (efimm_info_get(&info) >= 0 && (info.features & EFIMM_FEAT_LA57)) {
		kmap_lo = 0x0000800000000000ull;
		kmap_hi = 0x0000900000000000ull;
	}
	printk("%s: free memory %lu KiB\n", argv[0],
	       (unsigned long)k_mem_free_get() / 1024);
	tour_image();
	tour_stack();
	tour_maps();
	tour_refusals();
	printk("%s: %u checks, %u failed: %s\n", argv[0], checks, failures,
	       failures ? "FAIL" : "PASS");
	return failures ? 1 : 0;
}
