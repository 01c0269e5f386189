/*
 * tests/unit/test_sdk_paging.c - the layout of struct k_mem_paging_stats
 * as payload/sdk/efimm.h declares it (efimm.h cannot share a translation
 * unit with mm/paging.h); test_paging.c compares it with efimm's.
 */
#include <stddef.h>

#include "../../payload/sdk/efimm.h"

#define SDK_OFF(f) offsetof(struct k_mem_paging_stats, f)

/* Same order as paging_layout() in test_paging.c. */
const size_t sdk_paging_layout[] = {
	sizeof(struct k_mem_paging_stats), SDK_OFF(pagefaults.cnt),
	SDK_OFF(pagefaults.in_isr), SDK_OFF(eviction.clean),
	SDK_OFF(eviction.dirty), SDK_OFF(page_ins), SDK_OFF(page_outs),
	SDK_OFF(zero_fills), SDK_OFF(fault_cycles.counts),
	SDK_OFF(fault_cycles.bounds), SDK_OFF(store_cycles.counts),
	SDK_OFF(store_slots), SDK_OFF(store_slots_free),
	K_MEM_PAGING_HISTOGRAM_BINS,
};
const size_t sdk_paging_nlayout = sizeof(sdk_paging_layout) /
				  sizeof(sdk_paging_layout[0]);
