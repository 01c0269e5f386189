/*
 * tests/unit/test_payload.c - mm/payload.c: a payload's segments and
 * stack in the payload window, on the real frame database and x86_64
 * page tables (host arena).
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "../../lib/errno.h"
#include "../../mm/arch_hooks.h"
#include "../../mm/kmem.h"
#include "../../mm/mm.h"
#include "../../mm/payload.h"
#include "../../mm/pfdb.h"
#include "../../mm/vm.h"
#include "../host/physmem_host.h"
#include "unit.h"

static const struct mem_range pl_ram[] = {
	{ 0x100000, 0x2000000, FW_CONVENTIONAL, MEM_FREE },
};

#define WIN VM_PAYLOAD_BASE

static void setup(void)
{
	host_physmem_reset();
	ck_assert_int_eq(mm_init(pl_ram, ARRAY_SIZE(pl_ram)), 0);
}

/* The byte at va through the page tables, or -1 if va is not mapped. */
static int byte_at(vaddr_t va)
{
	paddr_t phys;

	if (arch_mem_translate(va, &phys, NULL) != 0)
		return -1;
	return *(uint8_t *)arch_phys_to_ptr(phys);
}

static uint32_t perm_at(vaddr_t va)
{
	uint32_t flags = 0;

	ck_assert_int_eq(arch_mem_translate(va, NULL, &flags), 0);
	return flags & (K_MEM_PERM_RW | K_MEM_PERM_EXEC);
}

/* An unaligned segment: file bytes copied, the rest of its pages (the
 * .bss and both page tails) zero, its own permissions, frames pinned. */
START_TEST(segment_copies_file_and_zeroes_the_rest)
{
	static uint8_t file[5000];
	struct payload_seg s = { .va = WIN + 0x1100, .memsz = 0x3000,
				 .data = file, .filesz = sizeof(file),
				 .flags = K_MEM_PERM_RW };
	size_t free0;
	paddr_t phys;

	setup();
	for (size_t i = 0; i < sizeof(file); i++)
		file[i] = (uint8_t)(i * 13 + 1);
	free0 = pfdb_free_count();
	ck_assert_int_eq(payload_map_segment(&s), 0);
	for (vaddr_t va = WIN + 0x1000; va < WIN + 0x5000; va++) {
		bool in_file = va >= s.va && va < s.va + s.filesz;
		int want = in_file ? file[va - s.va] : 0;

		ck_assert_int_eq(byte_at(va), want);
	}
	ck_assert_int_eq(byte_at(WIN), -1);
	ck_assert_int_eq(byte_at(WIN + 0x5000), -1);
	ck_assert_uint_eq(perm_at(WIN + 0x1000), K_MEM_PERM_RW);
	ck_assert_int_eq(arch_mem_translate(WIN + 0x2000, &phys, NULL), 0);
	ck_assert(pfdb_flags(pfdb_from_phys(phys)) & PFDB_PINNED);
	/* 4 data pages and some table pages */
	ck_assert_uint_gt(free0 - pfdb_free_count(), 4);
}
END_TEST

START_TEST(segments_keep_their_permissions)
{
	static const uint8_t code[16] = { 0xc3 };
	struct payload_seg text = { .va = WIN, .memsz = PAGE_SIZE, .data = code,
				    .filesz = sizeof(code), .flags = K_MEM_PERM_EXEC };
	struct payload_seg ro = { .va = WIN + PAGE_SIZE, .memsz = PAGE_SIZE,
				  .flags = 0 };

	setup();
	ck_assert_int_eq(payload_map_segment(&text), 0);
	ck_assert_int_eq(payload_map_segment(&ro), 0);
	ck_assert_uint_eq(perm_at(WIN), K_MEM_PERM_EXEC);
	ck_assert_uint_eq(perm_at(WIN + PAGE_SIZE), 0);
	ck_assert_int_eq(byte_at(WIN), 0xc3);
	ck_assert_int_eq(byte_at(WIN + PAGE_SIZE), 0);
}
END_TEST

/* Unmapping gives back every frame, table pages included. */
START_TEST(unmap_frees_everything)
{
	struct payload_seg s = { .va = WIN + 0x200000, .memsz = 8 * PAGE_SIZE,
				 .flags = K_MEM_PERM_RW };
	size_t free0, pt0;

	setup();
	free0 = pfdb_free_count();
	pt0 = mm_pt_pages();
	ck_assert_int_eq(payload_map_segment(&s), 0);
	payload_unmap(WIN, WIN + 0x400000);     /* holes are skipped */
	for (vaddr_t va = s.va; va < s.va + s.memsz; va += PAGE_SIZE)
		ck_assert_int_eq(byte_at(va), -1);
	ck_assert_uint_eq(pfdb_free_count(), free0);
	ck_assert_uint_eq(mm_pt_pages(), pt0);
}
END_TEST

/* With frames for only part of a segment: -ENOMEM and nothing left. */
START_TEST(segment_out_of_frames_rolls_back)
{
	struct payload_seg s = { .va = WIN, .memsz = 64 * PAGE_SIZE,
				 .flags = K_MEM_PERM_RW };
	size_t left = 10 + (size_t)_i, free0, nhog;
	struct page_frame **hog;

	setup();
	nhog = pfdb_free_count() - left;
	hog = malloc(nhog * sizeof(*hog));
	for (size_t i = 0; i < nhog; i++)
		hog[i] = pfdb_alloc();
	free0 = pfdb_free_count();
	ck_assert_int_eq(payload_map_segment(&s), -ENOMEM);
	ck_assert_uint_eq(pfdb_free_count(), free0);
	for (vaddr_t va = s.va; va < s.va + s.memsz; va += PAGE_SIZE)
		ck_assert_int_eq(byte_at(va), -1);
	for (size_t i = 0; i < nhog; i++)
		pfdb_free(hog[i]);
	free(hog);
	ck_assert_int_eq(payload_map_segment(&s), 0);
}
END_TEST

START_TEST(stack_has_a_guard_page_below)
{
	vaddr_t top = VM_PAYLOAD_END - 0x10000, guard = 0;

	setup();
	ck_assert_int_eq(payload_map_stack(top, 4 * PAGE_SIZE, &guard), 0);
	ck_assert_uint_eq(guard, top - 5 * PAGE_SIZE);
	ck_assert_int_eq(byte_at(guard), -1);
	ck_assert_int_eq(byte_at(top), -1);
	for (vaddr_t va = guard + PAGE_SIZE; va < top; va += PAGE_SIZE) {
		ck_assert_int_eq(byte_at(va), 0);
		ck_assert_uint_eq(perm_at(va), K_MEM_PERM_RW);
	}
}
END_TEST

/* Bad stacks: refused with -EINVAL, nothing mapped, no frame taken. */
START_TEST(bad_stacks_are_refused)
{
	struct payload_seg below = { .va = WIN + 0x10000, .memsz = PAGE_SIZE,
				     .flags = K_MEM_PERM_RW };
	vaddr_t guard = 1;
	size_t free0;

	setup();
	ck_assert_int_eq(payload_map_segment(&below), 0);
	free0 = pfdb_free_count();
	ck_assert_int_eq(payload_map_stack(WIN + 0x20000, 0, &guard), -EINVAL);
	ck_assert_int_eq(payload_map_stack(WIN + 0x20800, PAGE_SIZE, &guard), -EINVAL);
	ck_assert_int_eq(payload_map_stack(WIN + 0x20000, 0x800, &guard), -EINVAL);
	/* the guard page would land on a mapped page */
	ck_assert_int_eq(payload_map_stack(WIN + 0x20000, 0xf000, &guard), -EINVAL);
	/* the guard page or the stack outside the window */
	ck_assert_int_eq(payload_map_stack(WIN + 0x1000, 0x1000, &guard), -EINVAL);
	ck_assert_int_eq(payload_map_stack(VM_PAYLOAD_END + 0x2000, 0x1000, &guard),
			 -EINVAL);
	ck_assert_int_eq(payload_map_stack(0x2000, 0x1000, &guard), -EINVAL);
	ck_assert_uint_eq(guard, 1);
	ck_assert_uint_eq(pfdb_free_count(), free0);
}
END_TEST

/* A segment outside the window is a caller bug (the ELF checker's job). */
START_TEST(segment_outside_window_asserts)
{
	struct payload_seg s = { .va = VM_KMEM_BASE, .memsz = PAGE_SIZE,
				 .flags = K_MEM_PERM_RW };

	setup();
	payload_map_segment(&s);
}
END_TEST

static Suite *payload_suite(void)
{
	Suite *s = suite_create("payload");
	TCase *tc = tcase_create("payload");

	tcase_add_test(tc, segment_copies_file_and_zeroes_the_rest);
	tcase_add_test(tc, segments_keep_their_permissions);
	tcase_add_test(tc, unmap_frees_everything);
	tcase_add_loop_test(tc, segment_out_of_frames_rolls_back, 0, 4);
	tcase_add_test(tc, stack_has_a_guard_page_below);
	tcase_add_test(tc, bad_stacks_are_refused);
	tcase_add_test_raise_signal(tc, segment_outside_window_asserts, SIGABRT);
	suite_add_tcase(s, tc);
	return s;
}
UNIT_SUITE(payload_suite)
