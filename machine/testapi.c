/*
 * machine/testapi.c - the test API's efimm side (testapi.h): points
 * counted and printed as TAP, expected faults caught.
 *
 * An expected fault: the SDK's efimm_test_expect_fault makes the
 * expect_begin call, whose frame (every register, in ring 3 or 0) is
 * kept here, then calls the payload's function in the payload's own
 * ring; the fault's handler (prun.c's contain hook, then testapi_fault)
 * resumes that frame with the verdict in RAX, so expect_begin returns a
 * second time, like setjmp.  One expectation at a time, none nested,
 * and on the boot CPU only (a fault on another CPU fails the payload).
 *
 * Points and the plan may come from any CPU: each is counted and printed
 * under the console lock (con_lock, README "Locks"), so numbers are
 * never shared or skipped and a TAP line is never split by another
 * CPU's output.
 */
#include "smp.h"
#include "testapi.h"
#include "uaccess.h"

#include "../arch/x86_64/trap_pf.h"
#include "../lib/console.h"
#include "../lib/errno.h"
#include "../lib/kstring.h"
#include "../lib/printf.h"
#include "../payload/sdk/efimm_abi.h"

static struct {
	const char *indent;             /* TAP lines */
	char comment[16];               /* everything else: indent + "# " */
	struct testapi_counts c;
} tap = { .indent = "", .c = { .plan = -1 } };

static struct {
	bool active;
	int vector;
	uint64_t addr;                  /* #PF only; any when 0 */
	struct trap_frame frame;        /* expect_begin's, to resume */
	char want[64];
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

/* Records and prints one point; desc is efimm's own memory.  Takes the
 * console lock (recursive: tap_line's prints take it again). */
static void testapi_record(int result, const char *desc)
{
	char esc[2 * TESTAPI_DESC + 1];
	int n;

	tap_escape(esc, sizeof(esc), desc, TESTAPI_DESC);
	con_lock();
	n = ++tap.c.ran;
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
	con_unlock();
}

/* The plan's check and set under the console lock, like the points. */
void testapi_plan(int count)
{
	bool first;

	con_lock();
	first = tap.c.plan < 0 && count >= 0;
	if (first) {
		tap.c.plan = count;
		tap_line("1..%d\n", count);
	}
	con_unlock();
	if (!first)
		testapi_record(EFIMM_TEST_FAIL, count < 0 ? "efimm_test_plan: negative count"
					       : "efimm_test_plan: called twice");
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

int testapi_expect_begin(const struct trap_frame *f, int vector, uint64_t addr)
{
	char why[80];

	if (smp_cpu_id() != 0) {
		ksnprintf(why, sizeof(why), "efimm_test_expect_fault: called on CPU %u "
			  "(expected faults are CPU 0's)", smp_cpu_id());
		testapi_record(EFIMM_TEST_FAIL, why);
		return -EPERM;
	}
	if (vector < 0 || vector > 31 || expect.active) {
		testapi_record(EFIMM_TEST_FAIL, expect.active ?
			       "efimm_test_expect_fault: called inside an expected fault" :
			       "efimm_test_expect_fault: vector is not an exception (0..31)");
		return expect.active ? -EBUSY : -EINVAL;
	}
	expect_name(expect.want, sizeof(expect.want), vector, addr);
	expect.vector = vector;
	expect.addr = addr;
	expect.frame = *f;
	expect.active = true;
	return 0;
}

/* Records the expectation's point: "expected WANT: GOT". */
static void expect_record(bool pass, const char *got)
{
	char desc[TESTAPI_DESC];

	ksnprintf(desc, sizeof(desc), "expected %s: %s", expect.want, got);
	testapi_record(pass ? EFIMM_TEST_PASS : EFIMM_TEST_FAIL, desc);
}

int testapi_expect_end(void)
{
	if (!expect.active)
		return -EINVAL;
	expect.active = false;
	expect_record(false, "the function returned");
	return 0;
}

void testapi_fault(struct trap_frame *f, const char *verdict)
{
	char got[128];
	bool match;

	if (!expect.active)
		return;
	expect.active = false;
	match = f->vector == (uint64_t)expect.vector &&
		(f->vector != TRAP_PF || expect.addr == 0 || f->cr2 == expect.addr);
	if (match) {
		ksnprintf(got, sizeof(got), "raised at RIP 0x%lx", (unsigned long)f->rip);
	} else {
		trap_report(f, verdict);
		ksnprintf(got, sizeof(got), "got %s (vector %lu) at RIP 0x%lx, CR2 0x%lx",
			  plain_name(f->vector), (unsigned long)f->vector,
			  (unsigned long)f->rip, (unsigned long)f->cr2);
	}
	expect_record(match, got);
	trap_unwind();
	expect.frame.rax = match ? EFIMM_EXPECT_MATCH : EFIMM_EXPECT_OTHER;
	trap_resume(&expect.frame);
}
