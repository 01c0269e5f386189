/*
 * payload/sdk/sdk_test.c - the test API of efimm.h (efimm_test_*): formats
 * each description here and hands it to efimm, which counts the points,
 * prints the TAP lines and decides the payload's verdict.
 * efimm_test_expect_fault is in sdk_fault.S: it needs the registers as
 * they are at the system call.
 */
#include "../../lib/printf.h"
#include "sdk_int.h"

#define SDK_TEST_DESC 200       /* efimm cuts descriptions there too */

/* Hands one point to efimm. */
static void sdk_test_point(int result, const char *desc)
{
	SDK_CALL3(EFIMM_SYS_TEST_POINT, result, desc, strlen(desc));
}

void efimm_test_plan(int count)
{
	SDK_CALL1(EFIMM_SYS_TEST_PLAN, count);
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
