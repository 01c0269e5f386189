/*
 * tests/unit/test_madt.c - reading the MADT's CPUs (pure/madt.c): a
 * table as QEMU's firmware builds it, x2APIC entries and duplicates,
 * the override of the APIC address, the limit of MADT_MAX_CPUS, and
 * every way a table is refused (each truncation read inside the buffer
 * only: ASan would catch an overread).
 */
#include <stdlib.h>
#include <string.h>

#include "../../arch/x86_64/percpu.h"
#include "../../lib/errno.h"
#include "../../pure/madt.h"
#include "unit.h"

#define TAB_MAX 8192

struct tab {
	uint8_t b[TAB_MAX];
	size_t len;
};

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

/* Fixes the length and checksum fields after the entries changed. */
static void seal(struct tab *t)
{
	uint8_t s = 0;

	put32(t->b + 4, (uint32_t)t->len);
	t->b[9] = 0;
	for (size_t i = 0; i < t->len; i++)
		s = (uint8_t)(s + t->b[i]);
	t->b[9] = (uint8_t)(0 - s);
}

static void tab_init(struct tab *t)
{
	memset(t, 0, sizeof(*t));
	memcpy(t->b, "APIC", 4);
	put32(t->b + 36, 0xFEE00000u);
	put32(t->b + 40, 1);
	t->len = MADT_HEADER;
	seal(t);
}

static void add_lapic(struct tab *t, uint8_t uid, uint8_t id, uint32_t flags)
{
	uint8_t *e = t->b + t->len;

	e[0] = 0;
	e[1] = 8;
	e[2] = uid;
	e[3] = id;
	put32(e + 4, flags);
	t->len += 8;
	seal(t);
}

static void add_x2apic(struct tab *t, uint32_t id, uint32_t uid, uint32_t flags)
{
	uint8_t *e = t->b + t->len;

	memset(e, 0, 16);
	e[0] = 9;
	e[1] = 16;
	put32(e + 4, id);
	put32(e + 8, flags);
	put32(e + 12, uid);
	t->len += 16;
	seal(t);
}

static void add_raw(struct tab *t, uint8_t type, uint8_t len)
{
	uint8_t *e = t->b + t->len;

	memset(e, 0, len);
	e[0] = type;
	e[1] = len;
	t->len += len;
	seal(t);
}

static struct madt_info info;
static char why[MADT_WHY_MAX];

START_TEST(test_qemu_like)
{
	struct tab t;

	tab_init(&t);
	for (uint8_t i = 0; i < 4; i++)
		add_lapic(&t, i, i, 1);
	add_raw(&t, 1, 12);                     /* IO-APIC: skipped */
	add_raw(&t, 2, 10);                     /* interrupt override */
	add_lapic(&t, 4, 4, 2);                 /* online-capable slot */
	ck_assert_int_eq(madt_parse(t.b, t.len, &info, why), 0);
	ck_assert_uint_eq(info.ncpus, 4);
	ck_assert_uint_eq(info.disabled, 1);
	ck_assert_uint_eq(info.lapic_base, 0xFEE00000u);
	ck_assert_uint_eq(info.flags, 1);
	for (uint32_t i = 0; i < 4; i++) {
		ck_assert_uint_eq(info.cpu[i].apic_id, i);
		ck_assert(!info.cpu[i].x2apic);
		ck_assert_int_eq(madt_find(&info, i), (int)i);
	}
	ck_assert_int_eq(madt_find(&info, 4), -1);
}
END_TEST

START_TEST(test_x2apic_and_duplicates)
{
	struct tab t;

	tab_init(&t);
	add_lapic(&t, 0, 0, 1);
	add_x2apic(&t, 0, 0, 1);                /* the same CPU again */
	add_x2apic(&t, 300, 7, 1);
	add_x2apic(&t, 301, 8, 0);
	ck_assert_int_eq(madt_parse(t.b, t.len, &info, why), 0);
	ck_assert_uint_eq(info.ncpus, 2);
	ck_assert_uint_eq(info.cpu[1].apic_id, 300);
	ck_assert_uint_eq(info.cpu[1].uid, 7);
	ck_assert(info.cpu[1].x2apic);
	ck_assert_uint_eq(info.disabled, 1);
}
END_TEST

START_TEST(test_override_and_limit)
{
	static struct tab t;
	uint8_t *e;

	tab_init(&t);
	e = t.b + t.len;
	add_raw(&t, 5, 12);
	memcpy(e + 4, &(uint64_t){ 0x1234567000ULL }, 8);
	seal(&t);
	for (uint32_t i = 0; i < MADT_MAX_CPUS + 3; i++)
		add_x2apic(&t, i, i, 1);
	ck_assert_int_eq(madt_parse(t.b, t.len, &info, why), 0);
	ck_assert_uint_eq(info.lapic_base, 0x1234567000ULL);
	ck_assert_uint_eq(info.ncpus, MADT_MAX_CPUS);
	ck_assert_uint_eq(info.dropped, 3);
}
END_TEST

static void refused(const struct tab *t, size_t len, const char *part)
{
	memset(why, 0, sizeof(why));
	ck_assert_int_eq(madt_parse(t->b, len, &info, why), -EINVAL);
	ck_assert_msg(strstr(why, part), "why '%s' lacks '%s'", why, part);
}

START_TEST(test_refused)
{
	struct tab t;

	tab_init(&t);
	add_lapic(&t, 0, 0, 1);
	refused(&t, MADT_HEADER - 1, "shorter than its header");
	refused(&t, t.len - 1, "length");               /* header says more */
	t.b[0] = 'X';
	refused(&t, t.len, "signature");
	t.b[0] = 'A';
	t.b[20] ^= 1;
	refused(&t, t.len, "checksum");
	t.b[20] ^= 1;
	t.b[MADT_HEADER + 1] = 7;                       /* shorter than a lapic entry */
	seal(&t);
	refused(&t, t.len, "entry 0 (type 0)");
	t.b[MADT_HEADER + 1] = 0;                       /* length 0: would loop */
	seal(&t);
	refused(&t, t.len, "bad length");
	t.b[MADT_HEADER + 1] = 9;                       /* past the end */
	seal(&t);
	refused(&t, t.len, "past the table's end");
}
END_TEST

/* Every prefix of a valid table: parsed or refused, never read past. */
START_TEST(test_truncations)
{
	struct tab t;

	tab_init(&t);
	add_lapic(&t, 0, 0, 1);
	add_x2apic(&t, 9, 9, 1);
	for (size_t n = 0; n < t.len; n++) {
		uint8_t *copy = malloc(n ? n : 1);

		memcpy(copy, t.b, n);
		ck_assert_int_eq(madt_parse(copy, n, &info, why), -EINVAL);
		free(copy);
	}
}
END_TEST

/* The ACPI checksum efi/fw/smp_fw.c shares: a sealed table's (0)
 * against one with a byte changed. */
START_TEST(test_acpi_helpers)
{
	struct tab t;

	tab_init(&t);
	add_lapic(&t, 0, 0, 1);
	ck_assert_uint_eq(madt_checksum(t.b, t.len), 0);
	t.b[MADT_HEADER + 3] += 3;
	ck_assert_uint_eq(madt_checksum(t.b, t.len), 3);
	ck_assert_uint_eq(madt_checksum(t.b, 0), 0);
}
END_TEST

/* A MADT of exactly len bytes (len >= MADT_HEADER + 12) on the heap: 4
 * enabled CPUs, then disabled ones, then one entry of a type efimm skips
 * that takes up the rest (12 to 19 bytes). */
static uint8_t *big_table(size_t len)
{
	uint8_t *b = calloc(1, len);
	size_t off = MADT_HEADER;

	memcpy(b, "APIC", 4);
	put32(b + 4, (uint32_t)len);
	for (uint32_t i = 0; len - off >= 8 + 12; off += 8, i++) {
		b[off] = 0;
		b[off + 1] = 8;
		b[off + 3] = (uint8_t)i;
		put32(b + off + 4, i < 4);
	}
	b[off] = 0x7f;
	b[off + 1] = (uint8_t)(len - off);
	b[9] = (uint8_t)(0 - madt_checksum(b, len));
	return b;
}

/* The copy of efi/fw/smp_fw.c: a table of exactly MADT_COPY_MAX bytes is
 * read whole; one byte more is refused with one line, nothing copied. */
START_TEST(test_copy_limit)
{
	uint8_t *fits = big_table(MADT_COPY_MAX), *over = big_table(MADT_COPY_MAX + 1);
	uint8_t *buf = malloc(MADT_COPY_MAX);

	ck_assert_int_eq(madt_read(fits, buf, MADT_COPY_MAX, &info, why), 0);
	ck_assert_uint_eq(info.ncpus, 4);
	ck_assert_uint_eq(info.disabled, (MADT_COPY_MAX - MADT_HEADER - 12) / 8 - 4);
	memset(buf, 0xa5, MADT_COPY_MAX);
	ck_assert_int_eq(madt_read(over, buf, MADT_COPY_MAX, &info, why), -E2BIG);
	ck_assert_str_eq(why, "65537 bytes, more than the 65536 (64 KiB) efimm copies");
	ck_assert_uint_eq(buf[0], 0xa5);
	free(fits);
	free(over);
	free(buf);
}
END_TEST

/* A table of n enabled xAPIC CPUs, APIC ids 0..n-1, parsed into info. */
static void cpus_table(uint32_t n)
{
	static struct tab t;

	tab_init(&t);
	for (uint32_t i = 0; i < n; i++)
		add_lapic(&t, (uint8_t)i, (uint8_t)i, 1);
	ck_assert_int_eq(madt_parse(t.b, t.len, &info, why), 0);
	ck_assert_uint_eq(info.ncpus, n);
}

/* efimm's limit of PERCPU_MAX_CPUS (64) CPUs, as machine/smp.c plans
 * them: of 65 the boot CPU and 63 APs come up and the one left over is
 * named; of 64 none is left out. */
START_TEST(test_plan_cpu_limit)
{
	struct madt_plan p;

	cpus_table(PERCPU_MAX_CPUS + 1);
	madt_plan(&info, 0, PERCPU_MAX_CPUS, &p);
	ck_assert_uint_eq(1 + p.start, PERCPU_MAX_CPUS);
	ck_assert_uint_eq(p.left, 1);
	ck_assert_uint_eq(info.cpu[p.first_left].apic_id, PERCPU_MAX_CPUS);
	/* the boot CPU listed last: the CPU before it is the one left out */
	madt_plan(&info, PERCPU_MAX_CPUS, PERCPU_MAX_CPUS, &p);
	ck_assert_uint_eq(1 + p.start, PERCPU_MAX_CPUS);
	ck_assert_uint_eq(p.left, 1);
	ck_assert_uint_eq(info.cpu[p.first_left].apic_id, PERCPU_MAX_CPUS - 1);
	/* a boot CPU the table does not list: one more is left out */
	madt_plan(&info, 200, PERCPU_MAX_CPUS, &p);
	ck_assert_uint_eq(1 + p.start, PERCPU_MAX_CPUS);
	ck_assert_uint_eq(p.left, 2);
	cpus_table(PERCPU_MAX_CPUS);
	madt_plan(&info, 0, PERCPU_MAX_CPUS, &p);
	ck_assert_uint_eq(1 + p.start, PERCPU_MAX_CPUS);
	ck_assert_uint_eq(p.left, 0);
	ck_assert_int_eq(p.first_left, -1);
}
END_TEST

/* The CPUs madt_parse dropped past MADT_MAX_CPUS count as left out. */
START_TEST(test_plan_counts_dropped)
{
	struct madt_plan p;

	info = (struct madt_info){ .ncpus = 2, .dropped = 5 };
	info.cpu[1].apic_id = 1;
	madt_plan(&info, 0, 2, &p);
	ck_assert_uint_eq(p.start, 1);
	ck_assert_uint_eq(p.left, 5);
	ck_assert_int_eq(p.first_left, -1);
}
END_TEST

static Suite *madt_suite(void)
{
	Suite *s = suite_create("madt");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, test_qemu_like);
	tcase_add_test(tc, test_x2apic_and_duplicates);
	tcase_add_test(tc, test_override_and_limit);
	tcase_add_test(tc, test_refused);
	tcase_add_test(tc, test_truncations);
	tcase_add_test(tc, test_acpi_helpers);
	tcase_add_test(tc, test_copy_limit);
	tcase_add_test(tc, test_plan_cpu_limit);
	tcase_add_test(tc, test_plan_counts_dropped);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_SUITE(madt_suite)
