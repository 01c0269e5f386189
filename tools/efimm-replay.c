/*
 * tools/efimm-replay.c - efimm's own code run on the host over a snapshot
 * file (pure/snapfile.h) written by `snapshot` on some machine:
 *
 *   efimm-replay [--json] SNAPSHOT
 *
 * prints, each after a "== " heading line, what efimm prints on that
 * machine: `memmap --sorted`, `frames` (the grid and the frame counts),
 * `ptdump --efimm --ranges` (byte for byte what `snapshot` printed: the
 * same sanitiser, frame database and kernel address-space builder run on
 * the host's physical-memory arena, from the file's map, pool and
 * layout), and `audit`.  --json prints the same facts as one JSON
 * document for tools/efimm-report (efimm-replay-json.c).  --json prints the same facts as one JSON
 * document for tools/efimm-report (format in README "efimm-replay").
 *
 * Built from the host objects of the unit tests (mm/, pure/, arch/, lib/,
 * tests/host/) and machine/mmboot.c; the console goes to stdout.  The
 * CPU the tables are built for is the file's: 1 GiB pages and NX from
 * its CPUID, and its PAT, which the link gives mmboot.c through
 * --wrap=cpu_read_pat (tests/host/cpu_host.c answers the power-on PAT).
 *
 * Exit status: 0, or 2 with one line "efimm-replay: FILE: REASON" for a
 * file that cannot be read or is refused.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../arch/x86_64/cpu.h"
#include "../arch/x86_64/machine.h"
#include "../lib/assert.h"
#include "../lib/console.h"
#include "../lib/errno.h"
#include "../lib/printf.h"
#include "../machine/mmboot.h"
#include "../mm/mm.h"
#include "../mm/pfdb.h"
#include "../pure/audit.h"
#include "../pure/memmap_fmt.h"
#include "../pure/snapfile.h"
#include "efimm-replay.h"

#define FILE_MAX (256u << 20)
#define CPUID_EXT_NX  (1u << 20)
#define CPUID_EXT_1G  (1u << 26)

static uint64_t file_pat;

/* mmboot_ptdump_ranges reads the PAT through cpu_read_pat: the file's. */
uint64_t __wrap_cpu_read_pat(void);
uint64_t __wrap_cpu_read_pat(void)
{
	return file_pat;
}

/* The console backend: stdout (colours dropped). */
static void out_write(const char *s, size_t len)
{
	fwrite(s, 1, len, stdout);
}

static const struct con_backend stdout_con = { .name = "stdout", .write = out_write };

/* panic() and ASSERT of the code under replay: one line, status 3. */
void panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "efimm-replay: panic: ");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(3);
}

void assert_fail(const char *file, int line, const char *cond, const char *fmt, ...)
{
	UNUSED(fmt);
	fprintf(stderr, "efimm-replay: %s:%d: ASSERT(%s) failed\n", file, line, cond);
	exit(3);
}

/* The file's CPU: 1 GiB pages, NX and the PAT the tables are built for. */
static void set_cpu(const struct snapfile_meta *m)
{
	struct snapfile_cpuid c;
	bool ext = snapfile_cpuid_get(m, 0x80000001, 0, &c);

	cpu_host_set_1g(ext && (c.edx & CPUID_EXT_1G));
	cpu_host_set_nx(ext && (c.edx & CPUID_EXT_NX));
	file_pat = m->pat;
}

/* The file's LAYOUT as mmboot_bring_up takes it. */
static void layout_from(const struct snapfile_layout *s, struct mmboot_layout *l)
{
	memset(l, 0, sizeof(*l));
	l->img = (struct kas_image){ s->text, s->text_end, s->rodata, s->rodata_end,
				     s->data, s->data_end };
	l->nextra = MIN((size_t)s->nextra, (size_t)MMBOOT_MAX_EXTRA);
	for (size_t i = 0; i < l->nextra; i++)
		l->extra[i] = (struct kas_extra){ s->extra[i].start, s->extra[i].size,
						  s->extra[i].cache, s->extra[i].access };
}

/* The preview's bring-up on the file's map: 0, or -errno after a line. */
static int bring_up(const struct snapfile *f, struct mmboot_layout *l)
{
	const struct snapfile_layout *sl = &f->m.layout;
	struct mem_range owned = { .start = sl->owned, .end = sl->owned_end };
	struct memmap_opts o = { .boot_services_up = true, .owned = &owned, .nowned = 1 };
	struct mmboot_outcome out;
	int err;

	layout_from(sl, l);
	err = mmboot_bring_up(&(struct mmboot_map){ .buf = f->s.map, .size = f->s.map_size,
						   .desc_size = f->s.desc_size },
			      &o, l, &out);
	if (err)
		kprintf("efimm: %s: %s\n", out.failed, errno_name(err));
	return err;
}

/* `memmap --sorted` of the file's raw map. */
static void print_memmap(const struct fwsnap *s)
{
	size_t n = s->map_size / s->desc_size;
	struct fw_desc *scratch = calloc(n ? n : 1, sizeof(*scratch));

	if (!scratch)
		panic("out of memory");
	printf("== memmap --sorted\n");
	fflush(stdout);
	memmap_fmt_print_sorted(s->map, s->map_size, s->desc_size, scratch, n);
	free(scratch);
}

/* `frames` and `ptdump --efimm --ranges` from efimm's rebuilt tables. */
static void print_efimm(const struct snapfile *f)
{
	static struct mmboot_layout l;
	char header[120];

	if (!f->m.has_layout) {
		printf("== frames\n(no LAYOUT section: efimm's tables cannot be rebuilt)\n");
		printf("== ptdump --efimm --ranges\n(no LAYOUT section)\n");
		return;
	}
	printf("== frames\n");
	if (bring_up(f, &l)) {
		printf("== ptdump --efimm --ranges\n(the bring-up failed)\n");
		return;
	}
	kprintf("Page frames (before ExitBootServices: firmware-owned RAM is 'R'):\n");
	pfdb_dump();
	kprintf("== ptdump --efimm --ranges\n");
	snprintf(header, sizeof(header), "Page tables: %s (root 0x%lx)",
		 "efimm's, built from the memory map", (unsigned long)paddr_raw(arch_pt_root()));
	mmboot_ptdump_ranges(arch_pt_root(), arch_pt_levels(), header, &l);
}

/* --json: efimm's tables rebuilt quietly (the range view kept through
 * the console tee), then the document. */
static int print_json(const char *path, const struct snapfile *f,
		      const struct audit_report *r)
{
	static char ranges[1 << 20];
	static struct mmboot_layout l;
	struct replay_facts x = { .path = path, .f = f, .r = r };
	struct pfdb_counts c;
	char header[120];
	size_t n;

	if (!f->m.has_layout) {
		x.efimm_error = "no LAYOUT section";
		return replay_json(&x);
	}
	con_tee_start(ranges, sizeof(ranges) - 1);
	con_set_backends(NULL, 0);
	if (bring_up(f, &l)) {
		n = con_tee_stop(NULL);
		ranges[n] = '\0';
		x.efimm_error = ranges;
		return replay_json(&x);
	}
	pfdb_counts(&c);
	snprintf(header, sizeof(header), "Page tables: %s (root 0x%lx)",
		 "efimm's, built from the memory map", (unsigned long)paddr_raw(arch_pt_root()));
	mmboot_ptdump_ranges(arch_pt_root(), arch_pt_levels(), header, &l);
	n = con_tee_stop(NULL);
	ranges[n] = '\0';
	x.frames = &c;
	x.efimm_ranges = ranges;
	return replay_json(&x);
}

/* efimm-replay [--json] SNAPSHOT: 0, or 2 after one line. */
int main(int argc, char **argv)
{
	static struct snapfile f;
	static struct audit_report r;
	const struct con_backend *b = &stdout_con;
	bool json = argc == 3 && strcmp(argv[1], "--json") == 0;
	const char *path = argv[argc - 1];
	char why[SNAPFILE_WHY_MAX + 64] = "";
	uint8_t *buf;
	size_t len = 0;

	if (argc != 2 + json || path[0] == '-') {
		fprintf(stderr, "usage: efimm-replay [--json] SNAPSHOT\n");
		return 2;
	}
	con_set_backends(&b, 1);
	buf = replay_load(path, FILE_MAX, &len, why, sizeof(why));
	if (!buf || snapfile_read(buf, len, &f, why)) {
		fprintf(stderr, "efimm-replay: %s: %s\n", path, why);
		free(buf);
		return 2;
	}
	set_cpu(&f.m);
	audit_run(&f.s, &r);
	if (json) {
		int rc = print_json(path, &f, &r);

		free(buf);
		return rc;
	}
	printf("efimm-replay: %s: %s, %zu table pages, %zu images\n", path, f.m.version,
	       f.s.npt, f.s.nimg);
	print_memmap(&f.s);
	fflush(stdout);
	print_efimm(&f);
	kprintf("== audit\n");
	audit_print(&r);
	fflush(stdout);
	free(buf);
	return 0;
}
