/*
 * mm/vm.c - virtual-region allocator (design and bounds: see vm.h).
 *
 * Lists are singly linked and sorted by start; `link` walks below point
 * at the pointer that leads to a node, so removal needs no back links.
 */
#include "../lib/assert.h"
#include "../lib/errno.h"
#include "../lib/kstring.h"
#include "arch_hooks.h"
#include "pfdb.h"
#include "vm.h"

vaddr_t vm_kmem_base = VM_KMEM_BASE_4LEVEL;
vaddr_t vm_kmem_end = VM_KMEM_END_4LEVEL;

void vm_kmem_place(bool la57)
{
	vm_kmem_base = la57 ? VM_KMEM_BASE_LA57 : VM_KMEM_BASE_4LEVEL;
	vm_kmem_end = la57 ? VM_KMEM_END_LA57 : VM_KMEM_END_4LEVEL;
}

/* Puts n nodes starting at nodes on the spare list. */
static void vm_spare_add(struct vm_space *vs, struct vm_extent *nodes, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		nodes[i].next = vs->spare;
		vs->spare = &nodes[i];
	}
}

void vm_init(struct vm_space *vs, vaddr_t base, vaddr_t end)
{
	ASSERT(base < end && IS_ALIGNED(base, PAGE_SIZE) &&
	       IS_ALIGNED(end, PAGE_SIZE), "vm: bad area");
	vs->base = base;
	vs->end = end;
	vs->spare = NULL;
	vs->node_frames = 0;
	vs->frames = NULL;
	vm_spare_add(vs, vs->inline_nodes, VM_INLINE_NODES);
	vs->free = vs->spare;
	vs->spare = vs->spare->next;
	*vs->free = (struct vm_extent){ base, end - base, 0, NULL };
	vs->used = NULL;
	vs->nfree = 1;
	vs->nused = 0;
}

/*
 * Carves a pinned frame of the frame database into spare nodes; its first
 * node records the frame (start = phys) on vs->frames.  False when no
 * frame is free.
 */
static bool vm_frame_take(struct vm_space *vs)
{
	struct page_frame *pf = pfdb_alloc();
	struct vm_extent *nodes;

	if (!pf)
		return false;
	pfdb_pin(pf);
	nodes = arch_phys_to_ptr(pfdb_to_phys(pf));
	nodes[0] = (struct vm_extent){ paddr_raw(pfdb_to_phys(pf)), PAGE_SIZE,
				       0, vs->frames };
	vs->frames = &nodes[0];
	vs->node_frames++;
	vm_spare_add(vs, nodes + 1, PAGE_SIZE / sizeof(struct vm_extent) - 1);
	return true;
}

/* A spare node, taking a frame of nodes when none is left (kept until
 * vm_reset).  Returns NULL when no frame is free. */
static struct vm_extent *vm_node_get(struct vm_space *vs)
{
	struct vm_extent *e;

	if (!vs->spare && !vm_frame_take(vs))
		return NULL;
	e = vs->spare;
	vs->spare = e->next;
	return e;
}

/* The link to the first extent of *list that starts at or after va. */
static struct vm_extent **vm_link(struct vm_extent **list, vaddr_t va)
{
	while (*list && (*list)->start < va)
		list = &(*list)->next;
	return list;
}

/* Records node r (start, size, kind set) as a live region. */
static void vm_used_insert(struct vm_space *vs, struct vm_extent *r)
{
	struct vm_extent **link = vm_link(&vs->used, r->start);

	r->next = *link;
	*link = r;
	vs->nused++;
}

int vm_alloc(struct vm_space *vs, uint64_t size, enum vm_kind kind, vaddr_t *va)
{
	struct vm_extent **link;

	ASSERT(size > 0 && IS_ALIGNED(size, PAGE_SIZE), "vm: size %llx",
	       (unsigned long long)size);
	for (link = &vs->free; *link; link = &(*link)->next) {
		struct vm_extent *f = *link, *r = f;

		if (f->size < size)
			continue;
		if (f->size == size) {
			*link = f->next;        /* the hole's node becomes the region's */
			vs->nfree--;
		} else {
			r = vm_node_get(vs);
			if (!r)
				return -ENOMEM;
			*r = (struct vm_extent){ f->start, size, 0, NULL };
			f->start += size;
			f->size -= size;
		}
		r->kind = kind;
		vm_used_insert(vs, r);
		*va = r->start;
		return 0;
	}
	return -ENOMEM;
}

/* Returns node r's range to the free list, merging neighbours; r itself
 * becomes a free extent or a spare node. */
static void vm_release(struct vm_space *vs, struct vm_extent *r)
{
	struct vm_extent *prev = NULL, **link = &vs->free;
	struct vm_extent *next;

	while (*link && (*link)->start < r->start) {
		prev = *link;
		link = &prev->next;
	}
	next = *link;
	if (prev && prev->start + prev->size == r->start) {
		prev->size += r->size;
		r->next = vs->spare;
		vs->spare = r;
		r = prev;
	} else {
		r->next = next;
		*link = r;
		vs->nfree++;
	}
	if (next && r->start + r->size == next->start) {
		r->size += next->size;
		r->next = next->next;
		next->next = vs->spare;
		vs->spare = next;
		vs->nfree--;
	}
}

int vm_free(struct vm_space *vs, vaddr_t va, uint64_t size, enum vm_kind kind)
{
	struct vm_extent **link = vm_link(&vs->used, va);
	struct vm_extent *r = *link;

	if (!r || r->start != va || r->size != size || r->kind != (uint32_t)kind)
		return -EINVAL;
	*link = r->next;
	vs->nused--;
	vm_release(vs, r);
	return 0;
}

bool vm_lookup(const struct vm_space *vs, vaddr_t va, uint64_t size,
	       enum vm_kind *kind)
{
	if (size == 0 || va + size < va)
		return false;
	for (const struct vm_extent *r = vs->used; r && r->start < va + size;
	     r = r->next) {
		if (va >= r->start && va + size <= r->start + r->size) {
			*kind = (enum vm_kind)r->kind;
			return true;
		}
	}
	return false;
}

uint64_t vm_free_bytes(const struct vm_space *vs)
{
	uint64_t total = 0;

	for (const struct vm_extent *f = vs->free; f; f = f->next)
		total += f->size;
	return total;
}

size_t vm_live_regions(const struct vm_space *vs)
{
	return vs->nused;
}

size_t vm_node_frames(const struct vm_space *vs)
{
	return vs->node_frames;
}

const struct vm_extent *vm_regions(const struct vm_space *vs)
{
	return vs->used;
}

void vm_reset(struct vm_space *vs)
{
	struct vm_extent *f = vs->frames;

	while (f) {
		struct page_frame *pf = pfdb_from_phys(PADDR(f->start));

		f = f->next;            /* read before the frame goes back */
		pfdb_unpin(pf);
		pfdb_free(pf);
	}
	vm_init(vs, vs->base, vs->end);
}
