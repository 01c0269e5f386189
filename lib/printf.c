/*
 * lib/printf.c - a small, freestanding printf.
 *
 * The formatter parses one conversion spec at a time into struct spec,
 * renders the number or string into a scratch buffer and pads it.  It
 * never allocates and never reads past the format string's NUL.
 */
#include <stdbool.h>
#include <stdint.h>

#include "console.h"
#include "printf.h"

struct spec {
	bool left;      /* '-' flag */
	bool zero;      /* '0' flag */
	int width;
	int prec;       /* -1: none */
	int lng;        /* 0: int, 1: long, 2: long long, 3: size_t */
	char conv;
};

struct out {
	fmt_sink_fn sink;
	void *ctx;
	int count;
};

static void emit(struct out *o, const char *s, size_t n)
{
	if (n) {
		o->sink(o->ctx, s, n);
		o->count += (int)n;
	}
}

static void pad(struct out *o, char c, int n)
{
	char buf[16];

	for (int i = 0; i < (int)sizeof(buf); i++)
		buf[i] = c;
	while (n > 0) {
		int k = n > (int)sizeof(buf) ? (int)sizeof(buf) : n;

		emit(o, buf, (size_t)k);
		n -= k;
	}
}

/* Parses flags, width, precision and length; returns the conversion end. */
static const char *parse_spec(const char *f, struct spec *sp, va_list *ap)
{
	*sp = (struct spec){ .prec = -1 };
	for (;; f++) {
		if (*f == '-')
			sp->left = true;
		else if (*f == '0')
			sp->zero = true;
		else if (*f != ' ' && *f != '+' && *f != '#')
			break;
	}
	if (*f == '*') {
		sp->width = va_arg(*ap, int);
		if (sp->width < 0) {
			sp->left = true;
			sp->width = -sp->width;
		}
		f++;
	}
	while (*f >= '0' && *f <= '9')
		sp->width = sp->width * 10 + (*f++ - '0');
	if (*f == '.') {
		f++;
		sp->prec = 0;
		if (*f == '*') {
			sp->prec = va_arg(*ap, int);
			f++;
		}
		while (*f >= '0' && *f <= '9')
			sp->prec = sp->prec * 10 + (*f++ - '0');
	}
	for (; *f == 'l' || *f == 'z' || *f == 'h'; f++)
		sp->lng = *f == 'z' ? 3 : (*f == 'l' ? sp->lng + 1 : sp->lng);
	sp->conv = *f;
	return f;
}

static void put_field(struct out *o, const struct spec *sp, const char *s,
		      int len, bool numeric)
{
	int fill = sp->width > len ? sp->width - len : 0;

	if (sp->left) {
		emit(o, s, (size_t)len);
		pad(o, ' ', fill);
		return;
	}
	if (numeric && sp->zero && s[0] == '-') {
		emit(o, s, 1);
		pad(o, '0', fill);
		emit(o, s + 1, (size_t)len - 1);
		return;
	}
	pad(o, numeric && sp->zero ? '0' : ' ', fill);
	emit(o, s, (size_t)len);
}

/* Renders v in base into the tail of buf; returns the first digit. */
static char *utoa(uint64_t v, unsigned base, bool upper, char *end)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char *p = end;

	do {
		*--p = digits[v % base];
		v /= base;
	} while (v);
	return p;
}

static uint64_t fetch_unsigned(const struct spec *sp, va_list *ap)
{
	switch (sp->lng) {
	case 0: return va_arg(*ap, unsigned int);
	case 1: return va_arg(*ap, unsigned long);
	case 3: return va_arg(*ap, size_t);
	default: return va_arg(*ap, unsigned long long);
	}
}

static int64_t fetch_signed(const struct spec *sp, va_list *ap)
{
	switch (sp->lng) {
	case 0: return va_arg(*ap, int);
	case 1: return va_arg(*ap, long);
	case 3: return (int64_t)va_arg(*ap, size_t);
	default: return va_arg(*ap, long long);
	}
}

static void put_number(struct out *o, const struct spec *sp, va_list *ap)
{
	char buf[32];
	char *end = buf + sizeof(buf);
	char *p;
	bool neg = false;
	uint64_t v;

	if (sp->conv == 'd' || sp->conv == 'i') {
		int64_t s = fetch_signed(sp, ap);

		neg = s < 0;
		v = neg ? (uint64_t)0 - (uint64_t)s : (uint64_t)s;
	} else {
		v = fetch_unsigned(sp, ap);
	}
	if (sp->conv == 'x' || sp->conv == 'X')
		p = utoa(v, 16, sp->conv == 'X', end);
	else if (sp->conv == 'o')
		p = utoa(v, 8, false, end);
	else
		p = utoa(v, 10, false, end);
	while (sp->prec > 0 && end - p < sp->prec)
		*--p = '0';
	if (neg)
		*--p = '-';
	put_field(o, sp, p, (int)(end - p), true);
}

static void put_pointer(struct out *o, const struct spec *sp, va_list *ap)
{
	char buf[20];
	char *end = buf + sizeof(buf);
	char *p = utoa((uint64_t)(uintptr_t)va_arg(*ap, void *), 16, false, end);

	while (end - p < 16)
		*--p = '0';
	*--p = 'x';
	*--p = '0';
	put_field(o, sp, p, (int)(end - p), false);
}

static void put_string(struct out *o, const struct spec *sp, va_list *ap)
{
	const char *s = va_arg(*ap, const char *);
	int len = 0;

	if (!s)
		s = "(null)";
	while (s[len] && (sp->prec < 0 || len < sp->prec))
		len++;
	put_field(o, sp, s, len, false);
}

static void put_conversion(struct out *o, const struct spec *sp, va_list *ap)
{
	char c;

	switch (sp->conv) {
	case 'd': case 'i': case 'u': case 'x': case 'X': case 'o':
		put_number(o, sp, ap);
		break;
	case 'p':
		put_pointer(o, sp, ap);
		break;
	case 's':
		put_string(o, sp, ap);
		break;
	case 'c':
		c = (char)va_arg(*ap, int);
		put_field(o, sp, &c, 1, false);
		break;
	case '%':
		emit(o, "%", 1);
		break;
	default:
		emit(o, "%", 1);
		if (sp->conv)
			emit(o, &sp->conv, 1);
	}
}

int kvformat(fmt_sink_fn sink, void *ctx, const char *fmt, va_list ap)
{
	struct out o = { .sink = sink, .ctx = ctx };
	struct spec sp;
	va_list aq;

	va_copy(aq, ap);
	while (*fmt) {
		const char *run = fmt;

		while (*fmt && *fmt != '%')
			fmt++;
		emit(&o, run, (size_t)(fmt - run));
		if (!*fmt)
			break;
		fmt = parse_spec(fmt + 1, &sp, &aq);
		put_conversion(&o, &sp, &aq);
		if (*fmt)
			fmt++;
	}
	va_end(aq);
	return o.count;
}

struct bufctx {
	char *buf;
	size_t size;
	size_t pos;
};

static void buf_sink(void *ctx, const char *s, size_t len)
{
	struct bufctx *b = ctx;

	for (size_t i = 0; i < len; i++, b->pos++)
		if (b->pos + 1 < b->size)
			b->buf[b->pos] = s[i];
}

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct bufctx b = { .buf = buf, .size = size };
	int n = kvformat(buf_sink, &b, fmt, ap);

	if (size)
		buf[b.pos < size ? b.pos : size - 1] = '\0';
	return n;
}

int ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

static void con_sink(void *ctx, const char *s, size_t len)
{
	(void)ctx;
	con_write(s, len);
}

/* One kprintf's output stays together when several CPUs print. */
int kvprintf(const char *fmt, va_list ap)
{
	int n;

	con_lock();
	n = kvformat(con_sink, NULL, fmt, ap);
	con_unlock();
	return n;
}

int kprintf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvprintf(fmt, ap);
	va_end(ap);
	return n;
}
