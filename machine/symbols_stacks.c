/*
 * machine/symbols_stacks.c - the stacks of efimm's that a backtrace may
 * read directly (symbols.h: symbols_add_stack, symbols_in_efimm_stack).
 * Apart from symbols.c so that it builds on the host and its limit,
 * SYMBOLS_MAX_STACKS, is unit-tested (tests/unit/test_symbols_stacks.c).
 * Only the boot CPU adds stacks (bring-up, and the `fault` command before
 * ExitBootServices), one at a time: no lock.
 */
#include "symbols.h"

#include "../lib/errno.h"

static struct {
	uint64_t lo, hi;
} stacks[SYMBOLS_MAX_STACKS];
static size_t nstacks;

int symbols_add_stack(uint64_t lo, uint64_t hi)
{
	if (nstacks == SYMBOLS_MAX_STACKS)
		return -ENOSPC;
	stacks[nstacks].lo = lo;
	stacks[nstacks].hi = hi;
	nstacks++;
	return 0;
}

bool symbols_in_efimm_stack(uint64_t va, size_t len)
{
	for (size_t i = 0; i < nstacks; i++)
		if (va >= stacks[i].lo && va <= stacks[i].hi &&
		    len <= stacks[i].hi - va)
			return true;
	return false;
}
