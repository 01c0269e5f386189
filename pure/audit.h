/*
 * pure/audit.h - the firmware memory-protection audit: rules run over a
 * snapshot (pure/fwsnap.h), so the same code judges the live machine
 * (`audit`) and, later, a snapshot file on the host.
 *
 * Output, one line per rule then the totals:
 *
 *   audit: RULE PASS|FAIL|WARN|SKIP DETAIL[: RANGE, RANGE, RANGE[, ...]]
 *   audit: N passed, N failed, N warnings, N skipped
 *
 * A RANGE is "[LABEL ]0xSTART-0xLAST" (LAST inclusive); a FAIL's detail
 * starts with how many offending ranges there are in all, and the first
 * AUDIT_MAX_RANGES follow.  The walk-dependent rules read addresses as
 * identity-mapped (UEFI requires virtual == physical before
 * ExitBootServices).  README "Firmware audit: `audit`" lists the rules.
 */
#ifndef PURE_AUDIT_H
#define PURE_AUDIT_H

#include "fwsnap.h"

enum audit_result { AUDIT_PASS, AUDIT_FAIL, AUDIT_WARN, AUDIT_SKIP };

#define AUDIT_MAX_RANGES 3
#define AUDIT_DETAIL_MAX 120
#define AUDIT_LABEL_MAX  64
#define AUDIT_NRULES     18
/* How far below RSP stack-nx-guard looks for the guard page. */
#define AUDIT_STACK_SEARCH (256 * 4096ULL)

struct audit_range {
	uint64_t start, last;
	char label[AUDIT_LABEL_MAX];    /* "" or e.g. "DxeCore.dll .data" */
};

struct audit_verdict {
	const char *rule;
	enum audit_result result;
	char detail[AUDIT_DETAIL_MAX];
	struct audit_range first[AUDIT_MAX_RANGES];
	unsigned int nfirst;    /* ranges kept in first[] */
	uint64_t count;         /* offending ranges in all */
};

struct audit_report {
	struct audit_verdict v[AUDIT_NRULES];
	size_t n;
	unsigned int passed, failed, warned, skipped;
};

/* Runs every rule over s (any content: bad input gives verdicts, never a
 * read outside s's buffers) into r, in the fixed rule order. */
void audit_run(const struct fwsnap *s, struct audit_report *r);

/* Prints r: one line per rule, then the totals line. */
void audit_print(const struct audit_report *r);

/* "PASS", "FAIL", "WARN", "SKIP". */
const char *audit_result_name(enum audit_result res);

#endif
