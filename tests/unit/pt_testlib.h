/*
 * tests/unit/pt_testlib.h - helpers for the page-table tests: a frame
 * allocator over a range of the host "physical" arena that counts
 * outstanding frames and can fail after N gets, and a snapshot of every
 * table reachable from a root (to check "nothing changed").
 */
#ifndef TESTS_UNIT_PT_TESTLIB_H
#define TESTS_UNIT_PT_TESTLIB_H

#include "../../mm/arch_hooks.h"

struct tframes {
	struct arch_pt_alloc alloc;  /* ctx points back here */
	uint64_t base;               /* first frame's physical address */
	size_t nframes;
	unsigned char *used;
	size_t next;                 /* rotating search start */
	size_t outstanding;          /* frames got and not yet put */
	long fail_after;             /* gets left before -ENOMEM; < 0: never */
};

/* nframes frames from physical base (4 KiB-aligned, inside the arena). */
void tframes_init(struct tframes *f, uint64_t base, size_t nframes);
void tframes_fini(struct tframes *f);

/* Every table under root (levels deep), depth first, with its physical
 * address. */
struct pt_snapshot {
	uint64_t *words;   /* per table: its address then its 512 entries */
	size_t len;
};
void pt_snapshot_take(struct pt_snapshot *s, paddr_t root, unsigned int levels);
bool pt_snapshot_equal(const struct pt_snapshot *a, const struct pt_snapshot *b);
void pt_snapshot_free(struct pt_snapshot *s);

/* Number of tables reachable from root (levels deep: 4 or 5; root
 * included). */
size_t pt_count_tables(paddr_t root, unsigned int levels);

#endif
