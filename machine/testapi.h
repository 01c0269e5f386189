/*
 * machine/testapi.h - efimm's side of the payload test API (efimm.h's
 * efimm_test_*; the slots test_plan, test_point, test_expect_fault of
 * efimm_abi.h): counts a payload's test points, prints them as TAP and
 * says whether they make the payload fail.
 *
 * Points print as TAP test points at the current indentation: "    "
 * inside a suite's subtest, none for `run`.  Descriptions are cut at
 * TESTAPI_DESC bytes; a newline in one becomes a space and '#' is
 * escaped ("\#"), so a description never forges a directive.
 */
#ifndef MACHINE_TESTAPI_H
#define MACHINE_TESTAPI_H

#include "../arch/x86_64/trap.h"
#include "../lib/types.h"

#define TESTAPI_DESC 200

struct testapi_counts {
	int plan;                       /* -1: no plan announced */
	int ran, failed, skipped;
	char skip_reason[TESTAPI_DESC + 1];     /* the first skip's */
};

/* Forgets the previous payload's points; TAP lines get indent (kept),
 * and with comments every other line then gets indent + "# " (a suite's
 * subtest; `run` prints its lines as they are). */
void testapi_begin(const char *indent, bool comments);

/* The counts so far; prints the plan line at the end when the payload
 * announced none but recorded points (TAP's trailing plan). */
void testapi_end(struct testapi_counts *c);

/* Why the points fail the payload ("1 of 5 test points failed",
 * "planned 5 test points, ran 4"), or NULL if they do not. */
const char *testapi_failure(const struct testapi_counts *c, char *buf, size_t size);

/* True when every point recorded was a skip (at least one). */
bool testapi_all_skipped(const struct testapi_counts *c);

/*
 * prun.c's contain hook calls this first for every payload fault: with
 * an expectation under way (efimm_test_expect_fault) it records the
 * point - a pass if f is the fault expected, else a failure with f's
 * report printed - and resumes the payload where its expect_begin call
 * returned, with RAX = EFIMM_EXPECT_MATCH or EFIMM_EXPECT_OTHER, never
 * returning.  Without one it returns.
 */
void testapi_fault(struct trap_frame *f, const char *verdict);

/* The system calls (payload_api.c's table; efimm_abi.h's contracts). */
void testapi_plan(int count);
int testapi_point(int result, const char *desc, size_t len);
/* Keeps f (the expect_begin call's frame) to resume after the fault;
 * returns 0, -EINVAL, -EBUSY, or -EPERM off the boot CPU (each refusal
 * also records a failed point). */
int testapi_expect_begin(const struct trap_frame *f, int vector, uint64_t addr);
/* The function returned without faulting: records the failure, returns 0. */
int testapi_expect_end(void);

#endif
