/*
 * tests/unit/test_swap.c - the RAM backing store (mm/swap_ram.c) and the
 * frame-backed arrays it keeps its tables in (mm/pgarray.c).
 */
#include <string.h>

#include "../../lib/errno.h"
#include "../../mm/mm.h"
#include "../../mm/pfdb.h"
#include "../../mm/pgarray.h"
#include "../../mm/swap.h"
#include "../host/physmem_host.h"
#include "unit.h"

static const struct mem_range map[] = {
	{ 0x1000, 0x9f000, FW_CONVENTIONAL, MEM_FREE },
	{ 0x100000, 0x2000000, FW_CONVENTIONAL, MEM_FREE },
};

static void setup(void)
{
	host_physmem_reset();
	ck_assert_int_eq(mm_init(map, ARRAY_SIZE(map)), 0);
}

START_TEST(slots_round_trip_and_run_out)
{
	size_t free0, n = 100;
	uint8_t page[PAGE_SIZE], back[PAGE_SIZE];
	uint64_t slot[100], extra;

	setup();
	free0 = pfdb_free_count();
	ck_assert_int_eq(swap_init(n), 0);
	ck_assert_uint_eq(swap_slots_total(), n);
	ck_assert_uint_eq(pfdb_free_count(), free0 - swap_frames());
	ck_assert_uint_eq(swap_frames(), n + 2);     /* + table + directory */
	for (size_t i = 0; i < n; i++) {
		ck_assert_int_eq(swap_alloc(&slot[i]), 0);
		for (size_t j = 0; j < i; j++)
			ck_assert_uint_ne(slot[i], slot[j]);
		memset(page, (int)i, sizeof(page));
		swap_write(slot[i], page);
	}
	ck_assert_int_eq(swap_alloc(&extra), -ENOMEM);
	for (size_t i = 0; i < n; i++) {
		swap_read(slot[i], back);
		ck_assert_uint_eq(back[0], (uint8_t)i);
		ck_assert_uint_eq(back[PAGE_SIZE - 1], (uint8_t)i);
	}
	swap_free(slot[7]);
	ck_assert_uint_eq(swap_slots_free(), 1);
	ck_assert_int_eq(swap_alloc(&extra), 0);
	ck_assert_uint_eq(extra, slot[7]);
	ck_assert_int_eq(swap_init(0), 0);           /* gives it all back */
	ck_assert_uint_eq(pfdb_free_count(), free0);
}
END_TEST

START_TEST(too_big_takes_nothing)
{
	size_t free0;

	setup();
	free0 = pfdb_free_count();
	ck_assert_int_eq(swap_init(free0), -ENOMEM);
	ck_assert_uint_eq(pfdb_free_count(), free0);
	ck_assert_uint_eq(swap_slots_total(), 0);
	/* n slots need n frames + n/512 table frames + 1 directory */
	ck_assert_int_eq(swap_init(free0 - free0 / 512 - 2), 0);
	ck_assert_uint_eq(pfdb_free_count(), free0 - swap_frames());
	ck_assert_uint_le(pfdb_free_count(), 1);
	ck_assert_int_eq(swap_init(0), 0);
	ck_assert_uint_eq(pfdb_free_count(), free0);
}
END_TEST

START_TEST(pgarray_spans_directories)
{
	struct pgarray a;
	size_t free0, n = 600 * 1024;        /* 600 data frames: 3 dirs */

	setup();
	free0 = pfdb_free_count();
	ck_assert_int_eq(pgarray_init(&a, n, sizeof(uint32_t)), 0);
	ck_assert_uint_eq(PGARRAY_PER_DIR, 256);
	ck_assert_uint_eq(pgarray_frames(&a), 603);
	for (size_t i = 0; i < n; i += 997)
		*(uint32_t *)pgarray_at(&a, i) = (uint32_t)i;
	for (size_t i = 0; i < n; i += 997)
		ck_assert_uint_eq(*(uint32_t *)pgarray_at(&a, i), i);
	ck_assert_uint_eq(*(uint32_t *)pgarray_at(&a, n - 1), 0);
	pgarray_release(&a);
	ck_assert_uint_eq(pfdb_free_count(), free0);
	ck_assert_int_eq(pgarray_init(&a, free0 * 1024, sizeof(uint32_t)), -ENOMEM);
	ck_assert_uint_eq(pfdb_free_count(), free0);
}
END_TEST

/* lru's links' shape (8-byte records, not zeroed) at its limits: the
 * first record of the second directory and the very last record; a
 * length one record past a whole directory takes a directory more. */
START_TEST(pgarray_raw_last_record)
{
	struct pgarray a;
	size_t n = PGARRAY_PER_DIR * (PAGE_SIZE / 8) + 1, free0;

	setup();
	free0 = pfdb_free_count();
	ck_assert_int_eq(pgarray_init_raw(&a, n, sizeof(uint64_t)), 0);
	ck_assert_uint_eq(pgarray_frames(&a), PGARRAY_PER_DIR + 1 + 2);
	*(uint64_t *)pgarray_at(&a, n - 2) = 0x1122334455667788ULL;
	*(uint64_t *)pgarray_at(&a, n - 1) = ~0ULL;
	*(uint64_t *)pgarray_at(&a, 0) = 1;
	ck_assert_uint_eq(*(uint64_t *)pgarray_at(&a, n - 2), 0x1122334455667788ULL);
	ck_assert_uint_eq(*(uint64_t *)pgarray_at(&a, n - 1), ~0ULL);
	ck_assert_uint_eq(*(uint64_t *)pgarray_at(&a, 0), 1);
	ck_assert_ptr_ne(pgarray_at(&a, n - 1), pgarray_at(&a, n - 2));
	pgarray_release(&a);
	ck_assert_uint_eq(pfdb_free_count(), free0);
}
END_TEST

static Suite *swap_suite(void)
{
	Suite *s = suite_create("swap");
	TCase *tc = tcase_create("swap");

	tcase_add_test(tc, slots_round_trip_and_run_out);
	tcase_add_test(tc, too_big_takes_nothing);
	tcase_add_test(tc, pgarray_spans_directories);
	tcase_add_test(tc, pgarray_raw_last_record);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_SUITE(swap_suite)
