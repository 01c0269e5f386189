/*
 * mm/payload.c - payload segments and stack in the payload window.
 */
#include "payload.h"

#include "../lib/assert.h"
#include "../lib/errno.h"
#include "../lib/kstring.h"
#include "arch_hooks.h"
#include "kmem.h"
#include "pfdb.h"
#include "vm.h"

#define PAYLOAD_ARCH_FLAGS (K_MEM_PERM_RW | K_MEM_PERM_EXEC)

static bool in_window(vaddr_t start, vaddr_t end)
{
	return start >= VM_PAYLOAD_BASE && end <= VM_PAYLOAD_END && start < end;
}

/*
 * Backs the page at va with a zeroed, pinned frame holding the bytes of
 * s that fall inside it.  Returns 0 or -ENOMEM (nothing taken).
 */
static int map_one_page(vaddr_t va, const struct payload_seg *s, uint32_t flags)
{
	struct page_frame *pf = pfdb_alloc();
	uint8_t *dst;
	vaddr_t lo, hi;
	int err;

	if (!pf)
		return -ENOMEM;
	dst = arch_phys_to_ptr(pfdb_to_phys(pf));
	memset(dst, 0, PAGE_SIZE);
	lo = MAX(va, s->va);
	hi = MIN(va + PAGE_SIZE, s->va + s->filesz);
	if (s->data && lo < hi)
		memcpy(dst + (lo - va), (const uint8_t *)s->data + (lo - s->va), hi - lo);
	err = arch_mem_map(va, pfdb_to_phys(pf), PAGE_SIZE, flags);
	if (err) {
		pfdb_free(pf);
		return err;
	}
	pfdb_set_mapped(pf, va);
	pfdb_pin(pf);
	return 0;
}

void payload_unmap(vaddr_t start, vaddr_t end)
{
	for (vaddr_t va = start; va < end; va += PAGE_SIZE) {
		paddr_t phys;
		struct page_frame *pf;

		if (arch_mem_translate(va, &phys, NULL) != 0)
			continue;
		pf = pfdb_from_phys(PADDR(ALIGN_DOWN(paddr_raw(phys), PAGE_SIZE)));
		if (arch_mem_unmap(va, PAGE_SIZE) != 0)
			panic("mm: cannot unmap payload page %llx",
			      (unsigned long long)va);
		if (pf) {
			pfdb_unpin(pf);
			pfdb_set_unmapped(pf);
			pfdb_free(pf);
		}
	}
}

/* Maps [start, end) page by page from s; rolls back on failure. */
static int map_pages(vaddr_t start, vaddr_t end, const struct payload_seg *s)
{
	for (vaddr_t va = start; va < end; va += PAGE_SIZE) {
		int err = map_one_page(va, s, s->flags & PAYLOAD_ARCH_FLAGS);

		if (err) {
			payload_unmap(start, va);
			return err;
		}
	}
	return 0;
}

int payload_map_segment(const struct payload_seg *s)
{
	vaddr_t start = ALIGN_DOWN(s->va, PAGE_SIZE);
	vaddr_t end = ALIGN_UP(s->va + s->memsz, PAGE_SIZE);

	ASSERT(in_window(start, end), "segment %llx+%llx outside the payload window",
	       (unsigned long long)s->va, (unsigned long long)s->memsz);
	ASSERT(s->filesz <= s->memsz, "filesz > memsz");
	return map_pages(start, end, s);
}

int payload_map_stack(vaddr_t top, uint64_t size, vaddr_t *guard)
{
	struct payload_seg s = { .va = top - size, .memsz = size,
				 .flags = K_MEM_PERM_RW };
	int err;

	if (size == 0 || !IS_ALIGNED(top | size, PAGE_SIZE) || size >= top ||
	    !in_window(top - size - PAGE_SIZE, top))
		return -EINVAL;
	if (arch_mem_translate(top - size - PAGE_SIZE, NULL, NULL) == 0)
		return -EINVAL;
	err = map_pages(top - size, top, &s);
	if (err == 0)
		*guard = top - size - PAGE_SIZE;
	return err;
}
