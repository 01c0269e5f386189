/*
 * tests/unit/test_pfdb.c - the page-frame database on synthetic maps.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "../../lib/errno.h"
#include "../../mm/pfdb.h"
#include "../host/physmem_host.h"
#include "unit.h"

#define R(s, e, t) { (s), (e), (t), 0 }

/* Holes (legacy, PCI hole, 4 GiB..1 TiB), RAM above 4 GiB and 1 TiB. */
static struct mem_range big_map[] = {
	R(0x0, 0x1000, FW_BS_CODE),
	R(0x1000, 0x9f000, FW_CONVENTIONAL),
	R(0x9f000, 0xa0000, FW_RESERVED),
	R(0x100000, 0x800000, FW_CONVENTIONAL),
	R(0x800000, 0x900000, FW_LOADER_CODE),
	R(0x900000, 0x980000, FW_RT_DATA),
	R(0x980000, 0xbf000000, FW_CONVENTIONAL),
	R(0xbf000000, 0xc0000000, FW_ACPI_NVS),
	R(0xfec00000, 0xfec01000, FW_MMIO),
	R(0x100000000, 0x180000000, FW_CONVENTIONAL),
	R(0x10000000000, 0x10010000000, FW_CONVENTIONAL),
};

static size_t ram_pages(const struct mem_range *r, size_t n)
{
	size_t pages = 0;

	for (size_t i = 0; i < n; i++)
		if (memmap_type_is_ram(r[i].type))
			pages += (r[i].end - r[i].start) / PAGE_SIZE;
	return pages;
}

static void fix_states(struct mem_range *r, size_t n)
{
	for (size_t i = 0; i < n; i++)
		r[i].state = memmap_type_state(r[i].type);
}

static void setup_big(void)
{
	host_physmem_reset();
	fix_states(big_map, ARRAY_SIZE(big_map));
	ck_assert_int_eq(pfdb_init(big_map, ARRAY_SIZE(big_map)), 0);
}

START_TEST(entry_is_at_most_8_bytes)
{
	ck_assert_uint_le(sizeof(struct page_frame), 8);
}
END_TEST

START_TEST(no_memory_for_holes)
{
	size_t frames = ram_pages(big_map, ARRAY_SIZE(big_map));

	setup_big();
	ck_assert_uint_eq(pfdb_frame_count(), frames);
	/* entries + a few segments + 2 bytes per GiB up to 1 TiB + 256 MiB */
	ck_assert_uint_le(pfdb_overhead_bytes(), frames * 8 + 8 * PAGE_SIZE);
	ck_assert_ptr_null(pfdb_from_phys(PADDR(0xa0000)));
	ck_assert_ptr_null(pfdb_from_phys(PADDR(0xfec00000)));
	ck_assert_ptr_null(pfdb_from_phys(PADDR(0x200000000)));
	ck_assert_ptr_null(pfdb_from_phys(PADDR(0x10010000000)));
	ck_assert_ptr_null(pfdb_from_phys(PADDR(0x30000000000)));
}
END_TEST

START_TEST(phys_frame_round_trip)
{
	size_t seen = 0;

	setup_big();
	for (size_t i = 0; i < ARRAY_SIZE(big_map); i++) {
		const struct mem_range *r = &big_map[i];
		uint64_t step = (r->end - r->start) > MiB(64) ? 0x3f7000 : PAGE_SIZE;

		if (!memmap_type_is_ram(r->type))
			continue;
		for (uint64_t p = r->start; p < r->end; p += step) {
			struct page_frame *pf = pfdb_from_phys(PADDR(p + 0x123));

			ck_assert_ptr_nonnull(pf);
			ck_assert_uint_eq(paddr_raw(pfdb_to_phys(pf)), p);
			seen++;
		}
		ck_assert_uint_eq(paddr_raw(pfdb_to_phys(
			pfdb_from_phys(PADDR(r->end - 1)))), r->end - PAGE_SIZE);
	}
	ck_assert_uint_gt(seen, 1000);
}
END_TEST

START_TEST(initial_states)
{
	struct pfdb_counts c;

	setup_big();
	ck_assert_uint_eq(pfdb_flags(pfdb_from_phys(PADDR(0x900000))), PFDB_RESERVED);
	ck_assert_uint_eq(pfdb_flags(pfdb_from_phys(PADDR(0x800000))), PFDB_PINNED);
	ck_assert_uint_eq(pfdb_flags(pfdb_from_phys(PADDR(0x0))), PFDB_FREE);
	/* The database lives at the top of the largest FREE range. */
	ck_assert_uint_eq(pfdb_flags(pfdb_from_phys(PADDR(0xbf000000 - 1))),
			  PFDB_PINNED);
	pfdb_counts(&c);
	ck_assert_uint_eq(c.total, pfdb_frame_count());
	ck_assert_uint_eq(c.free, pfdb_free_count());
	ck_assert_uint_eq(c.pinned, 0x100 + pfdb_overhead_bytes() / PAGE_SIZE);
	ck_assert_uint_eq(c.reserved, 0x80 + 0x1000);
	ck_assert_uint_eq(c.mapped + c.busy + c.other, 0);
}
END_TEST

/* Allocates every free frame, checks they are distinct, frees them. */
START_TEST(free_list_drains_and_refills)
{
	static const struct mem_range small[] = {
		{ 0x0, 0x40000, FW_CONVENTIONAL, MEM_FREE },
		{ 0x100000000, 0x100100000, FW_CONVENTIONAL, MEM_FREE },
	};
	size_t nfree, got = 0;
	struct page_frame **all;
	struct pfdb_counts c;

	host_physmem_reset();
	ck_assert_int_eq(pfdb_init(small, 2), 0);
	nfree = pfdb_free_count();
	ck_assert_uint_eq(nfree, 0x40 + 0x100 - 1);   /* one page of db */
	all = calloc(nfree, sizeof(*all));
	for (struct page_frame *pf; (pf = pfdb_alloc()) != NULL;) {
		ck_assert_uint_eq(pfdb_flags(pf), 0);
		for (size_t k = 0; k < got; k++)
			ck_assert_ptr_ne(all[k], pf);
		all[got++] = pf;
		ck_assert_uint_eq(pfdb_free_count(), nfree - got);
	}
	ck_assert_uint_eq(got, nfree);
	ck_assert_uint_eq(paddr_raw(pfdb_to_phys(all[0])), 0);   /* low first */
	pfdb_counts(&c);
	ck_assert_uint_eq(c.other, nfree);
	for (size_t k = 0; k < got; k++)
		pfdb_free(all[k]);
	pfdb_counts(&c);
	ck_assert_uint_eq(c.free, nfree);
	ck_assert_uint_eq(pfdb_free_count(), nfree);
	free(all);
}
END_TEST

/*
 * The database is built in one pass from the top frame down: the free
 * list must still hand frames out in ascending order across ranges and
 * segments, skip pinned and reserved frames, and the database's own
 * pages (top of the largest FREE range, below free frames of the same
 * range) must be PINNED and map back to their own addresses.
 */
START_TEST(one_pass_build_free_list_ascends)
{
	static const struct mem_range map[] = {
		{ 0x0, 0x10000, FW_CONVENTIONAL, MEM_FREE },
		{ 0x10000, 0x20000, FW_LOADER_DATA, MEM_EFIMM },
		{ 0x20000, 0x200000, FW_CONVENTIONAL, MEM_FREE },
		{ 0x200000, 0x210000, FW_RT_DATA, MEM_RESERVED },
		{ 0x1000000, 0x1010000, FW_CONVENTIONAL, MEM_FREE },
	};
	uint64_t own_lo, prev = 0, want_free;
	size_t got = 0;
	struct page_frame *pf;

	host_physmem_reset();
	ck_assert_int_eq(pfdb_init(map, ARRAY_SIZE(map)), 0);
	own_lo = 0x200000 - pfdb_overhead_bytes();
	want_free = (0x10000 + 0x1e0000 + 0x10000 - pfdb_overhead_bytes()) / PAGE_SIZE;
	ck_assert_uint_eq(pfdb_free_count(), want_free);
	for (uint64_t p = own_lo; p < 0x200000; p += PAGE_SIZE) {
		pf = pfdb_from_phys(PADDR(p));
		ck_assert_uint_eq(pfdb_flags(pf), PFDB_PINNED);
		ck_assert_uint_eq(paddr_raw(pfdb_to_phys(pf)), p);
	}
	ck_assert_uint_eq(pfdb_flags(pfdb_from_phys(PADDR(own_lo - PAGE_SIZE))),
			  PFDB_FREE);
	while ((pf = pfdb_alloc()) != NULL) {
		uint64_t p = paddr_raw(pfdb_to_phys(pf));

		if (got++)
			ck_assert_uint_gt(p, prev);
		ck_assert(p < 0x10000 || (p >= 0x20000 && p < own_lo) ||
			  (p >= 0x1000000 && p < 0x1010000));
		prev = p;
	}
	ck_assert_uint_eq(got, want_free);
	ck_assert_uint_eq(prev, 0x100f000);
}
END_TEST

START_TEST(mapped_pinned_flags)
{
	struct page_frame *pf;

	setup_big();
	pf = pfdb_alloc();
	ck_assert_ptr_nonnull(pf);
	pfdb_set_mapped(pf, 0x00007ffffffff000ULL);
	pfdb_pin(pf);
	ck_assert_uint_eq(pfdb_va(pf), 0x00007ffffffff000ULL);
	ck_assert_uint_eq(pfdb_flags(pf), PFDB_MAPPED | PFDB_PINNED);
	pfdb_set_flags(pf, PFDB_BACKED);
	pfdb_unpin(pf);
	pfdb_clear_flags(pf, PFDB_BACKED);
	pfdb_set_unmapped(pf);
	ck_assert_uint_eq(pfdb_flags(pf), 0);
	ck_assert_uint_eq(paddr_raw(pfdb_to_phys(pf)), 0);
	pfdb_free(pf);
	ck_assert_uint_eq(pfdb_flags(pf), PFDB_FREE);
}
END_TEST

/* Five-level VAs: above 2^47, at the top of the 57-bit lower half and
 * in its upper half (sign-extended from bit 56), and the segment index
 * beside them untouched. */
START_TEST(mapped_va_57_bits)
{
	static const vaddr_t vas[] = {
		0x0000800000000000ULL, 0x0012340000005000ULL,
		0x00fffffffffff000ULL, 0xff00000000000000ULL,
		0xfffffffffffff000ULL, 0x0000000000001000ULL,
	};
	struct page_frame *pf;
	paddr_t phys;

	setup_big();
	pf = pfdb_from_phys(PADDR(0x10000000000ULL + 7 * PAGE_SIZE));
	ck_assert_ptr_nonnull(pf);
	phys = pfdb_to_phys(pf);
	pf->bits &= ~(uint64_t)PFDB_FLAGS_MASK;    /* as if allocated */
	for (size_t i = 0; i < ARRAY_SIZE(vas); i++) {
		pfdb_set_mapped(pf, vas[i]);
		ck_assert_uint_eq(pfdb_va(pf), vas[i]);
		ck_assert_uint_eq(pfdb_flags(pf), PFDB_MAPPED);
		ck_assert_uint_eq(paddr_raw(pfdb_to_phys(pf)), paddr_raw(phys));
	}
	pfdb_set_unmapped(pf);
	ck_assert_uint_eq(pfdb_flags(pf), 0);
}
END_TEST

/* A VA not canonical for 57 bits cannot be recorded. */
START_TEST(mapped_va_noncanonical_dies)
{
	struct page_frame *pf;

	setup_big();
	pf = pfdb_alloc();
	pfdb_set_mapped(pf, 0x0100000000000000ULL);
}
END_TEST

/* n one-page RAM segments with holes between them, then one 64 MiB
 * segment for the database; returns the map's length. */
static size_t many_segments(struct mem_range *r, size_t n)
{
	for (size_t i = 0; i < n; i++)
		r[i] = (struct mem_range){ 0x100000 + i * 0x2000,
					   0x101000 + i * 0x2000,
					   FW_CONVENTIONAL, MEM_FREE };
	r[n] = (struct mem_range){ GiB(1), GiB(1) + MiB(64), FW_CONVENTIONAL,
				   MEM_FREE };
	return n + 1;
}

/* The 13-bit segment index: 8191 segments fit, 8192 are refused; the
 * last segment's frames still know their address. */
START_TEST(segment_limit)
{
	static struct mem_range r[PFDB_MAX_SEGS + 1];
	struct pfdb_span last;
	size_t n;

	host_physmem_reset();
	n = many_segments(r, PFDB_MAX_SEGS - 1);
	ck_assert_int_eq(pfdb_init(r, n), 0);
	ck_assert(pfdb_segment(PFDB_MAX_SEGS - 1, &last));
	ck_assert(!pfdb_segment(PFDB_MAX_SEGS, &last));
	ck_assert_uint_eq(paddr_raw(pfdb_to_phys(pfdb_from_phys(
		PADDR(GiB(1) + MiB(3))))), GiB(1) + MiB(3));
	ck_assert_uint_eq(paddr_raw(pfdb_to_phys(pfdb_from_phys(
		PADDR(0x100000 + (PFDB_MAX_SEGS - 2) * 0x2000)))),
		0x100000 + (PFDB_MAX_SEGS - 2) * 0x2000);
	n = many_segments(r, PFDB_MAX_SEGS);
	ck_assert_int_eq(pfdb_init(r, n), -E2BIG);
}
END_TEST

START_TEST(freeing_reserved_frame_dies)
{
	setup_big();
	pfdb_free(pfdb_from_phys(PADDR(0x900000)));
}
END_TEST

START_TEST(no_room_for_database)
{
	static const struct mem_range tiny[] = {
		{ 0x0, 0x1000, FW_CONVENTIONAL, MEM_FREE },
		{ 0x1000, 0x20000000, FW_ACPI_NVS, MEM_RESERVED },
	};

	ck_assert_int_eq(pfdb_init(tiny, 2), -ENOMEM);
	ck_assert_int_eq(pfdb_init(tiny + 1, 1), -ENOMEM);
}
END_TEST

static size_t count_lines(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

START_TEST(dump_collapses_rows)
{
	const char *out;
	struct page_frame *pf;

	setup_big();
	pf = pfdb_alloc();
	pfdb_set_mapped(pf, 0x600000001000ULL);
	con_capture_reset();
	pfdb_dump();
	out = con_capture();
	ck_assert_ptr_nonnull(strstr(out, "Legend: R reserved, B busy, P pinned, . free, M mapped"));
	ck_assert_ptr_nonnull(strstr(out, "Physical memory from 0x0 to 0x9f000\n"));
	ck_assert_ptr_nonnull(strstr(out, "Physical memory from 0x10000000000 to 0x10010000000\n"));
	ck_assert_ptr_nonnull(strstr(out, "  ... 1023 identical rows\n"));
	/* First row: the mapped frame 0, then free frames; colours marked. */
	ck_assert_ptr_nonnull(strstr(out, "{0}M{7}......"));
	ck_assert_ptr_nonnull(strstr(out, "{6}R"));
	ck_assert_ptr_nonnull(strstr(out, "{3}PPPP"));
	ck_assert_ptr_nonnull(strstr(out, " 1 mapped,"));
	ck_assert_uint_lt(count_lines(out), 80);
}
END_TEST

static Suite *pfdb_suite(void)
{
	Suite *s = suite_create("pfdb");
	TCase *tc = tcase_create("pfdb");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, entry_is_at_most_8_bytes);
	tcase_add_test(tc, no_memory_for_holes);
	tcase_add_test(tc, phys_frame_round_trip);
	tcase_add_test(tc, initial_states);
	tcase_add_test(tc, free_list_drains_and_refills);
	tcase_add_test(tc, one_pass_build_free_list_ascends);
	tcase_add_test(tc, mapped_pinned_flags);
	tcase_add_test(tc, mapped_va_57_bits);
	tcase_add_test_raise_signal(tc, mapped_va_noncanonical_dies, SIGABRT);
	tcase_add_test(tc, segment_limit);
	tcase_add_test_raise_signal(tc, freeing_reserved_frame_dies, SIGABRT);
	tcase_add_test(tc, no_room_for_database);
	tcase_add_test(tc, dump_collapses_rows);
	suite_add_tcase(s, tc);
	return s;
}
UNIT_SUITE(pfdb_suite)
