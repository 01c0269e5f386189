/*
 * tools/efimm-replay-json.c - efimm-replay --json: the facts of one
 * snapshot as a JSON document for tools/efimm-report (contract in
 * efimm-replay.h, format in README "tools/efimm-replay").  Addresses are
 * numbers: physical ones, and linear 48-bit ones for the firmware's
 * tables (below 2^53, exact in JavaScript).
 */
#include <stdio.h>
#include <string.h>

#include "../mm/pfdb.h"
#include "../pure/audit.h"
#include "../pure/memmap_fmt.h"
#include "../pure/snapfile.h"
#include "efimm-replay.h"

#define CPUID1_ECX_PCID   (1u << 17)
#define CPUID7_EBX_SMEP   (1u << 7)
#define CPUID7_EBX_SMAP   (1u << 20)
#define CPUID7_ECX_LA57   (1u << 16)
#define CPUIDX_EDX_NX     (1u << 20)
#define CPUIDX_EDX_1G     (1u << 26)

/* s as a JSON string. */
static void jstr(const char *s)
{
	putchar('"');
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

/* A bit of CPUID leaf.subleaf's register reg (0 eax .. 3 edx), false if
 * the file lacks the leaf. */
static bool cpuid_bit(const struct snapfile_meta *m, uint32_t leaf, uint32_t sub,
		      int reg, uint32_t bit)
{
	struct snapfile_cpuid c;
	uint32_t v[4];

	if (!snapfile_cpuid_get(m, leaf, sub, &c))
		return false;
	v[0] = c.eax;
	v[1] = c.ebx;
	v[2] = c.ecx;
	v[3] = c.edx;
	return (v[reg] & bit) != 0;
}

/* "regs", "cpu" and "memory_attribute_protocol". */
static void print_cpu(const struct snapfile *f)
{
	struct snapfile_cpuid c;
	int phys = snapfile_cpuid_get(&f->m, 0x80000008, 0, &c) ? (int)(c.eax & 0xff) : 0;

	printf("\"regs\": {\"cr0\": %llu, \"cr3\": %llu, \"cr4\": %llu, \"efer\": %llu, "
	       "\"rsp\": %llu, \"pat\": %llu},\n", (unsigned long long)f->s.cr0,
	       (unsigned long long)f->s.cr3, (unsigned long long)f->s.cr4,
	       (unsigned long long)f->s.efer, (unsigned long long)f->s.rsp,
	       (unsigned long long)f->m.pat);
	printf("\"cpu\": {\"nx\": %s, \"pages_1g\": %s, \"la57\": %s, \"smep\": %s, "
	       "\"smap\": %s, \"pcid\": %s, \"phys_bits\": %d},\n",
	       cpuid_bit(&f->m, 0x80000001, 0, 3, CPUIDX_EDX_NX) ? "true" : "false",
	       cpuid_bit(&f->m, 0x80000001, 0, 3, CPUIDX_EDX_1G) ? "true" : "false",
	       cpuid_bit(&f->m, 7, 0, 2, CPUID7_ECX_LA57) ? "true" : "false",
	       cpuid_bit(&f->m, 7, 0, 1, CPUID7_EBX_SMEP) ? "true" : "false",
	       cpuid_bit(&f->m, 7, 0, 1, CPUID7_EBX_SMAP) ? "true" : "false",
	       cpuid_bit(&f->m, 1, 0, 2, CPUID1_ECX_PCID) ? "true" : "false", phys);
	printf("\"memory_attribute_protocol\": %s,\n",
	       f->s.mem_attr_protocol ? "true" : "false");
}

/* "memmap": the raw map's descriptors in file order. */
static void print_memmap(const struct fwsnap *s)
{
	size_t n = fwsnap_map_count(s);

	printf("\"memmap\": [");
	for (size_t i = 0; i < n; i++) {
		struct fw_desc d = fwsnap_map_desc(s, i);

		printf("%s\n {\"type\": ", i ? "," : "");
		jstr(memmap_fmt_type_name(d.type));
		printf(", \"start\": %llu, \"pages\": %llu, \"attr\": %llu}",
		       (unsigned long long)d.phys_start, (unsigned long long)d.num_pages,
		       (unsigned long long)d.attribute);
	}
	printf("],\n");
}

/* Leaves merged into runs of contiguous linear addresses with equal rights. */
struct merge {
	bool open, first;
	uint64_t start, end;
	bool w, x, u;
};

/* Prints the open run, if any. */
static void merge_flush(struct merge *m)
{
	if (!m->open)
		return;
	printf("%s\n {\"start\": %llu, \"end\": %llu, \"w\": %s, \"x\": %s, \"u\": %s}",
	       m->first ? "" : ",", (unsigned long long)m->start, (unsigned long long)m->end,
	       m->w ? "true" : "false", m->x ? "true" : "false", m->u ? "true" : "false");
	m->first = false;
	m->open = false;
}

/* fwsnap_leaf_fn: extends the open run or starts a new one. */
static void merge_leaf(void *ctx, const struct fwsnap_leaf *l)
{
	struct merge *m = ctx;
	uint64_t start = l->va & (FWSNAP_VA_END - 1);

	if (m->open && m->end == start && m->w == l->write && m->x == l->exec &&
	    m->u == l->user) {
		m->end += l->size;
		return;
	}
	merge_flush(m);
	*m = (struct merge){ true, m->first, start, start + l->size, l->write, l->exec,
			     l->user };
}

/* "firmware_va" and the walk's status ("firmware_va_error", 0 or -errno). */
static void print_firmware_va(const struct fwsnap *s)
{
	struct merge m = { .first = true };
	uint64_t bad = 0;
	int err;

	printf("\"firmware_va\": [");
	err = fwsnap_walk(s, 0, FWSNAP_VA_END - 1, merge_leaf, &m, &bad);
	merge_flush(&m);
	printf("],\n\"firmware_va_error\": %d,\n", err);
}

/* The range view's text as an array of lines. */
static void print_lines(const char *name, const char *text)
{
	bool first = true;

	printf("\"%s\": [", name);
	while (text && *text) {
		const char *nl = strchr(text, '\n');
		size_t n = nl ? (size_t)(nl - text) : strlen(text);
		char line[256];
		size_t k = n < sizeof(line) - 1 ? n : sizeof(line) - 1;

		memcpy(line, text, k);
		line[k] = '\0';
		printf("%s\n ", first ? "" : ",");
		jstr(line);
		first = false;
		text += n + (nl ? 1 : 0);
	}
	printf("],\n");
}

/* "frames": the counts, or null. */
static void print_frames(const struct pfdb_counts *c)
{
	if (!c) {
		printf("\"frames\": null,\n");
		return;
	}
	printf("\"frames\": {\"total\": %zu, \"free\": %zu, \"mapped\": %zu, \"pinned\": %zu, "
	       "\"busy\": %zu, \"reserved\": %zu, \"other\": %zu},\n", c->total, c->free,
	       c->mapped, c->pinned, c->busy, c->reserved, c->other);
}

/* One "audit" entry. */
static void print_verdict(const struct audit_verdict *v, bool last)
{
	printf("\n {\"rule\": ");
	jstr(v->rule);
	printf(", \"result\": ");
	jstr(audit_result_name(v->result));
	printf(", \"detail\": ");
	jstr(v->detail);
	printf(", \"count\": %llu, \"first\": [", (unsigned long long)v->count);
	for (unsigned int i = 0; i < v->nfirst; i++) {
		printf("%s{\"start\": %llu, \"last\": %llu, \"label\": ", i ? ", " : "",
		       (unsigned long long)v->first[i].start,
		       (unsigned long long)v->first[i].last);
		jstr(v->first[i].label);
		putchar('}');
	}
	printf("]}%s", last ? "" : ",");
}

/* "audit" and "totals". */
static void print_audit(const struct audit_report *r)
{
	printf("\"audit\": [");
	for (size_t i = 0; i < r->n; i++)
		print_verdict(&r->v[i], i + 1 == r->n);
	printf("],\n\"totals\": {\"passed\": %u, \"failed\": %u, \"warnings\": %u, "
	       "\"skipped\": %u}\n", r->passed, r->failed, r->warned, r->skipped);
}

int replay_json(const struct replay_facts *x)
{
	const struct snapfile *f = x->f;

	printf("{\"format\": \"efimm-replay 1\",\n\"file\": ");
	jstr(x->path);
	printf(",\n\"efimm\": ");
	jstr(f->m.version);
	printf(",\n\"table_pages\": %zu, \"images\": %zu,\n", f->s.npt, f->s.nimg);
	print_cpu(f);
	print_memmap(&f->s);
	print_frames(x->frames);
	printf("\"efimm_error\": ");
	if (x->efimm_error)
		jstr(x->efimm_error);
	else
		printf("null");
	printf(",\n");
	print_lines("efimm_ranges", x->efimm_ranges);
	print_firmware_va(&f->s);
	print_audit(x->r);
	printf("}\n");
	return 0;
}
