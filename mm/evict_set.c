/*
 * mm/evict_set.c - a set of frame numbers as two levels of bits
 * (layout: mm/evict.h), for the policies whose hand sweeps frame
 * numbers (clock, nru).
 */
#include "../lib/assert.h"
#include "evict.h"

#define SET_ALL ~0ULL

/* The low n bits (n <= 64). */
static uint64_t set_low(size_t n)
{
	return n >= 64 ? SET_ALL : (1ULL << n) - 1;
}

int evict_set_init(struct evict_set *s, size_t nframes)
{
	s->nframes = nframes;
	s->nwords = (nframes + 63) / 64;
	s->count = 0;
	return pgarray_init(&s->words, s->nwords + (s->nwords + 63) / 64,
			    sizeof(uint64_t));
}

void evict_set_release(struct evict_set *s)
{
	pgarray_release(&s->words);
	s->nframes = s->nwords = s->count = 0;
}

void evict_set_forget(struct evict_set *s)
{
	s->words.len = s->words.ndata = s->words.ndir = 0;
	s->nframes = s->nwords = s->count = 0;
}

/* The first level-0 word at or after from that is not zero, or
 * EVICT_SET_NONE: one read per 64 words. */
static size_t set_word_from(const struct evict_set *s, size_t from)
{
	size_t nsum = (s->nwords + 63) / 64;

	for (size_t k = from / 64; k < nsum; k++) {
		uint64_t m = *evict_set_summary(s, k);

		if (k == from / 64)
			m &= ~set_low(from % 64);
		if (m)
			return k * 64 + (size_t)__builtin_ctzll(m);
	}
	return EVICT_SET_NONE;
}

/* The last level-0 word before to that is not zero, or EVICT_SET_NONE. */
static size_t set_word_before(const struct evict_set *s, size_t to)
{
	for (size_t k = (to + 63) / 64; k-- > 0;) {
		uint64_t m = *evict_set_summary(s, k) & set_low(to - k * 64);

		if (m)
			return k * 64 + 63 - (size_t)__builtin_clzll(m);
	}
	return EVICT_SET_NONE;
}

/* evict_set_next past i's own word (which holds no member at or after
 * i: evict_set_next looked). */
size_t evict_set_next_far(const struct evict_set *s, size_t i)
{
	size_t w = i < s->nframes ? i / 64 + 1 : s->nwords;

	if (s->count == 0)
		return EVICT_SET_NONE;
	w = set_word_from(s, w);
	if (w == EVICT_SET_NONE)
		w = set_word_from(s, 0);
	return w * 64 + (size_t)__builtin_ctzll(*evict_set_word(s, w));
}

size_t evict_set_prev(const struct evict_set *s, size_t i)
{
	size_t w = MIN(i / 64, s->nwords);

	if (s->count == 0)
		return EVICT_SET_NONE;
	if (w < s->nwords && i % 64) {
		uint64_t m = *evict_set_word(s, w) & set_low(i % 64);

		if (m)
			return w * 64 + 63 - (size_t)__builtin_clzll(m);
	}
	w = set_word_before(s, w);
	if (w == EVICT_SET_NONE)
		w = set_word_before(s, s->nwords);
	return w * 64 + 63 - (size_t)__builtin_clzll(*evict_set_word(s, w));
}
