/*
 * mm/vm.c - virtual-region allocator (design and bounds: see vm.h).
 */
#include "../lib/assert.h"
#include "../lib/errno.h"
#include "../lib/kstring.h"
#include "vm.h"

void vm_init(struct vm_space *vs, vaddr_t base, vaddr_t end)
{
	ASSERT(base < end && IS_ALIGNED(base, PAGE_SIZE) &&
	       IS_ALIGNED(end, PAGE_SIZE), "vm: bad area");
	vs->base = base;
	vs->end = end;
	vs->free[0] = (struct vm_extent){ base, end - base, 0 };
	vs->nfree = 1;
	vs->nused = 0;
}

static void vm_remove(struct vm_extent *a, size_t *n, size_t i)
{
	memmove(&a[i], &a[i + 1], (*n - i - 1) * sizeof(*a));
	(*n)--;
}

/* Inserts e at index i of a; the caller guarantees room. */
static void vm_insert(struct vm_extent *a, size_t *n, size_t i,
		      const struct vm_extent *e)
{
	ASSERT(*n < VM_MAX_REGIONS, "vm: table full");
	memmove(&a[i + 1], &a[i], (*n - i) * sizeof(*a));
	a[i] = *e;
	(*n)++;
}

/* Index of the first extent of a[0..n) that starts at or after va. */
static size_t vm_find(const struct vm_extent *a, size_t n, vaddr_t va)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (a[mid].start < va)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int vm_alloc(struct vm_space *vs, uint64_t size, enum vm_kind kind, vaddr_t *va)
{
	ASSERT(size > 0 && IS_ALIGNED(size, PAGE_SIZE), "vm: size %llx",
	       (unsigned long long)size);
	if (vs->nused >= VM_MAX_REGIONS - 1)
		return -ENOMEM;
	for (size_t i = 0; i < vs->nfree; i++) {
		struct vm_extent *f = &vs->free[i];
		struct vm_extent r = { f->start, size, kind };

		if (f->size < size)
			continue;
		f->start += size;
		f->size -= size;
		if (f->size == 0)
			vm_remove(vs->free, &vs->nfree, i);
		vm_insert(vs->used, &vs->nused,
			  vm_find(vs->used, vs->nused, r.start), &r);
		*va = r.start;
		return 0;
	}
	return -ENOMEM;
}

/* Returns [va, va+size) to the free extents, merging neighbours. */
static void vm_release(struct vm_space *vs, vaddr_t va, uint64_t size)
{
	size_t i = vm_find(vs->free, vs->nfree, va);
	struct vm_extent *prev = i > 0 ? &vs->free[i - 1] : NULL;
	struct vm_extent *next = i < vs->nfree ? &vs->free[i] : NULL;
	bool join_prev = prev && prev->start + prev->size == va;
	bool join_next = next && va + size == next->start;

	if (join_prev && join_next) {
		prev->size += size + next->size;
		vm_remove(vs->free, &vs->nfree, i);
	} else if (join_prev) {
		prev->size += size;
	} else if (join_next) {
		next->start = va;
		next->size += size;
	} else {
		struct vm_extent e = { va, size, 0 };

		vm_insert(vs->free, &vs->nfree, i, &e);
	}
}

int vm_free(struct vm_space *vs, vaddr_t va, uint64_t size, enum vm_kind kind)
{
	size_t i = vm_find(vs->used, vs->nused, va);

	if (i == vs->nused || vs->used[i].start != va ||
	    vs->used[i].size != size || vs->used[i].kind != (uint32_t)kind)
		return -EINVAL;
	vm_remove(vs->used, &vs->nused, i);
	vm_release(vs, va, size);
	return 0;
}

uint64_t vm_free_bytes(const struct vm_space *vs)
{
	uint64_t total = 0;

	for (size_t i = 0; i < vs->nfree; i++)
		total += vs->free[i].size;
	return total;
}

size_t vm_live_regions(const struct vm_space *vs)
{
	return vs->nused;
}
