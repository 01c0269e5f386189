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
	RUNOPT_RING = 1u << 6,
	RUNOPT_INJECT = 1u << 7,
	RUNOPT_SHOOTDOWN = 1u << 8,
	RUNOPT_LA57 = 1u << 9,
};

/* inject=: efimm touches payload memory outside its copy helpers once,
 * to show the SMAP (or SMEP) report (README "Ring 3"); or one AP never
 * arrives, to show it left out; or efimm itself fails while other CPUs
 * run, to show them stopped first (README "Multiple CPUs"). */
enum runopt_inject {
	RUNOPT_INJECT_NONE = 0,
	RUNOPT_INJECT_SMAP,     /* write's buffer read without the helper */
	RUNOPT_INJECT_SMEP,     /* the payload's entry called from efimm */
	RUNOPT_INJECT_AP_STUCK, /* the last AP halts in its trampoline */
	RUNOPT_INJECT_AP_LATE,  /* the first AP is held past its time */
	RUNOPT_INJECT_AP_EFIMM_FAULT,   /* CPU 1's first write call: #PF in efimm */
	RUNOPT_INJECT_EFIMM_PANIC,      /* the first write call: panic() */
};

struct runopts {
	uint64_t mem;           /* mem=SIZE: cap on free frames, 0 = none */
	uint64_t swap;          /* swap=SIZE: backing store bytes */
	char evict[8];          /* evict=clock|nru|lru, "" = default policy */
	bool paging_report;     /* paging=1: statistics at the end */
	bool timing;            /* timing=1: phase timing line */
	uint32_t timeout_s;     /* timeout=SECONDS, 0 = none */
	uint8_t ring;           /* ring=0|3: the payload's privilege level */
	uint8_t inject;         /* inject=: enum runopt_inject */
	bool shootdown_off;     /* shootdown=off: no remote TLB flushes
				 * (fault injection, README "Multiple CPUs") */
	bool la57;              /* la57=1: five-level paging (LA57) */
	uint32_t set;           /* enum runopt_bit of the options given */
	uint32_t extra_set;     /* bit i: extras->opt[i] given (runopts_split) */
};

#define RUNOPTS_WHY_MAX         192     /* bytes of a reason, NUL included */
#define RUNOPTS_TIMEOUT_MAX     86400   /* seconds: one day */
#define RUNOPTS_EXTRA_MAX       8

/*
 * Options of one caller beyond the table above (`run`'s test hook
 * stale-keys=N): a word KEY=VALUE with a key here is an option of the
 * line; parse gets ctx and the value and returns NULL or why the value
 * is bad ("stale-keys takes 0..7").  Keys must not repeat the table's.
 */
struct runopts_extra {
	const char *key;
	const char *(*parse)(void *ctx, const char *value);
};

struct runopts_extras {
	const struct runopts_extra *opt;
	size_t n;                       /* at most RUNOPTS_EXTRA_MAX */
	void *ctx;
};

/* Sets *o to the defaults: no mem cap, swap 8M, the default policy, no
 * reports, timeout 60 s, ring 3; set and extra_set empty. */
void runopts_default(struct runopts *o);

/* Sets *o to "nothing given": every field zero (what a line's options
 * start from before runopts_merge puts them over the defaults). */
void runopts_clear(struct runopts *o);

/*
 * True if word has the form of an option, KEY=VALUE with KEY a letter
 * followed by letters, digits, '-' or '_' (so "--count=3" and "=x" are
 * never options).  Says nothing about whether KEY is known.
 */
bool runopts_is_option_form(const char *word);

/* True if word is KEY=VALUE with KEY one of the table's or extras's
 * (extras may be NULL), whatever the value. */
bool runopts_is_known(const char *word, const struct runopts_extras *extras);

/*
 * Parses one option word KEY=VALUE into *o and sets its bit in o->set
 * (or o->extra_set for a key of extras, which may be NULL; then the
 * extra's parse is called).  Returns 0, or with a one-line reason naming
 * the word in why (RUNOPTS_WHY_MAX bytes):
 *   -ENOENT  not an option or an unknown key: "unknown option 'x=1'"
 *   -EEXIST  the key is already in o->set: "duplicate option 'mem'"
 *   -EINVAL  a bad value: "bad option 'mem=x': mem takes a size ..."
 * On error *o is unchanged.
 */
int runopts_parse_word(struct runopts *o, const char *word,
		       const struct runopts_extras *extras, char *why);

/* Puts every option over->set names over *dst (the value, and the bit in
 * dst->set): a payload line's options over a suite's defaults. */
void runopts_merge(struct runopts *dst, const struct runopts *over);

/*
 * Splits the words of one run line, words[0] the payload's path (never
 * an option), by the rule at the top of this file, and parses the
 * options into *o (cleared first: o->set says what the line gave).
 * Returns the payload's argc (>= 1: words[0..argc) go to the payload,
 * path included), or a negative errno with a one-line reason in why
 * (RUNOPTS_WHY_MAX bytes) naming the word:
 *   unknown option 'exit=3' (a payload argument of the form KEY=VALUE goes before --)
 *   option 'mem=4M' before the payload argument 'foo': efimm's options come last
 *   'foo' after --: only efimm's options may follow -- (the payload's arguments go before it)
 *   duplicate option 'mem'
 *   bad option 'timeout=x': timeout takes seconds, 0..86400 (0: none)
 * `--` is the line's last `--` word, so a payload that takes `--` itself
 * gets it by ending the line with `--`.  extras may be NULL.
 */
int runopts_split(char *const *words, int nwords,
		  const struct runopts_extras *extras, struct runopts *o,
		  char *why);

#endif
