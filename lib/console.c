/*
 * lib/console.c - fan-out of console output to the active backends.
 */
#include "console.h"

static const struct con_backend *backends[CON_MAX_BACKENDS];
static int nbackends;

void con_set_backends(const struct con_backend *const *b, int n)
{
	nbackends = 0;
	for (int i = 0; i < n && i < CON_MAX_BACKENDS; i++)
		backends[nbackends++] = b[i];
}

void con_write(const char *s, size_t len)
{
	for (int i = 0; i < nbackends; i++)
		backends[i]->write(s, len);
}

void con_color(enum con_color c)
{
	for (int i = 0; i < nbackends; i++)
		if (backends[i]->color)
			backends[i]->color(c);
}
