/*
 * machine/run_paging.c - demand paging for `run` (run_paging.h).
 */
#include "run_paging.h"
#include "../lib/timing.h"

#include "../lib/assert.h"
#include "../lib/errno.h"
#include "../lib/kstring.h"
#include "../lib/printf.h"
#include "../mm/kmem.h"
#include "../mm/paging.h"
#include "../mm/swap.h"

#define RUN_SWAP_DEFAULT  (8ULL << 20)
/* What a run needs besides the store: efimm's tables and stacks, the
 * payload's image, stack and page tables, and the frames the pager keeps
 * evictable (PAGING_PIN_RESERVE). */
#define RUN_PAGING_MIN_ROOM    (8ULL << 20)
/* Per 4 KiB frame of RAM: the frame database and the paging records. */
#define RUN_PAGING_FRAME_COST  24

static struct {
	uint64_t mem, swap;
	const char *evict;
	bool report;
} opts;

void run_paging_reset(void)
{
	opts.mem = 0;
	opts.swap = RUN_SWAP_DEFAULT;
	opts.evict = NULL;
	opts.report = false;
}

static const char *run_paging_size(const char *value, uint64_t *out)
{
	if (str_parse_size(value, out) != 0)
		return "takes a size (e.g. 16M)";
	return NULL;
}

const char *run_paging_opt_mem(struct run_req *rq, const char *value)
{
	UNUSED(rq);
	if (run_paging_size(value, &opts.mem))
		return "mem takes a size (e.g. 16M)";
	if (opts.mem < MiB(1))
		return "mem must be at least 1M";
	return NULL;
}

const char *run_paging_opt_swap(struct run_req *rq, const char *value)
{
	UNUSED(rq);
	return run_paging_size(value, &opts.swap) ? "swap takes a size (e.g. 64M)"
						   : NULL;
}

const char *run_paging_check_room(uint64_t free_bytes, uint64_t ram_bytes)
{
	static char why[128];
	uint64_t need = RUN_PAGING_MIN_ROOM +
			ram_bytes / PAGE_SIZE * RUN_PAGING_FRAME_COST;
	uint64_t most = free_bytes > need ? free_bytes - need : 0;

	if (opts.swap <= most)
		return NULL;
	ksnprintf(why, sizeof(why), "swap=%lluK: backing store too large "
		  "for this machine's RAM (at most %lluM leaves the payload room)",
		  (unsigned long long)(opts.swap >> 10),
		  (unsigned long long)(most >> 20));
	return why;
}

const char *run_paging_opt_evict(struct run_req *rq, const char *value)
{
	UNUSED(rq);
	if (strcmp(value, "clock") && strcmp(value, "nru") && strcmp(value, "lru"))
		return "evict takes clock, nru or lru";
	opts.evict = value;
	return NULL;
}

const char *run_paging_opt_paging(struct run_req *rq, const char *value)
{
	UNUSED(rq);
	if (strcmp(value, "0") && strcmp(value, "1"))
		return "paging takes 0 or 1";
	opts.report = value[0] == '1';
	return NULL;
}

static uint64_t run_paging_clock(void)
{
	return timing_tsc();
}

/* The line every payload's paging starts with. */
static void run_paging_announce(void)
{
	kprintf("efimm: paging: policy %s, backing store %llu KiB in RAM, "
		"%lu KiB of frames free\n", paging_policy_name(),
		(unsigned long long)(swap_slots_total() * PAGE_SIZE >> 10),
		(unsigned long)(k_mem_free_get() >> 10));
}

int run_paging_setup(const struct runopts *o, const char *default_policy,
		     char *why, size_t size)
{
	const char *policy = o->evict[0] ? o->evict : default_policy;
	int err = paging_set_policy(policy);

	if (err) {
		ksnprintf(why, size, "no eviction policy %s", policy);
		return err;
	}
	err = paging_setup(o->swap, o->mem);
	if (err) {
		ksnprintf(why, size, "backing store of %llu KiB: %s",
			  (unsigned long long)(o->swap >> 10), errno_name(err));
		return err;
	}
	paging_set_clock(run_paging_clock);
	run_paging_announce();
	return 0;
}

void run_paging_start(void)
{
	int err;

	if (opts.evict && paging_set_policy(opts.evict) != 0)
		panic("machine: no eviction policy %s", opts.evict);
	err = paging_setup(opts.swap, opts.mem);
	if (err)
		panic("machine: backing store of %llu KiB: %s",
		      (unsigned long long)(opts.swap >> 10), errno_name(err));
	paging_set_clock(run_paging_clock);
	run_paging_announce();
}

void run_paging_adopt(vaddr_t start, vaddr_t end)
{
	paging_adopt(start, end);
}

void run_paging_report(void)
{
	if (opts.report)
		paging_stats_print();
}
