/*
 * mm/paging_report.c - the paging statistics printed as text (the
 * `paging=1` report and efimm_paging_stats_print); it only reads what
 * paging.c and the store count.
 */
#include "../lib/printf.h"
#include "paging_int.h"
#include "swap.h"

/* One histogram as "name: <=B:N <=B:N ..." over its non-empty bins. */
static void paging_hist_print(const char *name,
			      const struct k_mem_paging_histogram *h)
{
	kprintf("efimm: paging: %s cycles:", name);
	for (size_t i = 0; i < K_MEM_PAGING_HISTOGRAM_BINS; i++) {
		if (!h->counts[i])
			continue;
		if (h->bounds[i] == ~0ULL)
			kprintf(" >%llu:%llu", (unsigned long long)h->bounds[i - 1],
				(unsigned long long)h->counts[i]);
		else
			kprintf(" <=%llu:%llu", (unsigned long long)h->bounds[i],
				(unsigned long long)h->counts[i]);
	}
	kprintf("\n");
}

/* What the paging tables take, measured from their frames: the
 * policy's per frame of RAM (thousandths), the copy table's per slot. */
static void paging_memory_print(void)
{
	size_t frames = pfdb_frame_count(), slots = swap_slots_total();
	size_t pol = paging_policy_bytes(), copy = paging_copy_bytes();
	size_t milli = frames ? (pol * 1000 + frames / 2) / frames : 0;

	kprintf("efimm: paging: tables: %s %zu bytes, %zu.%03zu bytes per frame "
		"of %zu; copy table %zu bytes, %zu per slot of %zu\n",
		paging_policy_name(), pol, milli / 1000, milli % 1000, frames,
		copy, slots ? copy / slots : 0, slots);
}

void paging_stats_print(void)
{
	const struct k_mem_paging_stats *s = &paging_st.stats;

	kprintf("efimm: paging: policy %s, faults %llu, evictions clean %llu "
		"dirty %llu, page-ins %llu, page-outs %llu, zero-fills %llu\n",
		paging_policy_name(), (unsigned long long)s->pagefaults.cnt,
		(unsigned long long)s->eviction.clean,
		(unsigned long long)s->eviction.dirty,
		(unsigned long long)s->page_ins, (unsigned long long)s->page_outs,
		(unsigned long long)s->zero_fills);
	kprintf("efimm: paging: store %zu of %zu slots free, %zu copies of "
		"resident pages, %zu resident pageable frames, %zu free frames\n",
		swap_slots_free(), swap_slots_total(), paging_st.cached,
		paging_st.resident, pfdb_free_count());
	paging_memory_print();
	paging_hist_print("fault", &s->fault_cycles);
	paging_hist_print("store", &s->store_cycles);
}
