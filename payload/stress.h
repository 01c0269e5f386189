/*
 * payload/stress.h - checksummed pages under random reads and writes, the
 * stress test of demand paging: payload/paging_test.c's `stress` scenario
 * and the suites' paging/stress.c and smp/stress.c (through
 * tests/suites/paging/paging_suite.h) walk arenas with it.  Static inline,
 * so a payload includes it without another object to link.
 */
#ifndef PAYLOAD_STRESS_H
#define PAYLOAD_STRESS_H

#include "efimm.h"

/* xorshift64 on *state: the same sequence from the same seed, so a
 * failure repeats. */
static inline uint64_t stress_rng(uint64_t *state)
{
	*state ^= *state << 13;
	*state ^= *state >> 7;
	*state ^= *state << 17;
	return *state;
}

/* A stress page: words derived from seed, its last word their sum. */
static inline void stress_write(void *page, uint64_t seed)
{
	uint64_t *w = page, sum = 0;

	for (size_t k = 0; k < PAGE_SIZE / 8 - 1; k += 61) {
		w[k] = seed * (k + 1) + k;
		sum += w[k];
	}
	w[PAGE_SIZE / 8 - 1] = sum;
}

/* True if page holds what stress_write(page, seed) wrote. */
static inline bool stress_ok(const void *page, uint64_t seed)
{
	const uint64_t *w = page;
	uint64_t sum = 0;

	for (size_t k = 0; k < PAGE_SIZE / 8 - 1; k += 61) {
		if (w[k] != seed * (k + 1) + k)
			return false;
		sum += w[k];
	}
	return w[PAGE_SIZE / 8 - 1] == sum;
}

/* Writes every page of [p, p + pages), then rounds random checksummed
 * reads and writes (rng: *state), then checks every page; returns the
 * mismatches.  seeds[i]: page i's last seed. */
static inline size_t stress_walk(void *p, uint64_t *seeds, size_t pages,
				 long rounds, uint64_t *state)
{
	char *base = p;
	size_t bad = 0;

	for (size_t i = 0; i < pages; i++)
		stress_write(base + i * PAGE_SIZE, seeds[i] = stress_rng(state) | 1);
	for (long r = 0; r < rounds; r++) {
		size_t i = stress_rng(state) % pages;

		if (stress_rng(state) & 1)
			stress_write(base + i * PAGE_SIZE, seeds[i] = stress_rng(state) | 1);
		else
			bad += !stress_ok(base + i * PAGE_SIZE, seeds[i]);
	}
	for (size_t i = 0; i < pages; i++)
		bad += !stress_ok(base + i * PAGE_SIZE, seeds[i]);
	return bad;
}

#endif
