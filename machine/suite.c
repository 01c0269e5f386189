/*
 * machine/suite.c - a suite's payloads one after another in one boot,
 * each isolated, results as TAP version 14 (suite.h; the stream's shape
 * is in the README, "Suites").
 *
 * Isolation: the memory counts are taken once before the first payload
 * (no paging set up, nothing of a payload mapped); every payload gets
 * demand paging set up from its own options, runs, and is torn down
 * (mm_payload_teardown: its mappings, pins, store slots and paging
 * state); the counts must then equal the baseline, or the payload fails
 * naming them (and the baseline moves, so one leak fails one payload).
 */
#include "smp_run.h"
#include "suite.h"
#include "prun.h"
#include "run.h"
#include "run_paging.h"
#include "testapi.h"

#include "../lib/console.h"
#include "../lib/errno.h"
#include "../lib/poweroff.h"
#include "../lib/printf.h"
#include "../lib/timing.h"
#include "../mm/paging.h"
#include "../mm/mm.h"
#include "../mm/mm_counts.h"

#define SUITE_WHY 256

struct suite_tally {
	int passed, failed, skipped;
};

/* One line with the console's prefix set to prefix (kept after). */
__attribute__((format(printf, 2, 3)))
static void suite_line(const char *prefix, const char *fmt, ...)
{
	va_list ap;

	con_end_line();
	con_set_prefix(prefix);
	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
}

/* A YAML double-quoted scalar's body: '"' and '\' escaped, one line. */
static void yaml_quote(char *out, size_t size, const char *in)
{
	size_t o = 0;

	for (; *in && o + 3 < size; in++) {
		if (*in == '"' || *in == '\\')
			out[o++] = '\\';
		out[o++] = *in == '\n' ? ' ' : *in;
	}
	out[o] = '\0';
}

/* Why the payload failed, from how it ended and its test points; NULL
 * if it passed. */
static const char *suite_verdict(const struct suite_payload *sp, int err,
				 const struct prun_result *r,
				 const struct testapi_counts *c, char *why)
{
	if (err) {
		ksnprintf(why, SUITE_WHY, err == -ENOMEM ? "out of memory mapping the payload"
			  : "cannot copy its arguments onto its stack");
		return why;
	}
	switch (r->end) {
	case PRUN_FAULTED:
		prun_describe(r, why, SUITE_WHY);
		return why;
	case PRUN_TIMED_OUT:
		ksnprintf(why, SUITE_WHY, "timed out after %u s at RIP 0x%lx",
			  sp->opts.timeout_s, (unsigned long)r->rip);
		return why;
	default:
		break;
	}
	if (r->status != 0) {
		ksnprintf(why, SUITE_WHY, "exited with status %d", r->status);
		return why;
	}
	return testapi_failure(c, why, SUITE_WHY);
}

/* Tears the payload down and compares the counts with *base; returns
 * why they differ (and moves *base to what they are now), or NULL. */
static const char *suite_teardown(const struct suite_payload *sp,
				  struct mm_counts *base, char *why)
{
	struct mm_counts now;
	uint64_t t0 = timing_tsc(), t1;
	char diff[SUITE_WHY - 16];

	mm_payload_teardown();
	t1 = timing_tsc();
	if (sp->opts.timing)
		kprintf("efimm: teardown: %lu cycles (copy-4k %lu)\n",
			(unsigned long)(t1 - t0), (unsigned long)timing_copy_4k());
	mm_counts_get(&now);
	if (mm_counts_diff(base, &now, diff, sizeof(diff)) == 0)
		return NULL;
	ksnprintf(why, SUITE_WHY, "left behind: %s", diff);
	*base = now;
	return why;
}

/* Sets paging up, runs the payload, tears it down: NULL if it passed,
 * else why not; *skipped gets the first skip's reason when every test
 * point it recorded was a skip. */
static const char *suite_run_one(struct suite_payload *sp, const char *policy,
				 struct mm_counts *base, char *why, const char **skipped)
{
	struct prun_image p = { .path = sp->path, .argc = sp->argc, .argv = sp->argv,
				.file = sp->file, .img = &sp->img,
				.ring = sp->opts.ring, .inject = sp->opts.inject,
				.shootdown_off = sp->opts.shootdown_off,
				.syms = &sp->syms };
	struct prun_result r = { 0 };
	static struct testapi_counts c;
	char leak[SUITE_WHY];
	const char *fail, *left;
	int err = run_paging_setup(&sp->opts, policy, why, SUITE_WHY);

	if (err)
		return why;
	testapi_begin("    ", true);
	err = prun_run(&p, sp->opts.timeout_s, &r);
	testapi_end(&c);
	if (sp->opts.paging_report) {
		paging_stats_print();
		smp_tlb_report();
	}
	fail = suite_verdict(sp, err, &r, &c, why);
	left = suite_teardown(sp, base, leak);
	if (left && fail)
		kprintf("efimm: %s: %s\n", sp->path, left);
	if (!fail && !left && testapi_all_skipped(&c))
		*skipped = c.skip_reason;
	return fail ? fail : left;
}

/* One payload: its subtest, then its test point in the suite. */
static void suite_one(struct suite_req *rq, size_t i, const char *policy,
		      struct mm_counts *base, struct suite_tally *t)
{
	struct suite_payload *sp = &rq->p[i];
	char why[SUITE_WHY], quoted[2 * SUITE_WHY];
	const char *fail, *skipped = NULL;

	suite_line(NULL, "# Subtest: %s\n", sp->path);
	con_set_prefix("    # ");
	fail = sp->invalid ? sp->invalid : suite_run_one(sp, policy, base, why, &skipped);
	if (fail) {
		t->failed++;
		yaml_quote(quoted, sizeof(quoted), fail);
		suite_line(NULL, "not ok %zu - %s\n  ---\n  message: \"%s\"\n  ...\n",
			   i + 1, sp->path, quoted);
	} else if (skipped) {
		t->skipped++;
		suite_line(NULL, "ok %zu - %s # SKIP %s\n", i + 1, sp->path, skipped);
	} else {
		t->passed++;
		suite_line(NULL, "ok %zu - %s\n", i + 1, sp->path);
	}
	con_set_prefix("# ");
}

void suite_after_ebs(void *arg)
{
	struct suite_req *rq = arg;
	struct suite_tally t = { 0 };
	struct mm_counts base, now;
	uint64_t tsc_pfdb, tsc_pt;
	const char *policy;

	suite_line(NULL, "TAP version 14\n1..%zu\n", rq->n);
	con_set_prefix("# ");
	run_take_memory(&rq->map, &rq->layout, rq->stack_guard, &tsc_pfdb, &tsc_pt);
	prun_contain_faults(true);
	policy = paging_policy_name();
	mm_counts_get(&base);
	kprintf("efimm: suite: %zu payloads, %zu free frames before the first\n",
		rq->n, base.free_frames);
	for (size_t i = 0; i < rq->n; i++)
		suite_one(rq, i, policy, &base, &t);
	mm_counts_get(&now);
	kprintf("efimm: suite: %zu free frames after the last\n", now.free_frames);
	suite_line(NULL, "efimm: suite: %d passed, %d failed, %d skipped\n",
		   t.passed, t.failed, t.skipped);
	sys_poweroff(t.failed ? 1 : 0, t.failed ? "suite failure" : "EFI_SUCCESS");
}
