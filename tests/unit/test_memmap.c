/*
 * tests/unit/test_memmap.c - the firmware memory-map sanitiser.
 */
#include <string.h>

#include "../../lib/errno.h"
#include "../../mm/memmap.h"
#include "unit.h"

#define MAXD 32

/* A synthetic firmware map with descriptors desc_size bytes apart; the
 * bytes past struct fw_desc are filled with junk the sanitiser must skip. */
struct fwbuf {
	uint8_t b[MAXD * 64];
	size_t n, desc_size;
};

static void fw_add(struct fwbuf *f, uint32_t type, uint64_t start, uint64_t pages)
{
	struct fw_desc d = { .type = type, .phys_start = start, .num_pages = pages };

	memset(f->b + f->n * f->desc_size, 0xa5, f->desc_size);
	memcpy(f->b + f->n * f->desc_size, &d, sizeof(d));
	f->n++;
}

static int fw_run(struct fwbuf *f, struct mem_range *out, size_t cap,
		  struct memmap_stats *st)
{
	return memmap_sanitize(f->b, f->n * f->desc_size, f->desc_size, NULL,
			       out, cap, st);
}

static void check_range(const struct mem_range *r, uint64_t s, uint64_t e,
			uint32_t type, uint32_t state)
{
	ck_assert_uint_eq(r->start, s);
	ck_assert_uint_eq(r->end, e);
	ck_assert_uint_eq(r->type, type);
	ck_assert_uint_eq(r->state, state);
}

START_TEST(sorts_merges_and_classifies)
{
	static const size_t sizes[] = { 40, 48, 56 };
	struct fwbuf f = { .desc_size = sizes[_i] };
	struct mem_range out[MAXD];
	struct memmap_stats st;

	fw_add(&f, FW_CONVENTIONAL, 0x100000, 0x100);
	fw_add(&f, FW_BS_DATA, 0x0, 0x10);
	fw_add(&f, FW_RT_CODE, 0x80000, 0x8);
	fw_add(&f, FW_CONVENTIONAL, 0x200000, 0x10);   /* merges with 1st */
	fw_add(&f, FW_LOADER_CODE, 0x300000, 0x20);
	fw_add(&f, 0x70000000, 0xfe000000, 0x10);       /* OEM type */
	fw_add(&f, FW_ACPI_NVS, 0x90000, 0);             /* zero pages */
	ck_assert_int_eq(fw_run(&f, out, MAXD, &st), 5);
	check_range(&out[0], 0x1000, 0x10000, FW_BS_DATA, MEM_FREE);
	check_range(&out[1], 0x80000, 0x88000, FW_RT_CODE, MEM_RESERVED);
	check_range(&out[2], 0x100000, 0x210000, FW_CONVENTIONAL, MEM_FREE);
	check_range(&out[3], 0x300000, 0x320000, FW_LOADER_CODE, MEM_EFIMM);
	check_range(&out[4], 0xfe000000, 0xfe010000, 0x70000000, MEM_RESERVED);
	ck_assert_uint_eq(st.descs, 7);
	ck_assert_uint_eq(st.zero_pages, 1);
	ck_assert_uint_eq(st.overlaps, 0);
}
END_TEST

/* memmap_free_bytes: what boot services leave free, and all RAM. */
START_TEST(free_bytes_count_after_boot_services)
{
	struct fwbuf f = { .desc_size = 48 };
	uint64_t free, ram;

	fw_add(&f, FW_CONVENTIONAL, 0x100000, 0x100);
	fw_add(&f, FW_BS_DATA, 0x0, 0x10);
	fw_add(&f, FW_RT_CODE, 0x80000, 0x8);
	fw_add(&f, FW_LOADER_CODE, 0x300000, 0x20);
	fw_add(&f, 0x70000000, 0xfe000000, 0x10);       /* OEM type */
	ck_assert_int_eq(memmap_free_bytes(f.b, f.n * f.desc_size, f.desc_size,
					   &free, &ram), 0);
	ck_assert_uint_eq(free, (0x100 + 0x10) * 4096ULL);
	ck_assert_uint_eq(ram, (0x100 + 0x10 + 0x8 + 0x20) * 4096ULL);
	ck_assert_int_eq(memmap_free_bytes(f.b, f.n * f.desc_size, 8, &free,
					   NULL), -EINVAL);
}
END_TEST

/* Frame 0 is never free (rule 3b); a reserved range there stays. */
START_TEST(frame_zero_is_never_free)
{
	struct fwbuf f = { .desc_size = 40 };
	struct mem_range out[MAXD];
	struct memmap_stats st;

	fw_add(&f, FW_BS_CODE, 0x0, 0x1);
	fw_add(&f, FW_CONVENTIONAL, 0x1000, 0x9f);
	ck_assert_int_eq(fw_run(&f, out, MAXD, &st), 1);
	check_range(&out[0], 0x1000, 0xa0000, FW_CONVENTIONAL, MEM_FREE);
	ck_assert_uint_eq(st.zero_pages, 1);
	f.n = 0;
	fw_add(&f, FW_RESERVED, 0x0, 0x1);
	ck_assert_int_eq(fw_run(&f, out, MAXD, &st), 1);
	check_range(&out[0], 0x0, 0x1000, FW_RESERVED, MEM_RESERVED);
}
END_TEST

START_TEST(overlap_keeps_restrictive_and_reports)
{
	struct fwbuf f = { .desc_size = 48 };
	struct mem_range out[MAXD];
	struct memmap_stats st;

	fw_add(&f, FW_CONVENTIONAL, 0x100000, 0x100);   /* 1 MiB..2 MiB */
	fw_add(&f, FW_ACPI_RECLAIM, 0x180000, 0x10);    /* inside it */
	fw_add(&f, FW_LOADER_DATA, 0x1f0000, 0x20);     /* straddles the end */
	con_capture_reset();
	ck_assert_int_eq(fw_run(&f, out, MAXD, &st), 4);
	check_range(&out[0], 0x100000, 0x180000, FW_CONVENTIONAL, MEM_FREE);
	check_range(&out[1], 0x180000, 0x190000, FW_ACPI_RECLAIM, MEM_RESERVED);
	check_range(&out[2], 0x190000, 0x1f0000, FW_CONVENTIONAL, MEM_FREE);
	check_range(&out[3], 0x1f0000, 0x210000, FW_LOADER_DATA, MEM_EFIMM);
	ck_assert_uint_eq(st.overlaps, 2);
	ck_assert_ptr_nonnull(strstr(con_capture(),
		"memmap: overlap: acpi-reclaim 0x180000-0x190000 with "
		"conventional 0x100000-0x200000, keeping acpi-reclaim\n"));
}
END_TEST

/* The result must not depend on the order of the descriptors. */
START_TEST(overlap_is_order_independent)
{
	struct fwbuf a = { .desc_size = 40 }, b = { .desc_size = 40 };
	struct mem_range oa[MAXD], ob[MAXD];
	int na, nb;

	fw_add(&a, FW_RT_CODE, 0x101000, 4);
	fw_add(&a, FW_RT_DATA, 0x102000, 4);
	fw_add(&a, FW_CONVENTIONAL, 0x100000, 16);
	fw_add(&b, FW_CONVENTIONAL, 0x100000, 16);
	fw_add(&b, FW_RT_DATA, 0x102000, 4);
	fw_add(&b, FW_RT_CODE, 0x101000, 4);
	na = fw_run(&a, oa, MAXD, NULL);
	nb = fw_run(&b, ob, MAXD, NULL);
	ck_assert_int_eq(na, nb);
	ck_assert_int_eq(na, 4);
	ck_assert_mem_eq(oa, ob, sizeof(oa[0]) * (size_t)na);
	check_range(&oa[1], 0x101000, 0x102000, FW_RT_CODE, MEM_RESERVED);
	check_range(&oa[2], 0x102000, 0x106000, FW_RT_DATA, MEM_RESERVED);
}
END_TEST

START_TEST(partial_pages_shrink_free_grow_reserved)
{
	struct fwbuf f = { .desc_size = 40 };
	struct mem_range out[MAXD];
	struct memmap_stats st;

	fw_add(&f, FW_CONVENTIONAL, 0x10800, 4);   /* 0x10800..0x14800 */
	fw_add(&f, FW_MMIO, 0x20800, 1);           /* 0x20800..0x21800 */
	fw_add(&f, FW_CONVENTIONAL, 0x30800, 1);   /* no whole page */
	ck_assert_int_eq(fw_run(&f, out, MAXD, &st), 2);
	check_range(&out[0], 0x11000, 0x14000, FW_CONVENTIONAL, MEM_FREE);
	check_range(&out[1], 0x20000, 0x22000, FW_MMIO, MEM_RESERVED);
	ck_assert_uint_eq(st.zero_pages, 1);
}
END_TEST

START_TEST(malformed_maps_write_nothing)
{
	struct fwbuf f = { .desc_size = 40 };
	struct mem_range out[2];
	struct mem_range poison = { 1, 2, 3, 4 };

	fw_add(&f, FW_CONVENTIONAL, 0x1000, 1);
	out[0] = poison;
	ck_assert_int_eq(memmap_sanitize(f.b, 40, 39, NULL, out, 2, NULL), -EINVAL);
	ck_assert_int_eq(memmap_sanitize(f.b, 41, 40, NULL, out, 2, NULL), -EINVAL);
	fw_add(&f, FW_RESERVED, 0xfffffffffffff000ULL, 2);          /* wraps */
	ck_assert_int_eq(fw_run(&f, out, 2, NULL), -EINVAL);
	f.n = 1;
	fw_add(&f, FW_MMIO, 0xffffffffffffe800ULL, 1);   /* rounds past 2^64 */
	ck_assert_int_eq(fw_run(&f, out, 2, NULL), -EINVAL);
	ck_assert_mem_eq(&out[0], &poison, sizeof(poison));
}
END_TEST

START_TEST(too_small_output_is_enospc)
{
	struct fwbuf f = { .desc_size = 40 };
	struct mem_range out[2];

	fw_add(&f, FW_CONVENTIONAL, 0x1000, 1);
	fw_add(&f, FW_MMIO, 0x10000, 1);
	fw_add(&f, FW_ACPI_NVS, 0x20000, 1);
	ck_assert_int_eq(fw_run(&f, out, 2, NULL), -ENOSPC);
	ck_assert_int_eq(fw_run(&f, out, 0, NULL), -ENOSPC);
}
END_TEST

START_TEST(pre_boot_services_mode)
{
	struct fwbuf f = { .desc_size = 40 };
	struct mem_range out[MAXD];
	struct mem_range pool = { 0x180000, 0x1a0000, 0, 0 };
	struct memmap_opts o = { .boot_services_up = true, .owned = &pool,
				 .nowned = 1 };
	int n;

	fw_add(&f, FW_CONVENTIONAL, 0x100000, 0x80);
	fw_add(&f, FW_LOADER_DATA, 0x180000, 0x40);   /* pool is half of it */
	fw_add(&f, FW_BS_CODE, 0x1c0000, 0x10);
	n = memmap_sanitize(f.b, f.n * 40, 40, &o, out, MAXD, NULL);
	ck_assert_int_eq(n, 4);
	check_range(&out[0], 0x100000, 0x180000, FW_CONVENTIONAL, MEM_RESERVED);
	check_range(&out[1], 0x180000, 0x1a0000, FW_LOADER_DATA, MEM_FREE);
	check_range(&out[2], 0x1a0000, 0x1c0000, FW_LOADER_DATA, MEM_EFIMM);
	check_range(&out[3], 0x1c0000, 0x1d0000, FW_BS_CODE, MEM_RESERVED);
}
END_TEST

static int reports;
static uint32_t last_kept;

static void count_report(void *ctx, const struct mem_range *a,
			 const struct mem_range *b, uint32_t kept)
{
	ck_assert_ptr_eq(ctx, &reports);
	ck_assert(a->start < b->end && b->start < a->end);
	reports++;
	last_kept = kept;
}

START_TEST(overlap_callback_and_duplicates)
{
	struct fwbuf f = { .desc_size = 56 };
	struct mem_range out[MAXD];
	struct memmap_opts o = { .on_overlap = count_report, .ctx = &reports };
	int n;

	fw_add(&f, FW_CONVENTIONAL, 0x0, 0x10);
	fw_add(&f, FW_CONVENTIONAL, 0x0, 0x10);    /* exact duplicate */
	fw_add(&f, FW_MMIO, 0x8000, 0x1);
	reports = 0;
	con_capture_reset();
	n = memmap_sanitize(f.b, f.n * 56, 56, &o, out, MAXD, NULL);
	ck_assert_int_eq(n, 3);
	ck_assert_int_eq(reports, 2);
	ck_assert_uint_eq(last_kept, FW_MMIO);
	ck_assert_str_eq(con_capture(), "");
}
END_TEST

START_TEST(type_table)
{
	ck_assert_int_eq(memmap_type_state(FW_BS_CODE), MEM_FREE);
	ck_assert_int_eq(memmap_type_state(FW_LOADER_DATA), MEM_EFIMM);
	ck_assert_int_eq(memmap_type_state(FW_PERSISTENT), MEM_RESERVED);
	ck_assert_int_eq(memmap_type_state(FW_MAX_TYPE + 3), MEM_RESERVED);
	ck_assert(!memmap_type_is_ram(FW_MMIO));
	ck_assert(memmap_type_is_ram(FW_ACPI_NVS));
	ck_assert_str_eq(memmap_type_name(12345), "unknown");
	ck_assert_str_eq(memmap_state_name(MEM_EFIMM), "efimm");
}
END_TEST

static Suite *memmap_suite(void)
{
	Suite *s = suite_create("memmap");
	TCase *tc = tcase_create("sanitise");

	tcase_add_test(tc, free_bytes_count_after_boot_services);
	tcase_add_loop_test(tc, sorts_merges_and_classifies, 0, 3);
	tcase_add_test(tc, frame_zero_is_never_free);
	tcase_add_test(tc, overlap_keeps_restrictive_and_reports);
	tcase_add_test(tc, overlap_is_order_independent);
	tcase_add_test(tc, partial_pages_shrink_free_grow_reserved);
	tcase_add_test(tc, malformed_maps_write_nothing);
	tcase_add_test(tc, too_small_output_is_enospc);
	tcase_add_test(tc, pre_boot_services_mode);
	tcase_add_test(tc, overlap_callback_and_duplicates);
	tcase_add_test(tc, type_table);
	suite_add_tcase(s, tc);
	return s;
}
UNIT_SUITE(memmap_suite)
