/*
 * mm/mm.c - memory-core bring-up and the page-table page allocator.
 */
#include "../lib/assert.h"
#include "../lib/errno.h"
#include "../lib/kstring.h"
#include "../lib/page.h"
#include "kmem.h"
#include "mm.h"
#include "mm_lock.h"
#include "paging.h"
#include "paging_int.h"
#include "payload.h"
#include "pfdb.h"

static struct vm_space mm_kmem_space;
static size_t mm_table_pages;

/*
 * arch_pt_alloc.get: a zeroed frame, pinned so eviction never takes it.
 * Returns 0 or -ENOMEM (no free frame).
 */
static int mm_pt_get(void *ctx, paddr_t *frame)
{
	struct page_frame *pf = pfdb_alloc();

	UNUSED(ctx);
	if (!pf)
		return -ENOMEM;
	pfdb_pin(pf);
	*frame = pfdb_to_phys(pf);
	page_clear(arch_phys_to_ptr(*frame));
	mm_table_pages++;
	return 0;
}

/* arch_pt_alloc.put: the frame must be one mm_pt_get handed out. */
static void mm_pt_put(void *ctx, paddr_t frame)
{
	struct page_frame *pf = pfdb_from_phys(frame);

	UNUSED(ctx);
	ASSERT(pf && pfdb_flags(pf) == PFDB_PINNED,
	       "mm: table page %llx was not allocated",
	       (unsigned long long)paddr_raw(frame));
	pfdb_unpin(pf);
	pfdb_free(pf);
	mm_table_pages--;
}

static const struct arch_pt_alloc mm_pt_allocator = {
	.get = mm_pt_get, .put = mm_pt_put, .ctx = NULL,
};

const struct arch_pt_alloc *mm_pt_alloc(void)
{
	return &mm_pt_allocator;
}

size_t mm_pt_pages(void)
{
	return mm_table_pages;
}

struct vm_space *mm_vm(void)
{
	return &mm_kmem_space;
}

int mm_init(const struct mem_range *r, size_t n)
{
	int err = pfdb_init(r, n);

	if (err)
		return err;
	mm_table_pages = 0;
	mm_lock = (struct mm_lock){ .holder = -1 };
	vm_init(&mm_kmem_space, VM_KMEM_BASE, VM_KMEM_END);
	err = arch_pt_init(&mm_pt_allocator);
	if (err == 0)
		paging_init();
	return err;
}

int mm_payload_space_create(void)
{
	unsigned long irq = mm_lock_take();
	int err = arch_as_create(VM_PAYLOAD_BASE, VM_KMEM_END);

	mm_lock_drop(irq);
	return err;
}

/* Pageable memory first, while paging can still find its frames and
 * slots; then paging itself; then the emptied address space. */
void mm_payload_teardown(void)
{
	unsigned long irq = mm_lock_take();

	payload_release_all();
	kmem_release_all();
	paging_teardown_locked();
	if (arch_as_live())
		arch_as_destroy();
	mm_lock_drop(irq);
}
