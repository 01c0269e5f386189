/*
 * machine/run_paging.h - demand paging for `run`: the run-line options, the
 * bring-up after efimm has the machine and the report.
 *
 * Options (trailing key=value words of `run PATH ...`, see cmd_run.c):
 *   mem=SIZE     at most SIZE of free frames stay for the payload, its
 *                page tables and paging once efimm is set up; the rest
 *                is taken out as RESERVED (forces eviction in a big VM)
 *   swap=SIZE    the RAM backing store (default 8M; 0: none), its frames
 *                taken before mem= applies
 *   evict=NAME   eviction policy: clock (default: EVICT= in the Makefile),
 *                nru, lru
 *   paging=1     print the paging statistics when the payload exits
 */
#ifndef EFI_RUN_PAGING_H
#define EFI_RUN_PAGING_H

#include "../lib/types.h"
#include "../pure/runopts.h"

struct run_req;

/* Option parsers for cmd_run.c's table: NULL or why value is bad. */
const char *run_paging_opt_mem(struct run_req *rq, const char *value);
const char *run_paging_opt_swap(struct run_req *rq, const char *value);
const char *run_paging_opt_evict(struct run_req *rq, const char *value);
const char *run_paging_opt_paging(struct run_req *rq, const char *value);

/*
 * While boot services run: NULL if the backing store (swap=, default 8M)
 * leaves the payload room in what will be free after ExitBootServices
 * (free_bytes, of ram_bytes of RAM), else a line saying why not ("swap=NK:
 * ...", naming the largest store that fits).  Room: RUN_PAGING_MIN_ROOM plus the frame database and
 * the paging records (RUN_PAGING_FRAME_COST bytes per frame of RAM).
 */
const char *run_paging_check_room(uint64_t free_bytes, uint64_t ram_bytes);

/* Forgets the options of a previous `run` line. */
void run_paging_reset(void);

/*
 * After mm_init and kas_build, with efimm's tables live: sets up the
 * store, the mem= cap and the policy (paging_setup then hands arch/ mm's
 * fault entry).  Panics if the store does not fit (no caller is left to
 * tell).
 */
void run_paging_start(void);

/*
 * Sets demand paging up for one payload of a suite from its options:
 * the policy (o->evict, or default_policy when empty), a backing store
 * of o->swap bytes and the mem= cap, then prints the paging line.
 * Returns 0, or a negative errno with why filled (paging stays off).
 */
int run_paging_setup(const struct runopts *o, const char *default_policy,
		     char *why, size_t size);

/* Makes the payload's mapped pages in [start, end) pageable. */
void run_paging_adopt(vaddr_t start, vaddr_t end);

/* The paging=1 report (nothing without it). */
void run_paging_report(void);

#endif
