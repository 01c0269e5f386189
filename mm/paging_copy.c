/*
 * mm/paging_copy.c - the copy table: which store slot holds the clean
 * copy of which resident frame (design and entry layout: paging_int.h).
 */
#include "../lib/assert.h"
#include "paging_int.h"

/* Odd 64-bit multipliers (the golden ratio's and another): two
 * independent places per frame number. */
#define COPY_MUL0 0x9e3779b97f4a7c15ULL
#define COPY_MUL1 0xc2b2ae3d27d4eb4fULL

static struct paging_copy *copy_at(size_t i)
{
	return pgarray_at(&paging_st.copies, i);
}

/* f1's place in half h: the hash's top 32 bits scaled to the half. */
static size_t copy_place(uint32_t f1, size_t h)
{
	uint64_t x = (uint64_t)f1 * (h ? COPY_MUL1 : COPY_MUL0);

	return h * paging_st.copy_half +
	       (size_t)(((x >> 32) * paging_st.copy_half) >> 32);
}

int paging_copy_init(size_t nslots)
{
	ASSERT(nslots <= PAGING_SLOTS_MAX, "paging: %zu slots", nslots);
	paging_st.copy_half = nslots ? nslots + nslots / 2 + 1 : 0;
	paging_st.copy_cursor = 0;
	return pgarray_init(&paging_st.copies, 2 * paging_st.copy_half,
			    sizeof(struct paging_copy));
}

void paging_copy_release(void)
{
	pgarray_release(&paging_st.copies);
	paging_st.copy_half = 0;
}

size_t paging_copy_frames(void)
{
	return pgarray_frames(&paging_st.copies);
}

/* f's entry, or NULL.  Two reads at most. */
static struct paging_copy *copy_lookup(size_t f)
{
	uint32_t f1 = (uint32_t)(f + 1);
	struct paging_copy *e;

	if (paging_st.copy_half == 0)
		return NULL;
	e = copy_at(copy_place(f1, 0));
	if (e->frame1 == f1)
		return e;
	e = copy_at(copy_place(f1, 1));
	return e->frame1 == f1 ? e : NULL;
}

bool paging_copy_find(size_t f, uint64_t *slot)
{
	struct paging_copy *e = copy_lookup(f);

	if (e)
		*slot = e->slot;
	return e != NULL;
}

bool paging_copy_del(size_t f, uint64_t *slot)
{
	struct paging_copy *e = copy_lookup(f);

	if (!e)
		return false;
	*slot = e->slot;
	e->frame1 = 0;
	return true;
}

/* An empty one of f1's two places, or NULL. */
static struct paging_copy *copy_free_place(uint32_t f1)
{
	struct paging_copy *e = copy_at(copy_place(f1, 0));

	if (e->frame1)
		e = copy_at(copy_place(f1, 1));
	return e->frame1 ? NULL : e;
}

/* Cuckoo insertion: the newcomer takes its first place; whoever was
 * there moves to its other place, and so on, PAGING_COPY_KICKS times at
 * most. */
bool paging_copy_add(size_t f, uint64_t slot, struct paging_copy *homeless)
{
	struct paging_copy c = { (uint32_t)slot, (uint32_t)(f + 1) };
	struct paging_copy *e = copy_free_place(c.frame1);
	size_t pos = copy_place(c.frame1, 0);

	ASSERT(paging_st.copy_half && f + 1 < UINT32_MAX && slot < PAGING_SLOTS_MAX,
	       "paging: copy of frame %zu in slot %llu", f, (unsigned long long)slot);
	if (e) {
		*e = c;
		return true;
	}
	for (int k = 0; k < PAGING_COPY_KICKS; k++) {
		struct paging_copy old = *copy_at(pos);

		*copy_at(pos) = c;
		if (!old.frame1)
			return true;
		c = old;
		pos = copy_place(c.frame1, pos < paging_st.copy_half);
	}
	*homeless = c;
	return false;
}

bool paging_copy_take(struct paging_copy *out)
{
	size_t n = 2 * paging_st.copy_half;

	for (size_t k = 0; k < n; k++) {
		size_t i = (paging_st.copy_cursor + k) % n;
		struct paging_copy *e = copy_at(i);

		if (e->frame1) {
			*out = *e;
			e->frame1 = 0;
			paging_st.copy_cursor = i + 1;
			return true;
		}
	}
	return false;
}
