/*
 * tests/fuzz/fuzz_snapfile.c - libFuzzer target for pure/snapfile.c: any
 * bytes given to the snapshot reader are refused with a one-line reason
 * or read into a snapshot the audit can judge, never a read outside the
 * file (it is copied to a heap block of exactly its size, so ASan sees
 * any), a hang or a crash.  A file read back is written again: writing
 * what was read and reading it once more must give the same bytes.
 */
#include <stdlib.h>
#include <string.h>

#include "../../pure/audit.h"
#include "../../pure/snapfile.h"

static struct snapfile f, g;
static struct audit_report r;

/* snapfile_write of what f holds, malloc'd; *len its size. */
static uint8_t *rewrite(const struct snapfile *sf, size_t *len)
{
	uint8_t *out;

	*len = snapfile_size(&sf->s, &sf->m);
	out = malloc(*len);
	if (!out || snapfile_write(&sf->s, &sf->m, out, *len) != (long)*len)
		abort();
	return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char why[SNAPFILE_WHY_MAX];
	uint8_t *buf = malloc(size ? size : 1), *once, *twice;
	size_t n1, n2;

	memcpy(buf, data, size);
	if (snapfile_read(buf, size, &f, why)) {
		if (!why[0] || strchr(why, '\n'))
			abort();
		free(buf);
		return 0;
	}
	audit_run(&f.s, &r);
	once = rewrite(&f, &n1);
	if (snapfile_read(once, n1, &g, why))
		abort();
	twice = rewrite(&g, &n2);
	if (n1 != n2 || memcmp(once, twice, n1))
		abort();
	free(twice);
	free(once);
	free(buf);
	return 0;
}
