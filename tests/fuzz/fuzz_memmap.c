/*
 * tests/fuzz/fuzz_memmap.c - libFuzzer target for the memory-map
 * sanitiser.  Input: byte 0 picks desc_size (40 + 8 * (b & 3)), byte 1
 * the flags (bit 0: boot services up, with the first descriptor's range
 * as the owned pool), the rest is the map.  Every successful result must
 * be sorted, disjoint, page-aligned, non-empty, merged, with a valid
 * state; the union of FREE ranges must lie inside the descriptors' FREE
 * types.  Any violation aborts.
 */
#include <stdlib.h>
#include <string.h>

#include "../../lib/errno.h"
#include "../../mm/memmap.h"

#define FUZZ_CAP 1024

static struct mem_range out[FUZZ_CAP];

static void check(bool ok)
{
	if (!ok)
		abort();
}

/* True if page p lies in a descriptor whose type may be FREE. */
static bool in_free_desc(const uint8_t *map, size_t n, size_t ds, uint64_t p,
			 bool bs_up)
{
	for (size_t i = 0; i < n; i++) {
		struct fw_desc d;

		memcpy(&d, map + i * ds, sizeof(d));
		if (p >= d.phys_start && p - d.phys_start < d.num_pages * FW_PAGE_SIZE &&
		    (memmap_type_state(d.type) == MEM_FREE ||
		     (bs_up && memmap_type_state(d.type) == MEM_EFIMM)))
			return true;
	}
	return false;
}

static void check_output(const uint8_t *map, size_t n, size_t ds, int cnt,
			 bool bs_up)
{
	for (int i = 0; i < cnt; i++) {
		const struct mem_range *r = &out[i];

		check(r->start < r->end);
		check(IS_ALIGNED(r->start, PAGE_SIZE) && IS_ALIGNED(r->end, PAGE_SIZE));
		check(r->state <= MEM_RESERVED);
		if (i > 0) {
			const struct mem_range *p = &out[i - 1];

			check(p->end <= r->start);
			check(p->end != r->start || p->state != r->state ||
			      p->type != r->type);
		}
		if (r->state == MEM_FREE) {
			check(in_free_desc(map, n, ds, r->start, bs_up));
			check(in_free_desc(map, n, ds, r->end - 1, bs_up));
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mem_range pool = { 0, 0, 0, 0 };
	struct memmap_opts opts = { 0 };
	struct memmap_stats st;
	size_t ds, map_size;
	int n;

	if (size < 2)
		return 0;
	ds = 40 + 8 * (data[0] & 3);
	opts.boot_services_up = data[1] & 1;
	map_size = size - 2;
	if (opts.boot_services_up && map_size >= 40) {
		struct fw_desc d;

		memcpy(&d, data + 2, sizeof(d));
		pool.start = d.phys_start;
		pool.end = d.phys_start + (d.num_pages & 0xffff) * FW_PAGE_SIZE;
		if (pool.end > pool.start) {
			opts.owned = &pool;
			opts.nowned = 1;
		}
	}
	n = memmap_sanitize(data + 2, map_size, ds, &opts, out, FUZZ_CAP, &st);
	if (n == -EINVAL || n == -ENOSPC)
		return 0;
	check(n >= 0);
	check(st.descs == map_size / ds);
	check_output(data + 2, map_size / ds, ds, n, opts.boot_services_up);
	return 0;
}
