/*
 * payload/sdk/sdk_test.c - the test API of efimm.h (efimm_test_*): formats
 * each description here and hands it to efimm, which counts the points,
 * prints the TAP lines and decides the payload's verdict.
 *
 * Against an efimm without the test slots the points are printed here as
 * plain TAP lines (no verdict is kept: only `main`'s return counts then),
 * and an expected fault cannot be caught: it is recorded as failed.
 */
#include "../../lib/printf.h"
#include "sdk_int.h"

#define SDK_TEST_DESC 200       /* efimm cuts descriptions there too */

static int sdk_test_local;      /* points printed without efimm's help */

/* Hands one point to efimm, or prints it when efimm cannot take it. */
static void sdk_test_point(int result, const char *desc)
{
	if (SDK_SLOT(test_point)) {
		sdk_api->test_point(result, desc, strlen(desc));
		return;
	}
	sdk_test_local++;
	printk("%sok %d - %s%s\n", result == EFIMM_TEST_FAIL ? "not " : "",
	       sdk_test_local, result == EFIMM_TEST_SKIP ? "# SKIP " : "", desc);
}

void efimm_test_plan(int count)
{
	if (SDK_SLOT(test_plan))
		sdk_api->test_plan(count);
	else
		printk("1..%d\n", count);
}

bool efimm_test_ok(bool cond, const char *fmt, ...)
{
	char desc[SDK_TEST_DESC + 1];
	va_list ap;

	va_start(ap, fmt);
	kvsnprintf(desc, sizeof(desc), fmt, ap);
	va_end(ap);
	sdk_test_point(cond ? EFIMM_TEST_PASS : EFIMM_TEST_FAIL, desc);
	return cond;
}

void efimm_test_skip(const char *fmt, ...)
{
	char desc[SDK_TEST_DESC + 1];
	va_list ap;

	va_start(ap, fmt);
	kvsnprintf(desc, sizeof(desc), fmt, ap);
	va_end(ap);
	sdk_test_point(EFIMM_TEST_SKIP, desc);
}

bool efimm_test_expect_fault(int vector, const void *addr,
			     void (*fn)(void *), void *arg)
{
	if (SDK_SLOT(test_expect_fault))
		return sdk_api->test_expect_fault(vector, addr, fn, arg) == 1;
	sdk_test_point(EFIMM_TEST_FAIL, "expect_fault: this efimm cannot catch faults");
	return false;
}
