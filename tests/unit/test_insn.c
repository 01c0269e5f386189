/*
 * tests/unit/test_insn.c - arch/x86_64/insn.c: every privileged and I/O
 * instruction it names, from the encodings GNU as produces (objdump
 * -d), bare and behind prefixes; truncated input; ordinary and
 * non-privileged system instructions that must not be named.
 */
#include <string.h>

#include "../../arch/x86_64/insn.h"
#include "unit.h"

struct insn_case {
	const char *asm_text;   /* what as assembled to the bytes */
	uint8_t bytes[8];
	size_t len;
	const char *name;       /* NULL: not named */
};

#define C(text, name, ...)                                                \
	{ text, { __VA_ARGS__ }, sizeof((uint8_t[]){ __VA_ARGS__ }), name }

static const struct insn_case named[] = {
	C("cli", "cli", 0xFA),
	C("sti", "sti", 0xFB),
	C("hlt", "hlt", 0xF4),
	C("in $0x60,%al", "in", 0xE4, 0x60),
	C("in $0x60,%eax", "in", 0xE5, 0x60),
	C("in (%dx),%al", "in", 0xEC),
	C("in (%dx),%eax", "in", 0xED),
	C("in (%dx),%ax", "in", 0x66, 0xED),
	C("out %al,$0x80", "out", 0xE6, 0x80),
	C("out %eax,$0x80", "out", 0xE7, 0x80),
	C("out %al,(%dx)", "out", 0xEE),
	C("out %eax,(%dx)", "out", 0xEF),
	C("insb", "ins", 0x6C),
	C("insl", "ins", 0x6D),
	C("outsb", "outs", 0x6E),
	C("outsl", "outs", 0x6F),
	C("rep outsb", "outs", 0xF3, 0x6E),
	C("mov %cr0,%rax", "mov from CR0", 0x0F, 0x20, 0xC0),
	C("mov %cr3,%rax", "mov from CR3", 0x0F, 0x20, 0xD8),
	C("mov %cr4,%rbx", "mov from CR4", 0x0F, 0x20, 0xE3),
	C("mov %cr8,%rax", "mov from CR8", 0x44, 0x0F, 0x20, 0xC0),
	C("mov %rax,%cr3", "mov to CR3", 0x0F, 0x22, 0xD8),
	C("mov %rax,%cr0", "mov to CR0", 0x0F, 0x22, 0xC0),
	C("mov %rax,%cr4", "mov to CR4", 0x0F, 0x22, 0xE0),
	C("mov %rax,%cr8", "mov to CR8", 0x44, 0x0F, 0x22, 0xC0),
	C("mov %db7,%rax", "mov from DR7", 0x0F, 0x21, 0xF8),
	C("mov %rax,%db0", "mov to DR0", 0x0F, 0x23, 0xC0),
	C("mov %rax,%db7", "mov to DR7", 0x0F, 0x23, 0xF8),
	C("wrmsr", "wrmsr", 0x0F, 0x30),
	C("rdmsr", "rdmsr", 0x0F, 0x32),
	C("clts", "clts", 0x0F, 0x06),
	C("invd", "invd", 0x0F, 0x08),
	C("wbinvd", "wbinvd", 0x0F, 0x09),
	C("lgdt (%rax)", "lgdt", 0x0F, 0x01, 0x10),
	C("lidt (%rax)", "lidt", 0x0F, 0x01, 0x18),
	C("lgdt 0x10(%rip)", "lgdt", 0x0F, 0x01, 0x15, 0x10, 0x00, 0x00, 0x00),
	C("invlpg (%rax)", "invlpg", 0x0F, 0x01, 0x38),
	C("invlpg (%r8)", "invlpg", 0x41, 0x0F, 0x01, 0x38),
	C("lmsw (%rax)", "lmsw", 0x0F, 0x01, 0x30),
	C("lmsw %ax", "lmsw", 0x0F, 0x01, 0xF0),
	C("swapgs", "swapgs", 0x0F, 0x01, 0xF8),
	C("xsetbv", "xsetbv", 0x0F, 0x01, 0xD1),
	C("lldt %ax", "lldt", 0x0F, 0x00, 0xD0),
	C("lldt (%rax)", "lldt", 0x0F, 0x00, 0x10),
	C("ltr %ax", "ltr", 0x0F, 0x00, 0xD8),
	C("ltr (%rax)", "ltr", 0x0F, 0x00, 0x18),
	C("sysretq", "sysret", 0x48, 0x0F, 0x07),
	C("sysretl", "sysret", 0x0F, 0x07),
	C("sysexitl", "sysexit", 0x0F, 0x35),
	/* Prefixes: segment, operand size, lock, rep, address size, REX. */
	C("cs hlt", "hlt", 0x2E, 0xF4),
	C("fs gs out", "out", 0x64, 0x65, 0xEE),
	C("data16 addr32 wrmsr", "wrmsr", 0x66, 0x67, 0x0F, 0x30),
	C("lock ss ds es cli", "cli", 0xF0, 0x36, 0x3E, 0x26, 0xFA),
	C("repne rex.W mov %rax,%cr3", "mov to CR3",
	  0xF2, 0x48, 0x0F, 0x22, 0xD8),
	C("rex.R mov %rax,%cr15", "mov to CR15", 0x44, 0x0F, 0x22, 0xF8),
	C("rex.WRXB mov %cr11,%r8", "mov from CR11", 0x4F, 0x0F, 0x20, 0xD8),
};

static const struct insn_case unnamed[] = {
	C("nop", NULL, 0x90),
	C("mov %rax,%rbx", NULL, 0x48, 0x89, 0xC3),
	C("ret", NULL, 0xC3),
	C("syscall", NULL, 0x0F, 0x05),
	C("int3", NULL, 0xCC),
	C("iretq", NULL, 0x48, 0xCF),
	C("sgdt (%rax)", NULL, 0x0F, 0x01, 0x00),
	C("sidt (%rax)", NULL, 0x0F, 0x01, 0x08),
	C("smsw %ax", NULL, 0x66, 0x0F, 0x01, 0xE0),
	C("rdtscp", NULL, 0x0F, 0x01, 0xF9),
	C("monitor", NULL, 0x0F, 0x01, 0xC8),
	C("mwait", NULL, 0x0F, 0x01, 0xC9),
	C("clac", NULL, 0x0F, 0x01, 0xCA),
	C("stac", NULL, 0x0F, 0x01, 0xCB),
	C("xgetbv", NULL, 0x0F, 0x01, 0xD0),
	C("rdtsc", NULL, 0x0F, 0x31),
	C("sldt %ax", NULL, 0x66, 0x0F, 0x00, 0xC0),
	C("str %ax", NULL, 0x66, 0x0F, 0x00, 0xC8),
	C("lfence", NULL, 0x0F, 0xAE, 0xE8),
	C("cpuid", NULL, 0x0F, 0xA2),
	/* REX.R on mov DR names DR8..DR15, which do not exist (#UD). */
	C("rex.R mov %rax,%db8", NULL, 0x44, 0x0F, 0x23, 0xC0),
	/* Only one REX is skipped: a second one is the opcode. */
	C("rex rex cli", NULL, 0x40, 0x41, 0xFA),
	/* Truncated: prefixes only, 0F alone, ModRM missing. */
	C("cs (cut)", NULL, 0x2E),
	C("rex.W (cut)", NULL, 0x48),
	C("0F (cut)", NULL, 0x0F),
	C("66 0F (cut)", NULL, 0x66, 0x0F),
	C("mov to CR (cut)", NULL, 0x0F, 0x22),
	C("mov from CR8 (cut)", NULL, 0x44, 0x0F, 0x20),
	C("mov to DR (cut)", NULL, 0x0F, 0x23),
	C("lgdt (cut)", NULL, 0x0F, 0x01),
	C("lldt (cut)", NULL, 0x0F, 0x00),
};

static void check_case(const struct insn_case *c)
{
	const char *got = insn_privileged_name(c->bytes, c->len);

	if (!c->name) {
		ck_assert_msg(got == NULL, "%s: got \"%s\", want NULL",
			      c->asm_text, got);
		return;
	}
	ck_assert_msg(got != NULL, "%s: got NULL, want \"%s\"", c->asm_text,
		      c->name);
	ck_assert_msg(strcmp(got, c->name) == 0, "%s: got \"%s\", want \"%s\"",
		      c->asm_text, got, c->name);
}

START_TEST(names_privileged)
{
	check_case(&named[_i]);
}
END_TEST

START_TEST(ignores_others)
{
	check_case(&unnamed[_i]);
}
END_TEST

/* A cut encoding is too short to tell (NULL) or already decided (the
 * same name: in $0x60 is "in" from its opcode alone); never another
 * instruction's name. */
START_TEST(cut_never_misnames)
{
	const struct insn_case *c = &named[_i];

	ck_assert_ptr_null(insn_privileged_name(c->bytes, 0));
	for (size_t n = 1; n < c->len; n++) {
		const char *got = insn_privileged_name(c->bytes, n);

		ck_assert_msg(!got || strcmp(got, c->name) == 0,
			      "%s cut to %zu bytes: \"%s\"", c->asm_text, n,
			      got);
	}
}
END_TEST

/* A 15-byte limit: 14 prefixes and the opcode is an instruction, one
 * more prefix is not (#GP for length, not for privilege). */
START_TEST(length_limit)
{
	uint8_t code[16];

	memset(code, 0x2E, sizeof(code));
	code[14] = 0xF4;
	ck_assert_str_eq(insn_privileged_name(code, 15), "hlt");
	ck_assert_str_eq(insn_privileged_name(code, 16), "hlt");
	code[14] = 0x2E;
	code[15] = 0xF4;
	ck_assert_ptr_null(insn_privileged_name(code, 16));
}
END_TEST

/* Numbered names come from constant tables: each is its own string, the
 * same pointer every time (no buffer a second call overwrites). */
START_TEST(numbered_names_are_constant)
{
	static const uint8_t cr3[] = { 0x0F, 0x22, 0xD8 };
	static const uint8_t cr4[] = { 0x0F, 0x22, 0xE0 };
	const char *a = insn_privileged_name(cr3, sizeof(cr3));
	const char *b = insn_privileged_name(cr4, sizeof(cr4));

	ck_assert_str_eq(a, "mov to CR3");
	ck_assert_str_eq(b, "mov to CR4");
	ck_assert_ptr_eq(a, insn_privileged_name(cr3, sizeof(cr3)));
	ck_assert_ptr_ne(a, b);
}
END_TEST

static Suite *insn_suite(void)
{
	Suite *s = suite_create("insn");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, names_privileged, 0, (int)(sizeof(named) /
							  sizeof(named[0])));
	tcase_add_loop_test(tc, ignores_others, 0, (int)(sizeof(unnamed) /
							 sizeof(unnamed[0])));
	tcase_add_loop_test(tc, cut_never_misnames, 0, (int)(sizeof(named) /
							   sizeof(named[0])));
	tcase_add_test(tc, length_limit);
	tcase_add_test(tc, numbered_names_are_constant);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_SUITE(insn_suite)
