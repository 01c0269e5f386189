/*
 * lib/strutil.c - string helpers and number parsing (target and host).
 */
#include "errno.h"
#include "kstring.h"

size_t str_copy(char *dst, const char *src, size_t size)
{
	size_t n = strlen(src);

	if (size) {
		size_t k = n < size - 1 ? n : size - 1;

		memcpy(dst, src, k);
		dst[k] = '\0';
	}
	return n;
}

bool str_starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static char lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

bool str_eq_nocase(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if (lower(*a) != lower(*b))
			return false;
	return *a == *b;
}

static int digit_value(char c)
{
	c = lower(c);
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return 99;
}

/* Parses the number at *sp, advancing *sp past it. */
static int parse_number(const char **sp, uint64_t *out)
{
	const char *s = *sp;
	unsigned base = 10;
	uint64_t v = 0;
	const char *start;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	start = s;
	for (; digit_value(*s) < (int)base; s++) {
		if (v > (UINT64_MAX - (uint64_t)digit_value(*s)) / base)
			return -ERANGE;
		v = v * base + (uint64_t)digit_value(*s);
	}
	if (s == start)
		return -EINVAL;
	*sp = s;
	*out = v;
	return 0;
}

int str_parse_u64(const char *s, uint64_t *out)
{
	int ret = parse_number(&s, out);

	if (ret == 0 && *s)
		return -EINVAL;
	return ret;
}

static int suffix_shift(const char **sp)
{
	static const char units[] = "kmgt";
	const char *s = *sp;
	int shift = 0;

	for (int i = 0; units[i]; i++)
		if (lower(*s) == units[i]) {
			shift = 10 * (i + 1);
			s++;
			if (*s == 'i' || *s == 'I')
				s++;
			break;
		}
	if (*s == 'b' || *s == 'B')
		s++;
	*sp = s;
	return shift;
}

int str_parse_size(const char *s, uint64_t *out)
{
	uint64_t v;
	int shift;
	int ret = parse_number(&s, &v);

	if (ret)
		return ret;
	shift = suffix_shift(&s);
	if (*s)
		return -EINVAL;
	if (shift && v > (UINT64_MAX >> shift))
		return -ERANGE;
	*out = v << shift;
	return 0;
}
