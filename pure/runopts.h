/*
 * pure/runopts.h - efimm's per-payload run options (`run` and `suite`
 * lines, `tools/efimm-test --opt`), parsed without the firmware.
 *
 * The rule (README "Running payloads"): efimm's options are the
 * trailing KEY=VALUE words of a line, after the payload's path and
 * arguments; every one of them must name an option below.  A `--` word
 * ends the payload's arguments explicitly: words before it go to the
 * payload verbatim (KEY=VALUE or not), words after it must all be
 * options.  Without `--`, a word that names an efimm option followed by
 * a payload argument is an error (a misplaced option), and so is an
 * unknown KEY=VALUE among the trailing options.  An option given twice
 * on one line is an error; a suite's defaults may be overridden once
 * per payload line.
 */
#ifndef PURE_RUNOPTS_H
#define PURE_RUNOPTS_H

#include "../lib/types.h"

#define RUNOPTS_TIMEOUT_DEFAULT 60      /* seconds */
#define RUNOPTS_SWAP_DEFAULT    (8ULL << 20)

/* Which options a line set (bit per option), for duplicates and for
 * merging a payload line over the suite's defaults. */
enum runopt_bit {
	RUNOPT_MEM = 1u << 0,
	RUNOPT_SWAP = 1u << 1,
	RUNOPT_EVICT = 1u << 2,
	RUNOPT_PAGING = 1u << 3,
	RUNOPT_TIMING = 1u << 4,
	RUNOPT_TIMEOUT = 1u << 5,
};

struct runopts {
	uint64_t mem;           /* mem=SIZE: cap on free frames, 0 = none */
	uint64_t swap;          /* swap=SIZE: backing store bytes */
	char evict[8];          /* evict=clock|nru|lru, "" = default policy */
	bool paging_report;     /* paging=1: statistics at the end */
	bool timing;            /* timing=1: phase timing line */
	uint32_t timeout_s;     /* timeout=SECONDS, 0 = none */
	uint32_t set;           /* enum runopt_bit of the options given */
};

#endif
