/*
 * tests/unit/pt_testlib.c - see pt_testlib.h.
 */
#include <stdlib.h>
#include <string.h>

#include "../../arch/x86_64/pt.h"
#include "../../lib/errno.h"
#include "pt_testlib.h"

static int tframes_get(void *ctx, paddr_t *frame)
{
	struct tframes *f = ctx;

	if (f->fail_after == 0)
		return -ENOMEM;
	for (size_t k = 0; k < f->nframes; k++) {
		size_t i = (f->next + k) % f->nframes;

		if (f->used[i])
			continue;
		f->used[i] = 1;
		f->next = i + 1;
		f->outstanding++;
		if (f->fail_after > 0)
			f->fail_after--;
		*frame = PADDR(f->base + i * PAGE_SIZE);
		memset(arch_phys_to_ptr(*frame), 0, PAGE_SIZE);
		return 0;
	}
	return -ENOMEM;
}

static void tframes_put(void *ctx, paddr_t frame)
{
	struct tframes *f = ctx;
	uint64_t off = paddr_raw(frame) - f->base;
	size_t i = off / PAGE_SIZE;

	/* A bad put is a bug in the code under test: die loudly. */
	if (paddr_raw(frame) < f->base || off % PAGE_SIZE || i >= f->nframes ||
	    !f->used[i])
		abort();
	f->used[i] = 0;
	f->outstanding--;
	/* Poison, so a table used after being freed shows up as garbage. */
	memset(arch_phys_to_ptr(frame), 0xa5, PAGE_SIZE);
}

void tframes_init(struct tframes *f, uint64_t base, size_t nframes)
{
	memset(f, 0, sizeof(*f));
	f->base = base;
	f->nframes = nframes;
	f->used = calloc(nframes, 1);
	if (!f->used)
		abort();
	f->fail_after = -1;
	f->alloc.get = tframes_get;
	f->alloc.put = tframes_put;
	f->alloc.ctx = f;
}

void tframes_fini(struct tframes *f)
{
	free(f->used);
	f->used = NULL;
}

static void snap_push(struct pt_snapshot *s, uint64_t w, size_t *cap)
{
	if (s->len == *cap) {
		*cap = *cap ? *cap * 2 : 4096;
		s->words = realloc(s->words, *cap * sizeof(uint64_t));
		if (!s->words)
			abort();
	}
	s->words[s->len++] = w;
}

static void snap_table(struct pt_snapshot *s, size_t *cap, int level,
		       paddr_t table)
{
	const uint64_t *t = arch_phys_to_ptr(table);

	snap_push(s, paddr_raw(table), cap);
	for (unsigned int i = 0; i < PT_ENTRIES; i++)
		snap_push(s, t[i], cap);
	for (unsigned int i = 0; i < PT_ENTRIES; i++)
		if (pt_is_table(level, t[i]))
			snap_table(s, cap, level + 1,
				   PADDR(t[i] & pt_levels[level].table_mask));
}

void pt_snapshot_take(struct pt_snapshot *s, paddr_t root, unsigned int levels)
{
	size_t cap = 0;

	s->words = NULL;
	s->len = 0;
	snap_table(s, &cap, pt_top(levels), root);
}

bool pt_snapshot_equal(const struct pt_snapshot *a, const struct pt_snapshot *b)
{
	return a->len == b->len &&
	       memcmp(a->words, b->words, a->len * sizeof(uint64_t)) == 0;
}

void pt_snapshot_free(struct pt_snapshot *s)
{
	free(s->words);
	s->words = NULL;
	s->len = 0;
}

static void count_table(void *ctx, int level, paddr_t table, vaddr_t base)
{
	(void)level;
	(void)table;
	(void)base;
	(*(size_t *)ctx)++;
}

size_t pt_count_tables(paddr_t root, unsigned int levels)
{
	size_t n = 0;
	struct pt_visitor v = { .table = count_table, .ctx = &n };

	pt_visit(root, levels, &v);
	return n;
}
