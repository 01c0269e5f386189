/*
 * tools/efimm-replay-io.c - reading the snapshot file (contract in
 * efimm-replay.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "efimm-replay.h"

/* The file's size, or -1 with errno. */
static long file_size(FILE *f)
{
	long n;

	if (fseek(f, 0, SEEK_END))
		return -1;
	n = ftell(f);
	if (n < 0 || fseek(f, 0, SEEK_SET))
		return -1;
	return n;
}

uint8_t *replay_load(const char *path, size_t max, size_t *len, char *why,
		     size_t whylen)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	long n;

	if (!f) {
		snprintf(why, whylen, "cannot open: %s", strerror(errno));
		return NULL;
	}
	n = file_size(f);
	if (n < 0)
		snprintf(why, whylen, "cannot read: %s", strerror(errno));
	else if ((unsigned long)n > max)
		snprintf(why, whylen, "%ld bytes, over the %zu MiB a snapshot may have",
			 n, max >> 20);
	else if (!(buf = malloc(n ? (size_t)n : 1)))
		snprintf(why, whylen, "out of memory for %ld bytes", n);
	else if (fread(buf, 1, (size_t)n, f) != (size_t)n)
		snprintf(why, whylen, "cannot read: %s",
			 ferror(f) ? strerror(errno) : "shorter than its size");
	fclose(f);
	if (buf && !why[0]) {
		*len = (size_t)n;
		return buf;
	}
	free(buf);
	return NULL;
}
