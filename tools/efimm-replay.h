/*
 * tools/efimm-replay.h - the parts of tools/efimm-replay that use the C
 * library's own headers (errno's names clash with lib/errno.h's).
 */
#ifndef TOOLS_EFIMM_REPLAY_H
#define TOOLS_EFIMM_REPLAY_H

#include <stddef.h>
#include <stdint.h>

/*
 * The whole file at path (at most max bytes) in a malloc'd buffer, *len
 * its size; NULL with the reason in why (whylen bytes) if it cannot be
 * opened, read, or is too large.
 */
uint8_t *replay_load(const char *path, size_t max, size_t *len, char *why,
		     size_t whylen);

struct snapfile;
struct audit_report;
struct pfdb_counts;

/* What --json prints (efimm-replay-json.c). */
struct replay_facts {
	const char *path;
	const struct snapfile *f;
	const struct audit_report *r;
	const struct pfdb_counts *frames;       /* NULL: not rebuilt */
	const char *efimm_ranges;               /* the range view, or NULL */
	const char *efimm_error;                /* why not rebuilt, or NULL */
};

/*
 * Prints the facts as one JSON document on stdout (format in README
 * "tools/efimm-replay"): the file, registers and CPU features, the memory
 * map, the frame counts, the firmware's mapped ranges by permission
 * (merged), efimm's range view lines, the audit's verdicts.  Returns 0.
 */
int replay_json(const struct replay_facts *x);

#endif
