/*
 * mm/payload.c - payload segments and stack in the payload window.
 *
 * Every range mapped here is recorded (payload_ranges), so tearing the
 * window down walks what is mapped, not the 16 TiB window.
 */
#include "payload.h"

#include "../lib/assert.h"
#include "../lib/errno.h"
#include "../lib/kstring.h"
#include "../lib/page.h"
#include "arch_hooks.h"
#include "kmem.h"
#include "mm_lock.h"
#include "paging.h"
#include "pfdb.h"
#include "vm.h"

#define PAYLOAD_ARCH_FLAGS (K_MEM_PERM_RW | K_MEM_PERM_EXEC | K_MEM_PERM_USER)

/* The page ranges mapped in the window, in mapping order. */
static struct {
	vaddr_t start, end;
} payload_ranges[PAYLOAD_MAX_RANGES];
static size_t payload_nranges;
/* K_MEM_PERM_USER for a ring-3 payload's pages, else 0. */
static uint32_t payload_user;

void payload_set_user(bool user)
{
	payload_user = user ? K_MEM_PERM_USER : 0;
}

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
	page_clear(dst);
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

/* Unmaps the resident pages of [start, end), page by page (a failed
 * load's rollback: its pages are all pinned and resident). */
static void payload_unmap_locked(vaddr_t start, vaddr_t end)
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

/* Forgets the recorded ranges that lie inside [start, end). */
static void payload_forget(vaddr_t start, vaddr_t end)
{
	size_t kept = 0;

	for (size_t i = 0; i < payload_nranges; i++)
		if (payload_ranges[i].start < start || payload_ranges[i].end > end)
			payload_ranges[kept++] = payload_ranges[i];
	payload_nranges = kept;
}

void payload_unmap(vaddr_t start, vaddr_t end)
{
	unsigned long irq = mm_lock_take();

	payload_unmap_locked(start, end);
	payload_forget(start, end);
	mm_lock_drop(irq);
}

/* Maps [start, end) page by page from s and records it; rolls back on
 * failure.  Returns 0, -ENOMEM (no frame, or the range table is full). */
static int map_pages(vaddr_t start, vaddr_t end, const struct payload_seg *s)
{
	if (payload_nranges == PAYLOAD_MAX_RANGES)
		return -ENOMEM;
	for (vaddr_t va = start; va < end; va += PAGE_SIZE) {
		int err = map_one_page(va, s, (s->flags | payload_user) & PAYLOAD_ARCH_FLAGS);

		if (err) {
			payload_unmap_locked(start, va);
			return err;
		}
	}
	payload_ranges[payload_nranges].start = start;
	payload_ranges[payload_nranges].end = end;
	payload_nranges++;
	return 0;
}

int payload_map_segment(const struct payload_seg *s)
{
	vaddr_t start = ALIGN_DOWN(s->va, PAGE_SIZE);
	vaddr_t end = ALIGN_UP(s->va + s->memsz, PAGE_SIZE);
	unsigned long irq;
	int err;

	ASSERT(in_window(start, end), "segment %llx+%llx outside the payload window",
	       (unsigned long long)s->va, (unsigned long long)s->memsz);
	ASSERT(s->filesz <= s->memsz, "filesz > memsz");
	irq = mm_lock_take();
	err = map_pages(start, end, s);
	mm_lock_drop(irq);
	return err;
}

int payload_map_stack(vaddr_t top, uint64_t size, vaddr_t *guard)
{
	struct payload_seg s = { .va = top - size, .memsz = size,
				 .flags = K_MEM_PERM_RW };
	unsigned long irq;
	int err;

	if (size == 0 || !IS_ALIGNED(top | size, PAGE_SIZE) || size >= top ||
	    !in_window(top - size - PAGE_SIZE, top))
		return -EINVAL;
	irq = mm_lock_take();
	if (arch_mem_translate(top - size - PAGE_SIZE, NULL, NULL) == 0)
		err = -EINVAL;
	else
		err = map_pages(top - size, top, &s);
	mm_lock_drop(irq);
	if (err == 0)
		*guard = top - size - PAGE_SIZE;
	return err;
}

/* Every page of a recorded range is mapped (resident, pinned or not,
 * or paged out), so paging_release_range takes each whatever its state
 * and arch_mem_unmap frees the table pages left empty. */
void payload_release_all(void)
{
	ASSERT(mm_lock_is_held(), "payload: release without mm_lock");
	for (size_t i = 0; i < payload_nranges; i++)
		paging_release_range(payload_ranges[i].start,
				     payload_ranges[i].end - payload_ranges[i].start);
	payload_nranges = 0;
}

size_t payload_range_count(void)
{
	return payload_nranges;
}
