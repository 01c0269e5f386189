/*
 * machine/testapi.c - the test API's efimm side (testapi.h): points
 * counted and printed as TAP, expected faults caught.
 *
 * An expected fault: testapi_expect_fault saves a context on the
 * payload's stack (arch/x86_64/ctx.h) and calls the payload's function;
 * the fault's handler (prun.c's contain hook, then testapi_fault)
 * resumes that context, so the payload goes on right after its call.
 * Single CPU: one expectation at a time, none nested.
 */
#include "testapi.h"
#include "uaccess.h"

#include "../arch/x86_64/ctx.h"
#include "../lib/console.h"
#include "../lib/errno.h"
#include "../lib/kstring.h"
#include "../lib/printf.h"
#include "../payload/sdk/efimm_abi.h"

enum { EXPECT_MATCH = 1, EXPECT_OTHER = 2 };

static struct {
	const char *indent;             /* TAP lines */
	char comment[16];               /* everything else: indent + "# " */
	struct testapi_counts c;
} tap = { .indent = "", .c = { .plan = -1 } };

static struct {
	bool active;
	int vector;
	uint64_t addr;                  /* #PF only; any when 0 */
	struct arch_ctx ctx;
	char got[128];
} expect;

void testapi_begin(const char *indent, bool comments)
{
	tap.indent = indent;
	ksnprintf(tap.comment, sizeof(tap.comment), "%s%s", indent, comments ? "# " : "");
	tap.c = (struct testapi_counts){ .plan = -1 };
	expect.active = false;
}

/* One TAP line at the subtest's indentation, on a line of its own. */
__attribute__((format(printf, 1, 2))) static void tap_line(const char *fmt, ...)
{
	va_list ap;

	con_end_line();
	con_set_prefix(tap.indent);
	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
	con_set_prefix(tap.comment);
}

void testapi_end(struct testapi_counts *c)
{
	if (tap.c.plan < 0 && tap.c.ran > 0)
		tap_line("1..%d\n", tap.c.ran);
	*c = tap.c;
}

const char *testapi_failure(const struct testapi_counts *c, char *buf, size_t size)
{
	if (c->failed > 0)
		ksnprintf(buf, size, "%d of %d test points failed", c->failed, c->ran);
	else if (c->plan >= 0 && c->plan != c->ran)
		ksnprintf(buf, size, "planned %d test points, ran %d", c->plan, c->ran);
	else
		return NULL;
	return buf;
}

bool testapi_all_skipped(const struct testapi_counts *c)
{
	return c->ran > 0 && c->skipped == c->ran;
}

/* TAP-safe copy of a description: one line, '#' and '\' escaped. */
static void tap_escape(char *out, size_t size, const char *in, size_t len)
{
	size_t o = 0;

	for (size_t i = 0; i < len && in[i] && o + 3 < size; i++) {
		char ch = in[i] == '\n' || in[i] == '\r' ? ' ' : in[i];

		if (ch == '#' || ch == '\\')
			out[o++] = '\\';
		out[o++] = ch;
	}
	out[o] = '\0';
}

/* Records and prints one point; desc is efimm's own memory. */
static void testapi_record(int result, const char *desc)
{
	char esc[2 * TESTAPI_DESC + 1];
	int n = ++tap.c.ran;

	tap_escape(esc, sizeof(esc), desc, TESTAPI_DESC);
	if (result == EFIMM_TEST_SKIP) {
		if (tap.c.skipped++ == 0)
			ksnprintf(tap.c.skip_reason, sizeof(tap.c.skip_reason), "%s", esc);
		tap_line("ok %d # SKIP %s\n", n, esc);
	} else if (result == EFIMM_TEST_PASS) {
		tap_line("ok %d - %s\n", n, esc);
	} else {
		tap.c.failed++;
		tap_line("not ok %d - %s\n", n, esc);
	}
}

void testapi_plan(int count)
{
	if (tap.c.plan >= 0 || count < 0) {
		testapi_record(EFIMM_TEST_FAIL, count < 0 ? "efimm_test_plan: negative count"
					       : "efimm_test_plan: called twice");
		return;
	}
	tap.c.plan = count;
	tap_line("1..%d\n", count);
}

int testapi_point(int result, const char *desc, size_t len)
{
	char buf[TESTAPI_DESC + 1];
	size_t n = MIN(len, (size_t)TESTAPI_DESC);

	if (uaccess_copy_in(buf, desc, n))
		return -EFAULT;
	buf[n] = '\0';
	if (result != EFIMM_TEST_PASS && result != EFIMM_TEST_SKIP)
		result = EFIMM_TEST_FAIL;
	testapi_record(result, buf);
	return 0;
}

/* A vector's name without its mnemonic ("#PF page fault" -> "page
 * fault"): a '#' in a TAP description would need escaping. */
static const char *plain_name(uint64_t vector)
{
	const char *name = trap_vector_name((unsigned int)vector);

	if (name[0] != '#')
		return name;
	while (*name && *name != ' ')
		name++;
	return *name ? name + 1 : trap_vector_name((unsigned int)vector);
}

/* "page fault (vector 14) at 0x1000" / "general protection (vector 13)". */
static void expect_name(char *buf, size_t size, int vector, uint64_t addr)
{
	const char *name = plain_name((uint64_t)vector);

	if (vector == TRAP_PF && addr)
		ksnprintf(buf, size, "%s (vector %d) at 0x%lx", name, vector,
			  (unsigned long)addr);
	else
		ksnprintf(buf, size, "%s (vector %d)", name, vector);
}

int testapi_expect_fault(int vector, const void *addr, void (*fn)(void *), void *arg)
{
	char want[64], desc[TESTAPI_DESC];
	int how;

	if (vector < 0 || vector > 31 || expect.active) {
		testapi_record(EFIMM_TEST_FAIL, expect.active ?
			       "efimm_test_expect_fault: called inside an expected fault" :
			       "efimm_test_expect_fault: vector is not an exception (0..31)");
		return expect.active ? -EBUSY : -EINVAL;
	}
	expect_name(want, sizeof(want), vector, (uint64_t)addr);
	expect.vector = vector;
	expect.addr = (uint64_t)addr;
	expect.active = true;
	how = arch_ctx_save(&expect.ctx);
	if (how == 0) {
		fn(arg);
		expect.active = false;
		ksnprintf(expect.got, sizeof(expect.got), "the function returned");
	}
	ksnprintf(desc, sizeof(desc), "expected %s: %s", want, expect.got);
	testapi_record(how == EXPECT_MATCH ? EFIMM_TEST_PASS : EFIMM_TEST_FAIL, desc);
	return how == EXPECT_MATCH;
}

void testapi_fault(struct trap_frame *f, const char *verdict)
{
	bool match;

	if (!expect.active)
		return;
	expect.active = false;
	match = f->vector == (uint64_t)expect.vector &&
		(f->vector != TRAP_PF || expect.addr == 0 || f->cr2 == expect.addr);
	if (match) {
		ksnprintf(expect.got, sizeof(expect.got), "raised at RIP 0x%lx",
			  (unsigned long)f->rip);
	} else {
		trap_report(f, verdict);
		ksnprintf(expect.got, sizeof(expect.got),
			  "got %s (vector %lu) at RIP 0x%lx, CR2 0x%lx",
			  plain_name(f->vector), (unsigned long)f->vector,
			  (unsigned long)f->rip, (unsigned long)f->cr2);
	}
	trap_unwind();
	arch_ctx_resume(&expect.ctx, match ? EXPECT_MATCH : EXPECT_OTHER);
}
