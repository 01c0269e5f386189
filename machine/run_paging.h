/*
 * machine/run_paging.h - demand paging for a payload run: set up from
 * the payload's options (pure/runopts.h: mem=, swap=, evict=), after a
 * check, while boot services still run, that the store leaves room.
 */
#ifndef MACHINE_RUN_PAGING_H
#define MACHINE_RUN_PAGING_H

#include "../lib/types.h"
#include "../pure/runopts.h"

/*
 * NULL if a backing store of swap bytes leaves a payload room on a
 * machine with free_bytes of free RAM out of ram_bytes (the store, 8 MiB
 * and 24 bytes per frame of RAM for the frame database and the paging
 * records), else the one-line reason ("swap=NK: backing store too large
 * for this machine's RAM (at most MM leaves the payload room)").
 */
const char *run_paging_check_room(uint64_t swap, uint64_t free_bytes,
				  uint64_t ram_bytes);

/*
 * Sets demand paging up for one payload from its options: the policy
 * (o->evict, or default_policy when empty), a backing store of o->swap
 * bytes and the mem= cap, then prints "efimm: paging: policy ...".
 * Returns 0, or a negative errno with why filled (paging stays off).
 */
int run_paging_setup(const struct runopts *o, const char *default_policy,
		     char *why, size_t size);

/* Makes the payload's mapped pages in [start, end) pageable. */
void run_paging_adopt(vaddr_t start, vaddr_t end);

#endif
