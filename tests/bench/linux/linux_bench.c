/*
 * tests/bench/linux/linux_bench.c - the operations of payload/paging_bench.c
 * measured under Linux, for the comparison in tools/bench_linux.py.  It is
 * /init of an initramfs: it sets up its own swap and memory limit, prints
 * its figures on the console and powers the machine off.
 *
 * Under QEMU -icount shift=0,sleep=off the TSC counts instructions, so the
 * figures are instructions, as in efimm's benchmarks, and each is also set
 * against the same yardstick: one 4 KiB copy with rep movsb.  The kernel
 * runs with nokaslr norandmaps, so the figures repeat from boot to boot
 * (to within 0.1%).
 *
 * Set-up, mirroring efimm's `run paging_bench.elf mem=2M swap=8M`:
 *   swap    a RAM disk (brd, /dev/ram0, loaded from the kernel package's
 *           brd.ko) with a swap header written here: a RAM backing store
 *           like efimm's, where a page-out is a copy; page-cluster 0, so
 *           a swap-in reads one page as efimm's does
 *   memory  a cgroup v2 group with memory.max = LIMIT_KIB that this
 *           process joins: reclaim happens in the faulting task (memcg
 *           direct reclaim), as efimm evicts inside its fault handler
 *
 * Figures (one line each, "linux_bench: ..."):
 *   copy-4k, copy-4k-movsq   the yardstick, and the same copy as rep movsq
 *   map, unmap               mmap of MAP_PAGES pages (MAP_PRIVATE |
 *                            MAP_ANONYMOUS, not populated) and munmap of
 *                            them once all were touched, per page, median
 *                            of MAP_ROUNDS rounds
 *   zero-fill, page-in-dirty, page-in-clean
 *                            as paging_bench.c: every faulting access of a
 *                            pass over an arena twice the memory limit,
 *                            timed; median and mean, and the pages the
 *                            pass swapped in and out (/proc/vmstat)
 *   call getpid, call mmap-4k, call munmap-4k,
 *   call mmap-4k-kept, call munmap-4k-kept
 *                            one system call each, timed alone, CALLS
 *                            times: getpid through an inline `syscall`
 *                            (glibc's getpid() may answer from a cache),
 *                            mmap of one page (MAP_PRIVATE |
 *                            MAP_ANONYMOUS, not touched) and the munmap
 *                            of it, alone and (-kept) beside a touched
 *                            page that stays mapped, as efimm's payload
 *                            does it; median and mean per call, "call
 *                            NAME median N cycles, mean M cycles, K
 *                            calls" as efimm's payload/syscall_bench.c
 *                            prints them (tools/bench_syscall.py);
 *                            measured last (run first, their slab and
 *                            VMA churn moved the eviction means by 1%),
 *                            once the arena is unmapped
 *   timer                    an empty timed interval, for reference:
 *                            every figure includes it once
 *   cpu-bug NAME: TEXT       /sys/devices/system/cpu/vulnerabilities/NAME
 *                            for meltdown and spectre_v2: whether entries
 *                            pay for page-table isolation or retpolines
 * Linux reclaims in batches (up to 32 pages when a charge fails), so a few
 * faults carry the eviction work of many: the mean says what a fault costs
 * on average, the median what most of them cost.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/swap.h>
#include <sys/syscall.h>
#include <unistd.h>

#define PAGE 4096UL
#define MAP_PAGES 256
#define MAP_ROUNDS 5
#define ZERO_PAGES 64
#define LIMIT_KIB 4096UL
#define SWAP_KIB 32768UL
#define MAX_SAMPLES 16384
#define BRD_KO "/brd.ko"
#define CALLS 1000

static uint64_t samples[MAX_SAMPLES];
static uint8_t copy_src[PAGE] __attribute__((aligned(4096)));
static uint8_t copy_dst[PAGE] __attribute__((aligned(4096)));

static inline uint64_t tsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

/* Prints one line and powers off: the host script reads the line. */
static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	printf("linux_bench: FAIL: ");
	vprintf(fmt, ap);
	printf("\n");
	va_end(ap);
	fflush(stdout);
	reboot(RB_POWER_OFF);
	exit(1);
}

static void write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY);

	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		die("cannot write '%s' to %s: %m", text, path);
	close(fd);
}

/* Cycles of one 4 KiB copy, the smallest of 16; movsq: 512 rep movsq
 * steps instead of 4096 rep movsb steps. */
static uint64_t copy_4k(int movsq)
{
	uint64_t best = ~0ULL;

	for (int i = 0; i < 16; i++) {
		void *d = copy_dst;
		const void *s = copy_src;
		size_t n = movsq ? PAGE / 8 : PAGE;
		uint64_t t0 = tsc();

		if (movsq)
			__asm__ volatile("rep movsq" : "+D"(d), "+S"(s), "+c"(n) : : "memory");
		else
			__asm__ volatile("rep movsb" : "+D"(d), "+S"(s), "+c"(n) : : "memory");
		t0 = tsc() - t0;
		best = t0 < best ? t0 : best;
	}
	return best;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static uint64_t median(size_t n)
{
	qsort(samples, n, sizeof(samples[0]), cmp_u64);
	return n ? samples[n / 2] : 0;
}

static uint64_t faults(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (uint64_t)ru.ru_minflt + (uint64_t)ru.ru_majflt;
}

/* The value of one counter of /proc/vmstat. */
static uint64_t vmstat(const char *name)
{
	char line[128];
	size_t len = strlen(name);
	uint64_t v = 0;
	FILE *f = fopen("/proc/vmstat", "r");

	if (!f)
		die("no /proc/vmstat: %m");
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, name, len) && line[len] == ' ')
			v = strtoull(line + len + 1, NULL, 10);
	fclose(f);
	return v;
}

static void mounts(void)
{
	mkdir("/proc", 0755);
	mkdir("/sys", 0755);
	mkdir("/cg", 0755);
	if (mount("proc", "/proc", "proc", 0, NULL) ||
	    mount("sysfs", "/sys", "sysfs", 0, NULL) ||
	    mount("cgroup2", "/cg", "cgroup2", 0, NULL))
		die("mount: %m");
}

/* The kernel gives /init the console only if the initramfs has
 * /dev/console; this one gets it from devtmpfs. */
static void console(void)
{
	int fd;

	mkdir("/dev", 0755);
	if (mount("devtmpfs", "/dev", "devtmpfs", 0, NULL))
		reboot(RB_POWER_OFF);
	fd = open("/dev/console", O_RDWR);
	if (fd < 0)
		reboot(RB_POWER_OFF);
	dup2(fd, 0);
	dup2(fd, 1);
	dup2(fd, 2);
	if (fd > 2)
		close(fd);
}

/* brd as /dev/ram0, a version-1 swap header on it, swapon. */
static void swap_setup(void)
{
	char params[64];
	static uint8_t hdr[PAGE];
	uint32_t info[3] = { 1, SWAP_KIB / 4 - 1, 0 };  /* version, last page, bad */
	int fd = open(BRD_KO, O_RDONLY);

	snprintf(params, sizeof(params), "rd_nr=1 rd_size=%lu max_part=0", SWAP_KIB);
	if (fd < 0 || syscall(SYS_finit_module, fd, params, 0))
		die("cannot load %s: %m", BRD_KO);
	close(fd);
	memcpy(hdr + 1024, info, sizeof(info));
	memcpy(hdr + PAGE - 10, "SWAPSPACE2", 10);
	fd = open("/dev/ram0", O_WRONLY);
	if (fd < 0 || pwrite(fd, hdr, PAGE, 0) != (ssize_t)PAGE)
		die("cannot write the swap header on /dev/ram0: %m");
	fsync(fd);
	close(fd);
	if (swapon("/dev/ram0", 0))
		die("swapon /dev/ram0: %m");
	write_file("/proc/sys/vm/page-cluster", "0");
}

/* A cgroup limited to LIMIT_KIB that this process joins. */
static void cgroup_setup(void)
{
	char text[32];

	write_file("/cg/cgroup.subtree_control", "+memory");
	if (mkdir("/cg/bench", 0755))
		die("mkdir /cg/bench: %m");
	snprintf(text, sizeof(text), "%lu", LIMIT_KIB * 1024);
	write_file("/cg/bench/memory.max", text);
	snprintf(text, sizeof(text), "%d", getpid());
	write_file("/cg/bench/cgroup.procs", text);
}

static void map_round(uint64_t *map, uint64_t *unmap)
{
	uint64_t t0 = tsc();
	volatile uint8_t *p = mmap(NULL, MAP_PAGES * PAGE, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	*map = (tsc() - t0) / MAP_PAGES;
	if (p == MAP_FAILED)
		die("mmap of %d pages: %m", MAP_PAGES);
	for (size_t i = 0; i < MAP_PAGES; i++)
		p[i * PAGE] = 1;
	t0 = tsc();
	if (munmap((void *)p, MAP_PAGES * PAGE))
		die("munmap: %m");
	*unmap = (tsc() - t0) / MAP_PAGES;
}

static void bench_map_unmap(void)
{
	uint64_t map[MAP_ROUNDS], unmap[MAP_ROUNDS];
	uint64_t out0 = vmstat("pswpout");

	for (int r = 0; r < MAP_ROUNDS; r++)
		map_round(&map[r], &unmap[r]);
	memcpy(samples, map, sizeof(map));
	printf("linux_bench: map %lu cycles per page, %d pages, %lu evictions\n",
	       (unsigned long)median(MAP_ROUNDS), MAP_PAGES,
	       (unsigned long)(vmstat("pswpout") - out0));
	memcpy(samples, unmap, sizeof(unmap));
	printf("linux_bench: unmap %lu cycles per page, %d pages, %lu evictions\n",
	       (unsigned long)median(MAP_ROUNDS), MAP_PAGES,
	       (unsigned long)(vmstat("pswpout") - out0));
}

/* One pass over pages [from, to): times every access that faulted;
 * *sum gets the total of those times. */
static size_t pass(volatile uint8_t *p, size_t from, size_t to, int write,
		   uint64_t *sum)
{
	size_t n = 0;

	*sum = 0;
	for (size_t i = from; i < to; i++) {
		uint64_t f0 = faults(), t0 = tsc();

		if (write)
			p[i * PAGE] = (uint8_t)i;
		else
			(void)p[i * PAGE];
		t0 = tsc() - t0;
		if (faults() != f0 && n < MAX_SAMPLES) {
			samples[n++] = t0;
			*sum += t0;
		}
	}
	return n;
}

static void timed_pass(const char *name, volatile uint8_t *p, size_t from,
		       size_t to, int write)
{
	uint64_t in0 = vmstat("pswpin"), out0 = vmstat("pswpout"), sum;
	size_t n = pass(p, from, to, write, &sum);

	printf("linux_bench: %s median %lu cycles, mean %lu cycles, %zu faults, "
	       "%lu pages swapped in, %lu pages swapped out\n", name,
	       (unsigned long)median(n), (unsigned long)(n ? sum / n : 0), n,
	       (unsigned long)(vmstat("pswpin") - in0),
	       (unsigned long)(vmstat("pswpout") - out0));
}

static void bench_faults(void)
{
	size_t n = 2 * LIMIT_KIB * 1024 / PAGE;
	volatile uint8_t *p = mmap(NULL, n * PAGE, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint64_t sum;

	if (p == MAP_FAILED)
		die("mmap of the %zu-page arena: %m", n);
	timed_pass("zero-fill", p, 0, ZERO_PAGES, 1);
	pass(p, ZERO_PAGES, n, 1, &sum);
	timed_pass("page-in-dirty", p, 0, n, 1);
	pass(p, 0, n, 0, &sum);
	timed_pass("page-in-clean", p, 0, n, 0);
	/* gone before bench_calls: a one-page mmap next to it would merge
	 * into its VMA, and the munmap would split it again */
	if (munmap((void *)p, n * PAGE))
		die("munmap of the arena: %m");
}

/* getpid as the bare instruction: glibc's getpid() is a plain system call
 * today, but an inline `syscall` cannot be answered from a cache. */
static long sys_getpid(void)
{
	long ret;

	__asm__ volatile("syscall" : "=a"(ret) : "0"((long)SYS_getpid)
			 : "rcx", "r11", "memory");
	return ret;
}

/* Prints the median and mean of samples[0..n) as one "call" line. */
static void report_calls(const char *name, size_t n)
{
	uint64_t sum = 0;

	for (size_t i = 0; i < n; i++)
		sum += samples[i];
	printf("linux_bench: call %s median %lu cycles, mean %lu cycles, %zu calls\n",
	       name, (unsigned long)median(n), (unsigned long)(sum / n), n);
}

/* CALLS getpid round trips, each timed alone. */
static void bench_getpid(void)
{
	for (size_t i = 0; i < CALLS; i++) {
		uint64_t t0 = tsc();

		if (sys_getpid() <= 0)
			die("getpid through syscall failed");
		samples[i] = tsc() - t0;
	}
	report_calls("getpid", CALLS);
}

/* CALLS mmap of one untouched page and its munmap, each call timed
 * alone, reported as "call NAME" and "call UNMAP_NAME"; with near, each
 * page must share near's last-level page table (the same 2 MiB).  The
 * munmap times go to the upper half of samples[]. */
static void bench_mmap_4k(const char *name, const char *unmap_name,
			  const void *near)
{
	uint64_t *unmap = samples + MAX_SAMPLES / 2;

	for (size_t i = 0; i < CALLS; i++) {
		uint64_t t0 = tsc();
		void *p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		int rc;

		samples[i] = tsc() - t0;
		if (p == MAP_FAILED)
			die("mmap of one page: %m");
		if (near && ((uintptr_t)p ^ (uintptr_t)near) >> 21)
			die("mmap of one page at %p, not beside %p", p, near);
		t0 = tsc();
		rc = munmap(p, PAGE);
		unmap[i] = tsc() - t0;
		if (rc)
			die("munmap of one page: %m");
	}
	report_calls(name, CALLS);
	memcpy(samples, unmap, CALLS * sizeof(samples[0]));
	report_calls(unmap_name, CALLS);
}

/* bench_mmap_4k beside a touched page that stays mapped, as efimm's
 * "kept" figures: two pages, the lower one PROT_NONE (efimm's guard page;
 * it also keeps the timed mappings, placed just below, from merging into
 * this one's VMA), the upper one touched, so its page tables stay. */
static void bench_mmap_4k_kept(void)
{
	uint8_t *keep = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (keep == MAP_FAILED || mprotect(keep, PAGE, PROT_NONE))
		die("the kept page: %m");
	keep[PAGE] = 1;
	bench_mmap_4k("mmap-4k-kept", "munmap-4k-kept", keep + PAGE);
	munmap(keep, 2 * PAGE);
}

/* The cost of timing nothing, the smallest of CALLS. */
static uint64_t timer_cost(void)
{
	uint64_t best = ~0ULL;

	for (size_t i = 0; i < CALLS; i++) {
		uint64_t t0 = tsc();

		t0 = tsc() - t0;
		best = t0 < best ? t0 : best;
	}
	return best;
}

/* One line of /sys/devices/system/cpu/vulnerabilities/NAME. */
static void cpu_bug(const char *name)
{
	char path[96], line[256] = "unknown\n";
	FILE *f;

	snprintf(path, sizeof(path), "/sys/devices/system/cpu/vulnerabilities/%s", name);
	f = fopen(path, "r");
	if (f) {
		if (!fgets(line, sizeof(line), f))
			strcpy(line, "unknown\n");
		fclose(f);
	}
	printf("linux_bench: cpu-bug %s: %s", name, line);
}

/* The "call" figures, with what they depend on: the kernel's mitigations
 * and the cost of the timing itself. */
static void bench_calls(void)
{
	cpu_bug("meltdown");
	cpu_bug("spectre_v2");
	printf("linux_bench: timer %lu cycles\n", (unsigned long)timer_cost());
	bench_getpid();
	bench_mmap_4k("mmap-4k", "munmap-4k", NULL);
	bench_mmap_4k_kept();
}

int main(void)
{
	console();
	setvbuf(stdout, NULL, _IOLBF, 0);
	mounts();
	swap_setup();
	cgroup_setup();
	printf("linux_bench: copy-4k %lu cycles\n", (unsigned long)copy_4k(0));
	printf("linux_bench: copy-4k-movsq %lu cycles\n", (unsigned long)copy_4k(1));
	bench_map_unmap();
	bench_faults();
	bench_calls();
	printf("linux_bench: copy-4k %lu cycles\n", (unsigned long)copy_4k(0));
	printf("linux_bench: done\n");
	fflush(stdout);
	sync();
	reboot(RB_POWER_OFF);
	return 0;
}
