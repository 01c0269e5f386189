/*
 * mm/paging_copy.c - the copy table: which store slot holds the clean
 * copy of which resident frame (design and entry layout: paging_int.h;
 * the lookups are inline there).
 */
#include "../lib/assert.h"
#include "paging_int.h"

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

/* Cuckoo insertion: the newcomer goes to its second place if that is
 * free, else takes its first; whoever was there moves to its other
 * place, and so on, PAGING_COPY_KICKS times at most. */
bool paging_copy_add_kick(struct paging_copy c, struct paging_copy *homeless)
{
	size_t pos = paging_copy_place(c.frame1, 1);

	if (paging_copy_at(pos)->frame1)
		pos = paging_copy_place(c.frame1, 0);
	for (int k = 0; k < PAGING_COPY_KICKS; k++) {
		struct paging_copy old = *paging_copy_at(pos);

		*paging_copy_at(pos) = c;
		if (!old.frame1)
			return true;
		c = old;
		pos = paging_copy_place(c.frame1, pos < paging_st.copy_half);
	}
	*homeless = c;
	paging_st.cached--;
	return false;
}

bool paging_copy_take(struct paging_copy *out)
{
	size_t n = 2 * paging_st.copy_half;

	for (size_t k = 0; k < n; k++) {
		size_t i = (paging_st.copy_cursor + k) % n;
		struct paging_copy *e = paging_copy_at(i);

		if (e->frame1) {
			*out = *e;
			e->frame1 = 0;
			paging_st.cached--;
			paging_st.copy_cursor = i + 1;
			return true;
		}
	}
	return false;
}
