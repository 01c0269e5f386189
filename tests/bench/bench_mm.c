/*
 * tests/bench/bench_mm.c - host benchmark of the memory core, printed as
 * a markdown table.  Every figure is the median of BENCH_RUNS runs and
 * is also given as a ratio against a plain memset() of the same number
 * of bytes the operation produces (frame database, zeroed data pages,
 * page-table pages), measured in the same run, so results compare
 * across machines.  Links the host sources without sanitizers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../lib/types.h"
#include "../../arch/x86_64/machine.h"
#include "../../mm/arch_hooks.h"
#include "../../mm/kas.h"
#include "../../mm/kmem.h"
#include "../../mm/mm.h"
#include "../../mm/paging.h"
#include "../../mm/payload.h"
#include "../../mm/pfdb.h"
#include "../../mm/vm.h"
#include "../host/mmu_host.h"
#include "../host/physmem_host.h"

#define BENCH_RUNS 5

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return v[n / 2];
}

/* Median time of a memset of bytes (a fresh buffer each run). */
static double memset_ns(size_t bytes)
{
	double t[BENCH_RUNS];

	for (int r = 0; r < BENCH_RUNS; r++) {
		unsigned char *buf = malloc(bytes);
		double t0 = now_ns();

		memset(buf, r + 1, bytes);
		t[r] = now_ns() - t0;
		if (buf[bytes / 2] != r + 1)
			abort();
		free(buf);
	}
	return median(t, BENCH_RUNS);
}

/* A machine: 3 GiB below the PCI hole, the rest from 4 GiB up. */
static size_t make_map(struct mem_range *r, uint64_t ram)
{
	uint64_t low = MIN(ram, GiB(3));
	size_t n = 0;

	r[n++] = (struct mem_range){ 0x0, 0xa0000, FW_CONVENTIONAL, MEM_FREE };
	r[n++] = (struct mem_range){ 0x100000, low, FW_CONVENTIONAL, MEM_FREE };
	r[n++] = (struct mem_range){ 0xfec00000, 0xfec01000, FW_MMIO, MEM_RESERVED };
	if (ram > low)
		r[n++] = (struct mem_range){ GiB(4), GiB(4) + ram - low,
					     FW_CONVENTIONAL, MEM_FREE };
	return n;
}

static void row(const char *what, double ns, const char *unit, size_t bytes,
		double base_ns)
{
	printf("| %s | %.1f %s | %zu | %.2f |\n", what, ns, unit, bytes,
	       base_ns > 0 ? ns / base_ns : 0.0);
}

static void bench_pfdb(uint64_t ram)
{
	struct mem_range r[8];
	size_t n = make_map(r, ram);
	double t[BENCH_RUNS], gib = (double)ram / (double)GiB(1);

	for (int i = 0; i < BENCH_RUNS; i++) {
		double t0;

		host_physmem_reset();
		t0 = now_ns();
		if (pfdb_init(r, n) != 0)
			abort();
		t[i] = now_ns() - t0;
	}
	row("frame database build, per GiB of RAM", median(t, BENCH_RUNS) / gib,
	    "ns", pfdb_overhead_bytes(),
	    memset_ns(pfdb_overhead_bytes()) / gib);
	printf("| frame database, bytes per frame | %.3f B | %zu frames | - |\n",
	       (double)pfdb_overhead_bytes() / (double)pfdb_frame_count(),
	       pfdb_frame_count());
}

static void bench_map_unmap(void)
{
	enum { PAGES = 1024 };
	struct mem_range r[8];
	size_t n = make_map(r, GiB(1));
	double tm[BENCH_RUNS], tu[BENCH_RUNS], base = memset_ns(PAGES * PAGE_SIZE);

	host_physmem_reset();
	if (mm_init(r, n) != 0)
		abort();
	for (int i = 0; i < BENCH_RUNS; i++) {
		double t0 = now_ns();
		void *p = k_mem_map(PAGES * PAGE_SIZE, K_MEM_PERM_RW);

		tm[i] = now_ns() - t0;
		if (!p)
			abort();
		t0 = now_ns();
		if (k_mem_unmap(p, PAGES * PAGE_SIZE) != 0)
			abort();
		tu[i] = now_ns() - t0;
	}
	row("k_mem_map 4 KiB, per page (zeroing included)",
	    median(tm, BENCH_RUNS) / PAGES, "ns", PAGE_SIZE, base / PAGES);
	row("k_mem_unmap 4 KiB, per page", median(tu, BENCH_RUNS) / PAGES, "ns",
	    PAGE_SIZE, base / PAGES);
}

/* Identity-maps r with 4 KiB pages only (what kas avoids). */
static void map_small(const struct mem_range *r, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint64_t s = MAX(r[i].start, PAGE_SIZE);

		if (arch_mem_map(s, PADDR(s), r[i].end - s,
				 kas_range_flags(&r[i])) != 0)
			abort();
	}
}

/* The kernel address space of a 64 GiB machine, with four levels or five
 * (LA57: one more table on the path of every mapping). */
static void bench_kas(bool large, unsigned int levels)
{
	struct mem_range r[8];
	size_t n = make_map(r, GiB(64)), tables = 0;
	double t[BENCH_RUNS];
	int runs = large ? BENCH_RUNS : 3;
	char what[96];

	arch_pt_set_levels(levels);
	for (int i = 0; i < runs; i++) {
		double t0;

		host_physmem_reset();
		if (mm_init(r, n) != 0)
			abort();
		t0 = now_ns();
		if (large) {
			if (kas_build(r, n, NULL, NULL, 0) != 0)
				abort();
		} else {
			map_small(r, n);
		}
		t[i] = now_ns() - t0;
		tables = mm_pt_pages();
	}
	snprintf(what, sizeof(what), "kernel address space, 64 GiB, %s%s",
		 large ? "large pages" : "4 KiB pages only",
		 levels == 5 ? ", five levels (LA57)" : "");
	row(what, median(t, runs) / 1e3, "us", tables * PAGE_SIZE,
	    memset_ns(tables * PAGE_SIZE) / 1e3);
	arch_pt_set_levels(4);
}

/* Median time of a 4 KiB memcpy between two warm buffers, the unit the
 * teardown cost is compared with (issue 10: teardown per payload
 * against a 4 KiB copy). */
static double copy_4k_ns(void)
{
	static unsigned char src[PAGE_SIZE], dst[PAGE_SIZE];
	double t[BENCH_RUNS];

	memset(src, 1, sizeof(src));
	memcpy(dst, src, sizeof(dst));
	for (int r = 0; r < BENCH_RUNS; r++) {
		double t0;

		src[r] = (unsigned char)r;
		t0 = now_ns();
		memcpy(dst, src, sizeof(dst));
		t[r] = now_ns() - t0;
		if (dst[r] != r)
			abort();
	}
	return median(t, BENCH_RUNS);
}

/* A small payload: an 8-page image and a 16-page stack (adopted), 16
 * lazy pages of k_mem_map touched, 4 of them paged out. */
static void small_payload(void)
{
	struct payload_seg seg = { .va = VM_PAYLOAD_BASE, .memsz = 8 * PAGE_SIZE,
				   .flags = K_MEM_PERM_RW };
	vaddr_t guard, top = VM_PAYLOAD_BASE + 0x1000000;
	uint8_t *p;

	if (payload_map_segment(&seg) ||
	    payload_map_stack(top, 16 * PAGE_SIZE, &guard))
		abort();
	paging_adopt(VM_PAYLOAD_BASE, VM_PAYLOAD_BASE + 8 * PAGE_SIZE);
	paging_adopt(top - 16 * PAGE_SIZE, top);
	p = k_mem_map(16 * PAGE_SIZE, K_MEM_PERM_RW);
	if (!p)
		abort();
	for (size_t i = 0; i < 16; i++)
		if (!mmu_host_access((vaddr_t)p + i * PAGE_SIZE, true, NULL))
			abort();
	if (k_mem_page_out(p, 4 * PAGE_SIZE))
		abort();
}

/* paging_setup and mm_payload_teardown per payload on a 1 GiB machine,
 * with a store of swap bytes, against a 4 KiB copy. */
static void bench_teardown(uint64_t swap)
{
	struct mem_range r[8];
	size_t n = make_map(r, GiB(1));
	double ts[BENCH_RUNS], tt[BENCH_RUNS], base = copy_4k_ns();
	char what[96];

	host_physmem_reset();
	if (mm_init(r, n) != 0)
		abort();
	for (int i = 0; i < BENCH_RUNS; i++) {
		double t0 = now_ns();

		if (paging_setup(swap, 0) != 0)
			abort();
		ts[i] = now_ns() - t0;
		small_payload();
		t0 = now_ns();
		mm_payload_teardown();
		tt[i] = now_ns() - t0;
	}
	snprintf(what, sizeof(what), "paging_setup, %llu KiB store, 1 GiB RAM",
		 (unsigned long long)(swap >> 10));
	printf("| %s | %.1f ns | %.1f |\n", what, median(ts, BENCH_RUNS),
	       median(ts, BENCH_RUNS) / base);
	snprintf(what, sizeof(what), "mm_payload_teardown (40 pages), %llu KiB store",
		 (unsigned long long)(swap >> 10));
	printf("| %s | %.1f ns | %.1f |\n", what, median(tt, BENCH_RUNS),
	       median(tt, BENCH_RUNS) / base);
}

int main(void)
{
	printf("| operation | median time | bytes produced | ratio to memset of those bytes |\n");
	printf("| --- | --- | --- | --- |\n");
	bench_pfdb(GiB(16));
	bench_map_unmap();
	bench_kas(true, 4);
	bench_kas(false, 4);
	bench_kas(true, 5);
	bench_kas(false, 5);
	printf("\n| per payload | median time | ratio to a 4 KiB copy |\n");
	printf("| --- | --- | --- |\n");
	bench_teardown(64 * PAGE_SIZE);
	bench_teardown(8ULL << 20);
	return 0;
}
