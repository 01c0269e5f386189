/*
 * tests/unit/test_backtrace.c - the frame-pointer walker
 * (arch/x86_64/backtrace.c) over chains built in a host array, read
 * through a callback that refuses everything outside it: good chains,
 * reads that fail, loops, misaligned and zero links, the depth limit.
 */
#include <string.h>

#include "../../arch/x86_64/backtrace.h"
#include "../../lib/symtab.h"
#include "../../lib/errno.h"
#include "unit.h"

#define STACK_WORDS 512

static uint64_t stack[STACK_WORDS];
static int reads;

/* The callback: only [stack, stack + STACK_WORDS) is readable. */
static int read_stack(void *dst, const void *src, size_t len)
{
	uintptr_t lo = (uintptr_t)stack, hi = (uintptr_t)(stack + STACK_WORDS);
	uintptr_t p = (uintptr_t)src;

	reads++;
	if (p < lo || p > hi || len > hi - p)
		return -EFAULT;
	memcpy(dst, src, len);
	return 0;
}

static uint64_t addr(int word)
{
	return (uint64_t)(uintptr_t)&stack[word];
}

/* Puts a frame record at word: the caller's frame pointer, then the
 * return address. */
static void frame_at(int word, uint64_t caller_rbp, uint64_t ret)
{
	stack[word] = caller_rbp;
	stack[word + 1] = ret;
}

static void setup(void)
{
	memset(stack, 0, sizeof(stack));
	reads = 0;
}

START_TEST(test_good_chain)
{
	struct backtrace bt;

	frame_at(10, addr(20), 0x5000000000a0);
	frame_at(20, addr(40), 0x5000000000b0);
	frame_at(40, 0, 0x5000000000c0);
	backtrace_walk(0x500000000010, addr(10), read_stack, &bt);
	ck_assert_uint_eq(bt.n, 4);
	ck_assert_uint_eq(bt.pc[0], 0x500000000010);
	ck_assert_uint_eq(bt.pc[1], 0x5000000000a0);
	ck_assert_uint_eq(bt.pc[2], 0x5000000000b0);
	ck_assert_uint_eq(bt.pc[3], 0x5000000000c0);
	ck_assert_str_eq(bt.end, "end of the frame chain (RBP 0)");
	ck_assert_uint_eq(bt.end_rbp, 0);
}
END_TEST

START_TEST(test_rbp_zero_gives_rip_only)
{
	struct backtrace bt;

	backtrace_walk(0x1234, 0, read_stack, &bt);
	ck_assert_uint_eq(bt.n, 1);
	ck_assert_uint_eq(bt.pc[0], 0x1234);
	ck_assert_int_eq(reads, 0);
}
END_TEST

/* A link out of the readable area: the read fails, the walk stops
 * cleanly with what it had. */
START_TEST(test_unreadable_link_stops)
{
	struct backtrace bt;
	uint64_t wild = 0x00007ff000000000ULL;

	frame_at(10, wild, 0x5000000000a0);
	backtrace_walk(0x500000000010, addr(10), read_stack, &bt);
	ck_assert_uint_eq(bt.n, 2);
	ck_assert_str_eq(bt.end, "unreadable frame");
	ck_assert_uint_eq(bt.end_rbp, wild);
	/* the very first frame unreadable: RIP alone */
	backtrace_walk(0x500000000010, wild, read_stack, &bt);
	ck_assert_uint_eq(bt.n, 1);
	ck_assert_str_eq(bt.end, "unreadable frame");
}
END_TEST

/* A frame pointing at itself or below: a loop would never end. */
START_TEST(test_loop_stops)
{
	struct backtrace bt;

	frame_at(10, addr(10), 0x5000000000a0);
	backtrace_walk(0x500000000010, addr(10), read_stack, &bt);
	ck_assert_uint_eq(bt.n, 2);
	ck_assert_str_eq(bt.end, "frame pointer does not grow");
	frame_at(10, addr(20), 0x5000000000a0);
	frame_at(20, addr(10), 0x5000000000b0);
	backtrace_walk(0x500000000010, addr(10), read_stack, &bt);
	ck_assert_uint_eq(bt.n, 3);
	ck_assert_str_eq(bt.end, "frame pointer does not grow");
	ck_assert_int_le(reads, 3);
}
END_TEST

START_TEST(test_misaligned_and_zero_return)
{
	struct backtrace bt;

	frame_at(10, addr(20) + 3, 0x5000000000a0);
	backtrace_walk(0x500000000010, addr(10), read_stack, &bt);
	ck_assert_uint_eq(bt.n, 2);
	ck_assert_str_eq(bt.end, "misaligned frame pointer");
	frame_at(10, addr(20), 0);
	backtrace_walk(0x500000000010, addr(10), read_stack, &bt);
	ck_assert_uint_eq(bt.n, 1);
	ck_assert_str_eq(bt.end, "zero return address");
}
END_TEST

/* A chain longer than the limit: exactly BACKTRACE_MAX_DEPTH entries. */
START_TEST(test_depth_limit)
{
	struct backtrace bt;

	for (int i = 0; i < 100; i++)
		frame_at(4 * i, addr(4 * (i + 1)), 0x500000001000 + (uint64_t)i);
	backtrace_walk(0x500000000010, addr(0), read_stack, &bt);
	ck_assert_uint_eq(bt.n, BACKTRACE_MAX_DEPTH);
	ck_assert_str_eq(bt.end, "depth limit");
	ck_assert_uint_eq(bt.pc[BACKTRACE_MAX_DEPTH - 1],
			  0x500000001000 + BACKTRACE_MAX_DEPTH - 2);
	ck_assert_int_eq(reads, BACKTRACE_MAX_DEPTH - 1);
}
END_TEST

START_TEST(test_print_lines)
{
	const char *out;

	con_capture_reset();
	frame_at(10, 0, 0x5000000000a0);
	backtrace_print(0x500000000010, addr(10), read_stack, NULL);
	out = con_capture();
	ck_assert_str_eq(out, "efimm: backtrace:\n"
			 "efimm:   #0 0x0000500000000010 ?\n"
			 "efimm:   #1 0x00005000000000a0 ?\n"
			 "efimm: backtrace ends: end of the frame chain (RBP 0) (RBP 0x0)\n");
}
END_TEST

/* A payload-like table: level3 at 0x...10 (size 0x40), main at
 * 0x...80 (size 0x20, ending in a call: its return address is 0x...a0,
 * just past its end). */
static const struct symtab_entry bt_syms[] = {
	{ 0x500000000010, 0x40, 0 }, { 0x500000000080, 0x20, 7 },
};
static const struct symtab bt_tab = {
	.e = bt_syms, .n = 2, .names = "level3\0main", .names_size = 12,
	.module = "deep.elf",
};

static const char *bt_sym(uint64_t pc, uint64_t *off, const char **module)
{
	*module = bt_tab.module;
	return symtab_lookup(&bt_tab, pc, off);
}

START_TEST(test_print_symbols)
{
	const char *out;

	con_capture_reset();
	frame_at(10, addr(12), 0x5000000000a0);
	frame_at(12, 0, 0x700000000000);
	backtrace_print(0x500000000023, addr(10), read_stack, bt_sym);
	out = con_capture();
	ck_assert_str_eq(out, "efimm: backtrace:\n"
			 "efimm:   #0 0x0000500000000023 level3+0x13 (deep.elf)\n"
			 "efimm:   #1 0x00005000000000a0 main+0x20 (deep.elf)\n"
			 "efimm:   #2 0x0000700000000000 ?\n"
			 "efimm: backtrace ends: end of the frame chain (RBP 0) (RBP 0x0)\n");
}
END_TEST

/* symtab_lookup's edges: below the first entry, past a sized entry's
 * end, a name outside the blob; and the sort. */
START_TEST(test_symtab_lookup_and_sort)
{
	struct symtab_entry e[] = {
		{ 0x300, 0, 5 }, { 0x100, 0x10, 0 }, { 0x200, 0x10, 99 },
	};
	struct symtab t = { .e = e, .n = 3, .names = "aaaa\0bbbb", .names_size = 10,
			    .base = 0x1000 };
	uint64_t off = 0;

	symtab_sort(e, 3);
	ck_assert_uint_eq(e[0].addr, 0x100);
	ck_assert_uint_eq(e[2].addr, 0x300);
	ck_assert_ptr_null(symtab_lookup(&t, 0x10ff, &off));
	ck_assert_str_eq(symtab_lookup(&t, 0x1105, &off), "aaaa");
	ck_assert_uint_eq(off, 5);
	ck_assert_ptr_null(symtab_lookup(&t, 0x1110, &off));
	ck_assert_str_eq(symtab_lookup(&t, 0x1200, &off), "?");
	ck_assert_ptr_null(symtab_lookup(&t, 0x1345, &off));
	e[2].size = 0x100;
	ck_assert_str_eq(symtab_lookup(&t, 0x1345, &off), "bbbb");
	ck_assert_uint_eq(off, 0x45);
	e[1].size = 0;                  /* up to the next entry */
	ck_assert_str_eq(symtab_lookup(&t, 0x12ff, &off), "?");
	ck_assert_uint_eq(off, 0xff);
	ck_assert_ptr_null(symtab_lookup(&t, 0x50, &off));
	t.n = 0;
	ck_assert_ptr_null(symtab_lookup(&t, 0x1105, &off));
}
END_TEST

static Suite *backtrace_suite(void)
{
	Suite *s = suite_create("backtrace");
	TCase *tc = tcase_create("walk");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_good_chain);
	tcase_add_test(tc, test_rbp_zero_gives_rip_only);
	tcase_add_test(tc, test_unreadable_link_stops);
	tcase_add_test(tc, test_loop_stops);
	tcase_add_test(tc, test_misaligned_and_zero_return);
	tcase_add_test(tc, test_depth_limit);
	tcase_add_test(tc, test_print_lines);
	tcase_add_test(tc, test_print_symbols);
	tcase_add_test(tc, test_symtab_lookup_and_sort);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_SUITE(backtrace_suite)
