/*
 * lib/console.c - fan-out of console output to the active backends.
 */
#include <stdint.h>

#include "console.h"
#include "kstring.h"

static const struct con_backend *backends[CON_MAX_BACKENDS];
static int nbackends;

void con_set_backends(const struct con_backend *const *b, int n)
{
	nbackends = 0;
	for (int i = 0; i < n && i < CON_MAX_BACKENDS; i++)
		backends[nbackends++] = b[i];
}

static struct {
	uint32_t next, serving;
	int32_t owner;          /* CPU holding it, -1: none */
	unsigned int depth;     /* the owner's nested takes */
	unsigned int (*cpu_id)(void);
	void (*relax)(void);
} lk = { .owner = -1 };

void con_set_smp(unsigned int (*cpu_id)(void), void (*relax)(void))
{
	lk.relax = relax;
	lk.cpu_id = cpu_id;
}

void con_lock(void)
{
	int32_t me;
	uint32_t t;

	if (!lk.cpu_id)
		return;
	me = (int32_t)lk.cpu_id();
	if (__atomic_load_n(&lk.owner, __ATOMIC_RELAXED) == me) {
		lk.depth++;
		return;
	}
	t = __atomic_fetch_add(&lk.next, 1, __ATOMIC_RELAXED);
	while (__atomic_load_n(&lk.serving, __ATOMIC_ACQUIRE) != t)
		lk.relax();
	__atomic_store_n(&lk.owner, me, __ATOMIC_RELAXED);
	lk.depth = 1;
}

void con_unlock(void)
{
	if (!lk.cpu_id || --lk.depth)
		return;
	__atomic_store_n(&lk.owner, -1, __ATOMIC_RELAXED);
	__atomic_store_n(&lk.serving, lk.serving + 1, __ATOMIC_RELEASE);
}

void con_bust(void)
{
	int32_t me;

	if (lk.cpu_id) {
		me = (int32_t)lk.cpu_id();
		if (__atomic_load_n(&lk.owner, __ATOMIC_ACQUIRE) != me) {
			__atomic_store_n(&lk.owner, me, __ATOMIC_RELEASE);
			lk.depth = 0;
		}
		/* one take never given back: the console stays the caller's */
		lk.depth++;
	}
	con_end_line();
}

static const char *line_prefix;
static bool line_start = true;

/* The tee (con_tee_start): a caller's buffer, what it holds, what did
 * not fit. */
static char *tee_buf;
static size_t tee_cap, tee_len, tee_dropped;

static void tee_add(const char *s, size_t len)
{
	size_t n = len < tee_cap - tee_len ? len : tee_cap - tee_len;

	memcpy(tee_buf + tee_len, s, n);
	tee_len += n;
	tee_dropped += len - n;
}

/* s to the tee, if on, and to every backend. */
static void con_emit(const char *s, size_t len)
{
	if (tee_buf)
		tee_add(s, len);
	for (int i = 0; i < nbackends; i++)
		backends[i]->write(s, len);
}

void con_tee_start(char *buf, size_t cap)
{
	tee_buf = buf;
	tee_cap = buf ? cap : 0;
	tee_len = tee_dropped = 0;
}

size_t con_tee_stop(size_t *dropped)
{
	size_t n = tee_len;

	if (dropped)
		*dropped = tee_dropped;
	tee_buf = NULL;
	tee_cap = tee_len = tee_dropped = 0;
	return n;
}

void con_set_prefix(const char *prefix)
{
	line_prefix = prefix && *prefix ? prefix : NULL;
}

bool con_at_line_start(void)
{
	return line_start;
}

void con_end_line(void)
{
	if (!line_start)
		con_write("\n", 1);
}

/* Whole lines at a time, each preceded by the prefix if one is set. */
void con_write(const char *s, size_t len)
{
	con_lock();
	while (len > 0) {
		size_t n = 0;

		while (n < len && s[n] != '\n')
			n++;
		if (n < len)
			n++;
		if (line_start && line_prefix)
			con_emit(line_prefix, strlen(line_prefix));
		/* mid-line while the bytes go out: a writer stopped in a
		 * backend leaves a half line that con_bust must end */
		line_start = false;
		con_emit(s, n);
		line_start = s[n - 1] == '\n';
		s += n;
		len -= n;
	}
	con_unlock();
}

void con_color(enum con_color c)
{
	for (int i = 0; i < nbackends; i++)
		if (backends[i]->color)
			backends[i]->color(c);
}
