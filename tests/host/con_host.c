/*
 * tests/host/con_host.c - the host's console backend: captures output so
 * tests can check what a dump printed.  Colours become "{c}" markers
 * (digit = enum con_color) so tests can see them too.
 */
#include <stdlib.h>
#include <string.h>

#include "../../lib/console.h"
#include "../unit/unit.h"

static char *cap;
static size_t cap_len, cap_size;

static void cap_write(const char *s, size_t len)
{
	if (cap_len + len + 1 > cap_size) {
		cap_size = (cap_len + len + 1) * 2;
		cap = realloc(cap, cap_size);
		if (!cap)
			abort();
	}
	memcpy(cap + cap_len, s, len);
	cap_len += len;
	cap[cap_len] = '\0';
}

static void cap_color(enum con_color c)
{
	char m[4] = { '{', (char)('0' + c), '}', 0 };

	cap_write(m, 3);
}

static const struct con_backend host_con = {
	.name = "host", .write = cap_write, .color = cap_color,
};

__attribute__((constructor)) static void con_host_init(void)
{
	const struct con_backend *b = &host_con;

	con_set_backends(&b, 1);
}

const char *con_capture(void)
{
	return cap ? cap : "";
}

void con_capture_reset(void)
{
	cap_len = 0;
	if (cap)
		cap[0] = '\0';
}
