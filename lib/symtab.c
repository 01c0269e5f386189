/*
 * lib/symtab.c - function symbols by address (symtab.h).
 */
#include "symtab.h"

/* Index of the last entry with addr <= a, or n if none. */
static size_t symtab_floor(const struct symtab *t, uint64_t a)
{
	size_t lo = 0, hi = t->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->e[mid].addr <= a)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo == 0 ? t->n : lo - 1;
}

const char *symtab_lookup(const struct symtab *t, uint64_t addr, uint64_t *off)
{
	const struct symtab_entry *e;
	uint64_t a;
	size_t i;

	if (!t || t->n == 0 || addr < t->base)
		return NULL;
	a = addr - t->base;
	i = symtab_floor(t, a);
	if (i == t->n)
		return NULL;
	e = &t->e[i];
	/* size 0: up to the next entry; the last one then covers nothing */
	if (e->size ? a - e->addr >= e->size : i + 1 == t->n)
		return NULL;
	*off = a - e->addr;
	return e->name < t->names_size ? t->names + e->name : "?";
}

/* Restores the max-heap property of e[0..n) below i. */
static void sift_down(struct symtab_entry *e, size_t i, size_t n)
{
	for (;;) {
		size_t big = i, l = 2 * i + 1, r = l + 1;
		struct symtab_entry x;

		if (l < n && e[l].addr > e[big].addr)
			big = l;
		if (r < n && e[r].addr > e[big].addr)
			big = r;
		if (big == i)
			return;
		x = e[i];
		e[i] = e[big];
		e[big] = x;
		i = big;
	}
}

/* Heap sort: O(n log n) whatever the input (a payload's symbol table is
 * untrusted), no allocation. */
void symtab_sort(struct symtab_entry *e, size_t n)
{
	for (size_t i = n / 2; i-- > 0;)
		sift_down(e, i, n);
	for (size_t end = n; end > 1; end--) {
		struct symtab_entry x = e[0];

		e[0] = e[end - 1];
		e[end - 1] = x;
		sift_down(e, 0, end - 1);
	}
}
