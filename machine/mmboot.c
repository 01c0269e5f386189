/*
 * machine/mmboot.c - memory-core bring-up from a firmware map, for the
 * preview and for `run` alike (contracts in mmboot.h).
 */
#include "mmboot.h"

#include "../arch/x86_64/cpu.h"
#include "../arch/x86_64/machine.h"
#include "../arch/x86_64/ptdump.h"
#include "../lib/errno.h"
#include "../lib/timing.h"
#include "../mm/fwmap.h"
#include "../mm/kmem.h"
#include "../mm/mm.h"
#include "../mm/vm.h"

/* The sanitised map of the last bring-up (the preview's, then run's). */
static struct mem_range ranges[MMBOOT_MAX_RANGES];

void mmboot_uc_extras(struct mmboot_layout *l, const struct mmboot_map *m)
{
	for (size_t off = 0; off + m->desc_size <= m->size; off += m->desc_size) {
		const struct fw_desc *d = (const void *)((const uint8_t *)m->buf + off);

		if (memmap_type_is_ram(d->type) || (d->attribute & FW_ATTR_WB) ||
		    !d->num_pages || l->nextra == MMBOOT_MAX_EXTRA ||
		    d->phys_start >= VM_DIRECT_MAP_END)
			continue;
		l->extra[l->nextra++] = (struct kas_extra){
			.start = d->phys_start, .size = d->num_pages * PAGE_SIZE,
			.cache = K_MEM_CACHE_NONE, .access = KAS_RW,
		};
	}
}

static void add_marker(struct ptdump_marker *m, size_t *n, size_t cap,
		       vaddr_t start, const char *name)
{
	size_t i = *n;

	if (i == cap)
		return;
	for (; i > 0 && m[i - 1].start > start; i--)
		m[i] = m[i - 1];
	m[i] = (struct ptdump_marker){ .start = start, .name = name };
	(*n)++;
}

/* Markers for the ptdump range view, ascending. */
static size_t mmboot_markers(const struct mmboot_layout *l, struct ptdump_marker *m,
			     size_t cap)
{
	size_t n = 0;

	add_marker(m, &n, cap, 0, "identity map: RAM, firmware, MMIO");
	add_marker(m, &n, cap, l->img.text_start, "efimm .text");
	add_marker(m, &n, cap, l->img.rodata_start, "efimm .rodata");
	add_marker(m, &n, cap, l->img.data_start, "efimm .data");
	add_marker(m, &n, cap, ALIGN_UP(l->img.data_end, PAGE_SIZE),
		   "identity map (after efimm)");
	if (l->nextra)
		add_marker(m, &n, cap, l->extra[0].start, "framebuffer");
	add_marker(m, &n, cap, VM_DIRECT_MAP_END, "end of the identity map");
	add_marker(m, &n, cap, VM_PAYLOAD_BASE, "payload window");
	add_marker(m, &n, cap, VM_KMEM_BASE, "k_mem_map area");
	return n;
}

uint64_t mmboot_ptdump_ranges(paddr_t root, unsigned int levels,
			      const char *header,
			      const struct mmboot_layout *l)
{
	struct ptdump_marker mk[12];
	struct ptdump_opts o = { .header = header, .markers = mk,
				 .pat_known = true, .pat = cpu_read_pat() };

	if (l)
		o.nmarkers = mmboot_markers(l, mk, ARRAY_SIZE(mk));
	return ptdump_ranges(root, levels, &o);
}

int mmboot_bring_up(const struct mmboot_map *m, const struct memmap_opts *o,
		    struct mmboot_layout *l, struct mmboot_outcome *out)
{
	int n = memmap_sanitize(m->buf, m->size, m->desc_size, o, ranges,
				MMBOOT_MAX_RANGES, NULL);
	int err;

	*out = (struct mmboot_outcome){ .ranges = ranges, .failed = "memory map" };
	if (n < 0)
		return n;
	out->nranges = (size_t)n;
	mmboot_uc_extras(l, m);
	out->failed = "frame database";
	vm_kmem_place(arch_pt_levels() == 5);
	err = mm_init(ranges, out->nranges);
	if (err)
		return err;
	out->tsc_pfdb = timing_tsc();
	out->failed = "kernel address space";
	err = kas_build(ranges, out->nranges, &l->img, l->extra, l->nextra);
	if (err)
		return err;
	out->failed = NULL;
	return 0;
}
