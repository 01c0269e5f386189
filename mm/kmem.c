/*
 * mm/kmem.c - k_mem_map, k_mem_unmap, z_phys_map, z_phys_unmap (API and
 * contracts in mm/kmem.h).
 *
 * Every mapping owns a virtual region of the k_mem_map area (mm/vm.h)
 * one page larger on each side: the guard pages are never mapped, so an
 * overrun in either direction faults.  Once demand paging is on
 * (paging_setup), anonymous memory without K_MEM_MAP_LOCK is lazy: its
 * PTEs are non-resident and the first touch of a page faults it in
 * (mm/paging.h).  Before that, and always with K_MEM_MAP_LOCK, every
 * page gets its frame at once; each frame is MAPPED in the frame
 * database with its VA recorded, pinned with K_MEM_MAP_LOCK, otherwise
 * on the eviction policy's ring.  The arch hooks flush the TLB
 * themselves; nothing here flushes.
 */
#include "../lib/assert.h"
#include "../lib/errno.h"
#include "../lib/kstring.h"
#include "../lib/page.h"
#include "arch_hooks.h"
#include "kmem.h"
#include "mm.h"
#include "mm_lock.h"
#include "paging.h"
#include "pfdb.h"

/* Flags that reach the page tables. */
#define KMEM_ARCH_FLAGS  (K_MEM_CACHE_MASK | K_MEM_PERM_RW | \
			  K_MEM_PERM_EXEC | K_MEM_PERM_USER)
#define KMEM_MAP_FLAGS   (KMEM_ARCH_FLAGS | K_MEM_MAP_UNINIT | K_MEM_MAP_LOCK)

static bool kmem_flags_ok(uint32_t flags, uint32_t allowed)
{
	return k_mem_flags_valid(flags, allowed);
}

/*
 * Backs va with a fresh frame (zeroed unless K_MEM_MAP_UNINIT).  Returns
 * 0, or -ENOMEM with no frame taken and nothing mapped.
 */
static int kmem_map_page(vaddr_t va, uint32_t flags)
{
	struct page_frame *pf = pfdb_alloc();
	paddr_t phys;
	int err;

	if (!pf)
		return -ENOMEM;
	phys = pfdb_to_phys(pf);
	if (!(flags & K_MEM_MAP_UNINIT))
		page_clear(arch_phys_to_ptr(phys));
	err = arch_mem_map(va, phys, PAGE_SIZE, flags & KMEM_ARCH_FLAGS);
	if (err) {
		pfdb_free(pf);
		return err;
	}
	pfdb_set_mapped(pf, va);
	if (flags & K_MEM_MAP_LOCK)
		pfdb_pin(pf);
	else
		paging_track(pf);
	return 0;
}

/* Gives each page of [va, va+size) its frame now.  Returns 0, or
 * -ENOMEM with nothing left mapped. */
static int kmem_map_eager(vaddr_t va, size_t size, uint32_t flags)
{
	size_t done;

	for (done = 0; done < size; done += PAGE_SIZE) {
		if (kmem_map_page(va + done, flags) != 0)
			break;
	}
	if (done == size)
		return 0;
	if (done > 0)
		paging_release_range(va, done);
	return -ENOMEM;
}

/* True if the request is lazy (demand paging on, not locked). */
static bool kmem_lazy(uint32_t flags)
{
	return paging_enabled() && !(flags & K_MEM_MAP_LOCK);
}

static void *kmem_map(size_t size, uint32_t flags)
{
	struct vm_space *vs = mm_vm();
	size_t avail = kmem_lazy(flags) ? paging_room() : pfdb_free_count();
	vaddr_t region, va;
	int err;

	if (size == 0 || !IS_ALIGNED(size, PAGE_SIZE) ||
	    !kmem_flags_ok(flags, KMEM_MAP_FLAGS) ||
	    size / PAGE_SIZE > avail ||
	    size > VM_KMEM_END - VM_KMEM_BASE)
		return NULL;
	if (vm_alloc(vs, size + 2 * PAGE_SIZE, VM_ANON, &region) != 0)
		return NULL;
	va = region + PAGE_SIZE;
	if (kmem_lazy(flags))
		err = paging_map_lazy(va, size, flags);
	else
		err = kmem_map_eager(va, size, flags);
	if (err == 0)
		return (void *)va;
	if (vm_free(vs, region, size + 2 * PAGE_SIZE, VM_ANON) != 0)
		panic("mm: lost k_mem_map region %llx", (unsigned long long)region);
	return NULL;
}

/* The calls below run their bodies on efimm's stack under mm_lock
 * (mm_lock_call): a payload calls them on its own pageable stack.  Each
 * passes a struct the wrapper fills first and copies results out of
 * after the call, with the lock free. */
struct kmem_call {
	vaddr_t va;             /* k_mem_map: the result; else the address */
	paddr_t phys;
	size_t size;
	uint32_t flags;
};

static int kmem_map_call(void *arg)
{
	struct kmem_call *c = arg;

	c->va = (vaddr_t)kmem_map(c->size, c->flags);
	return 0;
}

void *k_mem_map(size_t size, uint32_t flags)
{
	struct kmem_call c = { .size = size, .flags = flags };

	mm_lock_call(kmem_map_call, &c);
	return (void *)c.va;
}

static int kmem_unmap(void *addr, size_t size)
{
	vaddr_t va = (vaddr_t)addr;

	if (size == 0 || !IS_ALIGNED(va, PAGE_SIZE) ||
	    !IS_ALIGNED(size, PAGE_SIZE) || va < VM_KMEM_BASE + PAGE_SIZE ||
	    size > VM_KMEM_END - va)
		return -EINVAL;
	/* Releasing the range first is safe: nothing else runs until the
	 * pages below are gone (mm_lock held, interrupts off). */
	if (vm_free(mm_vm(), va - PAGE_SIZE, size + 2 * PAGE_SIZE, VM_ANON) != 0)
		return -EINVAL;
	paging_release_range(va, size);
	return 0;
}

static int kmem_unmap_call(void *arg)
{
	struct kmem_call *c = arg;

	return kmem_unmap((void *)c->va, c->size);
}

int k_mem_unmap(void *addr, size_t size)
{
	struct kmem_call c = { .va = (vaddr_t)addr, .size = size };

	return mm_lock_call(kmem_unmap_call, &c);
}

static int kmem_phys_map(uint8_t **virt_ptr, paddr_t phys, size_t size,
			 uint32_t flags)
{
	uint64_t off = paddr_raw(phys) & (PAGE_SIZE - 1);
	uint64_t base = paddr_raw(phys) - off;
	uint64_t len;
	vaddr_t region;
	int err;

	if (size == 0 || !kmem_flags_ok(flags, KMEM_ARCH_FLAGS) ||
	    size > VM_KMEM_END - VM_KMEM_BASE ||
	    paddr_raw(phys) + size < paddr_raw(phys) ||
	    paddr_raw(phys) + size > ~0ULL - PAGE_SIZE)
		return -EINVAL;
	len = ALIGN_UP(off + size, PAGE_SIZE);
	err = vm_alloc(mm_vm(), len + 2 * PAGE_SIZE, VM_PHYS, &region);
	if (err)
		return err;
	err = arch_mem_map(region + PAGE_SIZE, PADDR(base), len, flags);
	if (err) {
		if (vm_free(mm_vm(), region, len + 2 * PAGE_SIZE, VM_PHYS) != 0)
			panic("mm: lost z_phys_map region");
		return err;
	}
	*virt_ptr = (uint8_t *)(region + PAGE_SIZE + off);
	return 0;
}

static int kmem_phys_map_call(void *arg)
{
	struct kmem_call *c = arg;
	uint8_t *virt = NULL;
	int err = kmem_phys_map(&virt, c->phys, c->size, c->flags);

	c->va = (vaddr_t)virt;
	return err;
}

int z_phys_map(uint8_t **virt_ptr, paddr_t phys, size_t size, uint32_t flags)
{
	struct kmem_call c = { .phys = phys, .size = size, .flags = flags };
	int err = mm_lock_call(kmem_phys_map_call, &c);

	if (err == 0)
		*virt_ptr = (uint8_t *)c.va;
	return err;
}

static int kmem_phys_unmap(uint8_t *virt, size_t size)
{
	vaddr_t v = (vaddr_t)virt;
	uint64_t off = v & (PAGE_SIZE - 1);
	uint64_t len;

	if (size == 0 || v < VM_KMEM_BASE + PAGE_SIZE || size > VM_KMEM_END - v)
		return -EINVAL;
	len = ALIGN_UP(off + size, PAGE_SIZE);
	if (vm_free(mm_vm(), v - off - PAGE_SIZE, len + 2 * PAGE_SIZE, VM_PHYS) != 0)
		return -EINVAL;
	if (arch_mem_unmap(v - off, len) != 0)
		panic("mm: cannot unmap z_phys_map range %llx",
		      (unsigned long long)(v - off));
	return 0;
}

static int kmem_phys_unmap_call(void *arg)
{
	struct kmem_call *c = arg;

	return kmem_phys_unmap((uint8_t *)c->va, c->size);
}

int z_phys_unmap(uint8_t *virt, size_t size)
{
	struct kmem_call c = { .va = (vaddr_t)virt, .size = size };

	return mm_lock_call(kmem_phys_unmap_call, &c);
}

size_t k_mem_free_get(void)
{
	return pfdb_free_count() * PAGE_SIZE;
}

static int kmem_query(vaddr_t va, paddr_t *phys, uint32_t *flags)
{
	uint64_t loc;
	int err = arch_mem_translate(va, phys, flags);

	if (err != -EFAULT)
		return err;
	if (arch_page_location_get(ALIGN_DOWN(va, PAGE_SIZE), &loc) !=
	    ARCH_PAGE_LOCATION_PAGED_OUT)
		return -EFAULT;
	return loc >= PAGING_LOC_FIRST_RESERVED ? -ENOENT : -EAGAIN;
}

static int kmem_query_call(void *arg)
{
	struct kmem_call *c = arg;

	return kmem_query(c->va, &c->phys, &c->flags);
}

int k_mem_query(vaddr_t va, paddr_t *phys, uint32_t *flags)
{
	struct kmem_call c = { .va = va, .phys = PADDR(0) };
	int err = mm_lock_call(kmem_query_call, &c);

	if (err == 0 && phys)
		*phys = c.phys;
	if (err == 0 && flags)
		*flags = c.flags;
	return err;
}

/* Walks the live regions once (O(regions + pages mapped)), then resets
 * the allocator, which gives its node frames back.  Guard pages were
 * never mapped, so only the inner range of each region is released. */
void kmem_release_all(void)
{
	struct vm_space *vs = mm_vm();

	ASSERT(mm_lock_is_held(), "kmem: release without mm_lock");
	for (const struct vm_extent *r = vm_regions(vs); r; r = r->next) {
		vaddr_t va = r->start + PAGE_SIZE;
		uint64_t len = r->size - 2 * PAGE_SIZE;

		if (r->kind == VM_ANON)
			paging_release_range(va, len);
		else if (arch_mem_unmap(va, len) != 0)
			panic("mm: cannot unmap z_phys_map range %llx",
			      (unsigned long long)va);
	}
	vm_reset(vs);
}
