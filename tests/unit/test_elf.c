/*
 * tests/unit/test_elf.c - pure/elf.c, the payload ELF checker, and the
 * SDK's constants.
 *
 * Every image is built in memory from one valid model (three PT_LOADs:
 * text RX, rodata R, data RW with bss, plus a PT_GNU_STACK) and then
 * broken in exactly one way per case.  The in-tree payloads, when built
 * (build/payload/NAME.elf), must all be accepted.
 */
#include <dirent.h>
#include <elf.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../pure/elf.h"
#include "../../lib/errno.h"
#include "../../mm/kmem.h"
#include "../../payload/sdk/efimm_abi.h"
#include "unit.h"

#define BASE    ELF_WINDOW_LO
#define TSIZE   0x400
#define NPH     4

struct timg {
	union {
		uint8_t b[TSIZE];
		Elf64_Ehdr eh;
	};
	size_t size;
	struct elf_limits lim;
};

static Elf64_Phdr *ph(struct timg *t, int i)
{
	return (Elf64_Phdr *)(t->b + sizeof(Elf64_Ehdr) + i * sizeof(Elf64_Phdr));
}

static void set_ph(struct timg *t, int i, uint32_t type, uint32_t flags,
		   uint64_t off, uint64_t va, uint64_t filesz, uint64_t memsz)
{
	*ph(t, i) = (Elf64_Phdr){
		.p_type = type, .p_flags = flags, .p_offset = off,
		.p_vaddr = va, .p_paddr = va, .p_filesz = filesz,
		.p_memsz = memsz, .p_align = type == PT_LOAD ? 0x1000 : 0,
	};
}

/* The valid model: 5 pages (text 1, rodata 1, data 0x2300..0x4300 = 3). */
static void model(struct timg *t)
{
	memset(t, 0, sizeof(*t));
	memcpy(t->eh.e_ident, ELFMAG, SELFMAG);
	t->eh.e_ident[EI_CLASS] = ELFCLASS64;
	t->eh.e_ident[EI_DATA] = ELFDATA2LSB;
	t->eh.e_ident[EI_VERSION] = EV_CURRENT;
	t->eh.e_type = ET_EXEC;
	t->eh.e_machine = EM_X86_64;
	t->eh.e_version = EV_CURRENT;
	t->eh.e_entry = BASE + 0x210;
	t->eh.e_phoff = sizeof(Elf64_Ehdr);
	t->eh.e_ehsize = sizeof(Elf64_Ehdr);
	t->eh.e_phentsize = sizeof(Elf64_Phdr);
	t->eh.e_phnum = NPH;
	set_ph(t, 0, PT_LOAD, PF_R | PF_X, 0x200, BASE + 0x200, 0x40, 0x40);
	set_ph(t, 1, PT_LOAD, PF_R, 0x280, BASE + 0x1280, 0x20, 0x20);
	set_ph(t, 2, PT_LOAD, PF_R | PF_W, 0x300, BASE + 0x2300, 0x10, 0x2000);
	set_ph(t, 3, PT_GNU_STACK, PF_R | PF_W, 0, 0, 0, 0);
	t->size = TSIZE;
	elf_limits_default(&t->lim);
}

static int run(struct timg *t, struct elf_image *out, char *why, size_t n)
{
	return elf_check(t->b, t->size, &t->lim, out, why, n);
}

START_TEST(valid_image_accepted)
{
	struct timg t;
	struct elf_image out;
	char why[128];

	model(&t);
	ck_assert_int_eq(run(&t, &out, why, sizeof(why)), 0);
	ck_assert_str_eq(why, "");
	ck_assert_uint_eq(out.entry, BASE + 0x210);
	ck_assert_uint_eq(out.nseg, 3);
	ck_assert_uint_eq(out.seg[0].vaddr, BASE + 0x200);
	ck_assert_uint_eq(out.seg[0].flags, ELF_SEG_R | ELF_SEG_X);
	ck_assert_uint_eq(out.seg[1].flags, ELF_SEG_R);
	ck_assert_uint_eq(out.seg[2].flags, ELF_SEG_R | ELF_SEG_W);
	ck_assert_uint_eq(out.seg[2].offset, 0x300);
	ck_assert_uint_eq(out.seg[2].filesz, 0x10);
	ck_assert_uint_eq(out.seg[2].memsz, 0x2000);
	ck_assert_uint_eq(out.lo, BASE);
	ck_assert_uint_eq(out.hi, BASE + 0x5000);
	ck_assert_uint_eq(out.total_pages, 5);
}
END_TEST

/* One broken model per case: what to break, the errno, the reason. */
struct bad_case {
	const char *name;
	void (*breakit)(struct timg *t);
	int err;
	const char *reason;
};

static void bad_magic(struct timg *t) { t->b[1] = 'X'; }
static void bad_class(struct timg *t) { t->b[EI_CLASS] = ELFCLASS32; }
static void bad_data(struct timg *t) { t->b[EI_DATA] = ELFDATA2MSB; }
static void bad_idver(struct timg *t) { t->b[EI_VERSION] = 0; }
static void bad_osabi(struct timg *t) { t->b[EI_OSABI] = 9; }
static void bad_type(struct timg *t) { t->eh.e_type = ET_DYN; }
static void bad_machine(struct timg *t) { t->eh.e_machine = EM_386; }
static void bad_version(struct timg *t) { t->eh.e_version = 2; }
static void bad_ehsize(struct timg *t) { t->eh.e_ehsize = 10; }
static void no_phdrs(struct timg *t) { t->eh.e_phnum = 0; }
static void bad_phentsize(struct timg *t) { t->eh.e_phentsize = 32; }
static void many_phdrs(struct timg *t) { t->eh.e_phnum = 65; }
static void phoff_wraps(struct timg *t) { t->eh.e_phoff = UINT64_MAX - 8; }
static void phoff_past_end(struct timg *t) { t->eh.e_phoff = TSIZE - 100; }
static void filesz_gt_memsz(struct timg *t) { ph(t, 1)->p_filesz = 0x30; }
static void offset_wraps(struct timg *t) { ph(t, 1)->p_offset = UINT64_MAX - 0xf; }
static void contents_past_end(struct timg *t)
{
	ph(t, 1)->p_filesz = ph(t, 1)->p_memsz = 0x1000;
}
static void align_not_pow2(struct timg *t) { ph(t, 1)->p_align = 0x1800; }
static void align_mismatch(struct timg *t) { ph(t, 1)->p_align = 0x10000; }
static void page_mismatch(struct timg *t)
{
	ph(t, 1)->p_align = 0;
	ph(t, 1)->p_vaddr += 0x10;
}
static void wx_segment(struct timg *t) { ph(t, 2)->p_flags |= PF_X; }
static void huge_memsz(struct timg *t) { ph(t, 2)->p_memsz = 1ull << 40; }
static void below_window(struct timg *t)
{
	ph(t, 0)->p_vaddr = 0x200200;    /* efimm's identity-mapped RAM */
	t->eh.e_entry = 0x200210;
}
static void above_window(struct timg *t)
{
	ph(t, 2)->p_vaddr = t->lim.vaddr_hi - 0x1000 + 0x300;
}
static void page_overlap(struct timg *t) { ph(t, 1)->p_vaddr = BASE + 0x280; }
static void full_overlap(struct timg *t)
{
	ph(t, 2)->p_vaddr = BASE + 0x300;
	ph(t, 2)->p_memsz = 0x10000;
}
static void entry_in_rodata(struct timg *t) { t->eh.e_entry = BASE + 0x1280; }
static void entry_in_text_bss(struct timg *t)
{
	ph(t, 0)->p_memsz = 0x800;
	t->eh.e_entry = BASE + 0x300;
}
static void entry_outside(struct timg *t) { t->eh.e_entry = BASE + 0x100000; }
static void no_load(struct timg *t)
{
	for (int i = 0; i < 3; i++)
		ph(t, i)->p_type = PT_NOTE;
}
static void interp(struct timg *t) { ph(t, 3)->p_type = PT_INTERP; }
static void dynamic(struct timg *t) { ph(t, 3)->p_type = PT_DYNAMIC; }
static void tls(struct timg *t) { ph(t, 3)->p_type = PT_TLS; }
static void tiny_file(struct timg *t) { t->size = sizeof(Elf64_Ehdr) - 1; }
static void image_too_big(struct timg *t) { t->lim.max_memsz = 0x4000; }

static const struct bad_case bad_cases[] = {
	{ "magic", bad_magic, -ENOEXEC, "bad magic" },
	{ "class", bad_class, -ENOEXEC, "not a 64-bit ELF (class 1)" },
	{ "data", bad_data, -ENOEXEC, "not little-endian" },
	{ "ident version", bad_idver, -ENOEXEC, "bad ELF version 0" },
	{ "osabi", bad_osabi, -ENOEXEC, "unsupported OS ABI 9" },
	{ "type", bad_type, -ENOEXEC, "not an executable (type 3" },
	{ "machine", bad_machine, -ENOEXEC, "wrong machine 3" },
	{ "version", bad_version, -ENOEXEC, "bad ELF version 2" },
	{ "ehsize", bad_ehsize, -ENOEXEC, "bad ELF header size 10" },
	{ "phnum 0", no_phdrs, -ENOEXEC, "no program headers" },
	{ "phentsize", bad_phentsize, -ENOEXEC, "bad program header size 32" },
	{ "phnum", many_phdrs, -E2BIG, "too many program headers (65, limit 64)" },
	{ "phoff wraps", phoff_wraps, -ENOEXEC, "program header table outside the file" },
	{ "phoff", phoff_past_end, -ENOEXEC, "program header table outside the file" },
	{ "filesz", filesz_gt_memsz, -ENOEXEC, "segment 1: file size exceeds memory size" },
	{ "offset wraps", offset_wraps, -ENOEXEC, "segment 1: file contents outside the file" },
	{ "contents", contents_past_end, -ENOEXEC, "segment 1: file contents outside the file" },
	{ "align pow2", align_not_pow2, -ENOEXEC, "segment 1: alignment 0x1800 is not a power of two" },
	{ "align", align_mismatch, -ENOEXEC, "segment 1: address and file offset disagree modulo its alignment" },
	{ "page", page_mismatch, -ENOEXEC, "segment 1: address and file offset disagree modulo the page size" },
	{ "W+X", wx_segment, -EINVAL, "segment 2 is both writable and executable" },
	{ "memsz", huge_memsz, -E2BIG, "segment 2 is too large" },
	{ "below", below_window, -EINVAL, "segment 0 at 0x200200 is outside the payload window" },
	{ "above", above_window, -EINVAL, "segment 2 at 0x5fffbfffe300 is outside the payload window" },
	{ "page overlap", page_overlap, -EINVAL, "segments 0 and 1 overlap" },
	{ "overlap", full_overlap, -EINVAL, "segments 0 and 2 overlap" },
	{ "entry rodata", entry_in_rodata, -ENOEXEC, "entry point 0x500000001280 is not in an executable segment" },
	{ "entry bss", entry_in_text_bss, -ENOEXEC, "entry point 0x500000000300 is not in an executable segment" },
	{ "entry", entry_outside, -ENOEXEC, "is not in an executable segment" },
	{ "no load", no_load, -ENOEXEC, "no loadable segment" },
	{ "interp", interp, -ENOEXEC, "segment 3: interpreter requested" },
	{ "dynamic", dynamic, -ENOEXEC, "segment 3: dynamic section" },
	{ "tls", tls, -ENOEXEC, "segment 3: thread-local storage" },
	{ "tiny", tiny_file, -ENOEXEC, "file too small for an ELF header (63 bytes)" },
	{ "image", image_too_big, -E2BIG, "image too large (5 pages, limit 4)" },
};

START_TEST(bad_image_rejected)
{
	const struct bad_case *bc = &bad_cases[_i];
	struct timg t;
	struct elf_image out, before;
	char why[160];
	int err;

	model(&t);
	bc->breakit(&t);
	memset(&out, 0xa5, sizeof(out));
	before = out;
	err = run(&t, &out, why, sizeof(why));
	ck_assert_msg(err == bc->err, "%s: returned %d, expected %d (%s)",
		      bc->name, err, bc->err, why);
	ck_assert_msg(strstr(why, bc->reason), "%s: reason \"%s\", expected \"%s\"",
		      bc->name, why, bc->reason);
	ck_assert_msg(!strchr(why, '\n'), "%s: reason has a newline", bc->name);
	ck_assert_msg(memcmp(&out, &before, sizeof(out)) == 0,
		      "%s: *out written on failure", bc->name);
}
END_TEST

START_TEST(every_truncation_rejected)
{
	struct timg t;
	struct elf_image out;
	char why[128];

	model(&t);
	for (size_t n = 0; n < 0x310; n++) {
		/* A copy of exactly n bytes, so ASan sees any overread. */
		uint8_t *copy = malloc(n ? n : 1);

		memcpy(copy, t.b, n);
		ck_assert_int_eq(elf_check(copy, n, &t.lim, &out, why, sizeof(why)),
				 -ENOEXEC);
		ck_assert_msg(strstr(why, "outside the file") || strstr(why, "too small"),
			      "size %zu: %s", n, why);
		free(copy);
	}
}
END_TEST

START_TEST(segments_sorted_and_empty_ignored)
{
	struct timg t;
	struct elf_image out;
	Elf64_Phdr text;
	char why[128];

	model(&t);
	text = *ph(&t, 0);
	*ph(&t, 0) = *ph(&t, 2);
	*ph(&t, 2) = text;
	set_ph(&t, 3, PT_LOAD, PF_R, 0, BASE + 0x1000000, 0, 0);
	ck_assert_int_eq(run(&t, &out, why, sizeof(why)), 0);
	ck_assert_uint_eq(out.nseg, 3);
	ck_assert_uint_eq(out.seg[0].vaddr, BASE + 0x200);
	ck_assert_uint_eq(out.seg[1].vaddr, BASE + 0x1280);
	ck_assert_uint_eq(out.seg[2].vaddr, BASE + 0x2300);
	ck_assert_uint_eq(out.hi, BASE + 0x5000);
}
END_TEST

START_TEST(reason_truncated_or_absent)
{
	struct timg t;
	struct elf_image out;
	char why[8];

	model(&t);
	bad_magic(&t);
	ck_assert_int_eq(run(&t, &out, why, sizeof(why)), -ENOEXEC);
	ck_assert_str_eq(why, "bad mag");
	ck_assert_int_eq(elf_check(t.b, t.size, &t.lim, &out, NULL, 0), -ENOEXEC);
}
END_TEST

/* 17 loadable segments, one page apart, in a table that still fits. */
START_TEST(too_many_segments)
{
	struct timg t;
	struct elf_image out;
	char why[128];
	int n = ELF_MAX_SEGMENTS + 1;

	model(&t);
	t.eh.e_phnum = n;
	for (int i = 0; i < n; i++)
		set_ph(&t, i, PT_LOAD, PF_R | PF_X, 0, BASE + i * 0x1000ull,
		       0x10, 0x10);
	ck_assert_uint_le(sizeof(Elf64_Ehdr) + n * sizeof(Elf64_Phdr), TSIZE);
	ck_assert_int_eq(run(&t, &out, why, sizeof(why)), -E2BIG);
	ck_assert_str_eq(why, "too many loadable segments (limit 16)");
	t.eh.e_phnum = n - 1;
	t.eh.e_entry = BASE;
	ck_assert_int_eq(run(&t, &out, why, sizeof(why)), 0);
	ck_assert_uint_eq(out.nseg, ELF_MAX_SEGMENTS);
}
END_TEST

/* With limits that do not protect it, the checker still refuses a
 * segment that wraps the address space or is non-canonical. */
START_TEST(wrap_and_noncanonical_refused)
{
	struct timg t;
	struct elf_image out;
	char why[128];

	model(&t);
	t.lim.max_memsz = UINT64_MAX;
	ph(&t, 2)->p_memsz = UINT64_MAX - 0x1000;
	ck_assert_int_eq(run(&t, &out, why, sizeof(why)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "segment 2 at"));

	model(&t);
	t.lim.vaddr_lo = 0x00007fffff000000ull;
	t.lim.vaddr_hi = 0x8000000100000000ull;
	ph(&t, 2)->p_vaddr = 0x00007ffffffff300ull;   /* crosses into the hole */
	for (int i = 0; i < 2; i++)
		ph(&t, i)->p_vaddr += 0x00007fffff000000ull - BASE;
	t.eh.e_entry += 0x00007fffff000000ull - BASE;
	ck_assert_int_eq(run(&t, &out, why, sizeof(why)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "segment 2 at 0x7ffffffff300 is outside"));
}
END_TEST

START_TEST(bad_limits_assert)
{
	struct timg t;
	struct elf_image out;

	model(&t);
	t.lim.vaddr_hi = t.lim.vaddr_lo;
	run(&t, &out, NULL, 0);
}
END_TEST

/* Reads path whole; returns its size or 0 (buffer malloc'ed in *buf). */
static size_t slurp(const char *path, uint8_t **buf)
{
	FILE *f = fopen(path, "rb");
	long n;

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	rewind(f);
	*buf = malloc(n ? n : 1);
	ck_assert_uint_eq(fread(*buf, 1, n, f), (size_t)n);
	fclose(f);
	return n;
}

/* Finds name among t's entries; its address, or 0. */
static uint64_t sym_addr(const struct symtab *t, const char *name)
{
	for (size_t i = 0; i < t->n; i++)
		if (strcmp(t->names + t->e[i].name, name) == 0)
			return t->e[i].addr;
	return 0;
}

/* A payload's function symbols: main and _start among them, _start at
 * the entry, every name inside the string table; then the same file with
 * its section-header table moved past its end is refused. */
static void check_payload_symbols(const char *path, uint8_t *buf, size_t n,
				  uint64_t entry)
{
	struct symtab_entry e[512];
	struct symtab t = { .e = e };
	uint64_t off, shoff;
	int count = elf_symbols(buf, n, e, 512, &t.names, &t.names_size);

	ck_assert_msg(count > 2 && count <= 512, "%s: %d symbols", path, count);
	t.n = (size_t)count;
	for (size_t i = 0; i < t.n; i++)
		ck_assert_uint_lt(e[i].name, t.names_size);
	ck_assert_uint_eq(sym_addr(&t, "_start"), entry);
	ck_assert_uint_ne(sym_addr(&t, "main"), 0);
	symtab_sort(e, t.n);
	ck_assert_str_eq(symtab_lookup(&t, sym_addr(&t, "main") + 1, &off), "main");
	ck_assert_uint_eq(off, 1);
	shoff = n - 8;          /* e_shoff: the table runs past the end */
	memcpy(buf + 0x28, &shoff, sizeof(shoff));
	ck_assert_int_eq(elf_symbols(buf, n, e, 512, &t.names, &t.names_size), -ENOEXEC);
}

/* A built payload must pass, with text RX, rodata R, data RW. */
static void check_payload(const char *path)
{
	struct elf_limits lim;
	struct elf_image out;
	char why[160];
	uint8_t *buf;
	size_t n = slurp(path, &buf);

	elf_limits_default(&lim);
	ck_assert_msg(elf_check(buf, n, &lim, &out, why, sizeof(why)) == 0,
		      "%s: %s", path, why);
	ck_assert_uint_eq(out.lo, EFIMM_PAYLOAD_BASE);
	ck_assert_uint_eq(out.entry, EFIMM_PAYLOAD_BASE);
	ck_assert_uint_eq(out.seg[0].flags, ELF_SEG_R | ELF_SEG_X);
	for (uint32_t i = 1; i < out.nseg; i++)
		ck_assert_uint_eq(out.seg[i].flags & ELF_SEG_X, 0);
	check_payload_symbols(path, buf, n, out.entry);
	free(buf);
}

START_TEST(in_tree_payloads_accepted)
{
	DIR *d = opendir("build/payload");
	struct dirent *e;
	char path[512];
	int seen = 0;

	if (!d) {
		printf("elf: build/payload/ not built, in-tree payloads skipped\n");
		return;
	}
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);

		if (len < 5 || strcmp(e->d_name + len - 4, ".elf") != 0)
			continue;
		snprintf(path, sizeof(path), "build/payload/%s", e->d_name);
		check_payload(path);
		seen++;
	}
	closedir(d);
	printf("elf: %d in-tree payloads accepted\n", seen);
}
END_TEST

static Suite *elf_suite(void)
{
	Suite *s = suite_create("elf");
	TCase *tc = tcase_create("check");

	tcase_add_test(tc, valid_image_accepted);
	tcase_add_loop_test(tc, bad_image_rejected, 0, ARRAY_SIZE(bad_cases));
	tcase_add_test(tc, every_truncation_rejected);
	tcase_add_test(tc, segments_sorted_and_empty_ignored);
	tcase_add_test(tc, reason_truncated_or_absent);
	tcase_add_test(tc, too_many_segments);
	tcase_add_test(tc, wrap_and_noncanonical_refused);
	tcase_add_test_raise_signal(tc, bad_limits_assert, SIGABRT);
	tcase_add_test(tc, in_tree_payloads_accepted);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_SUITE(elf_suite)
