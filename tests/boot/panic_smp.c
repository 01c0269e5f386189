/*
 * tests/boot/panic_smp.c - the payload of tests/boot/test_panic_smp.py:
 * keeps every CPU busy while efimm itself fails (a run option injects
 * the failure into efimm's write call), so the test can see the other
 * CPUs stopped before the report.
 *
 *   busy  (inject=ap-efimm-fault): CPUs 2.. and main print lines without
 *         end; once each printed BUSY_LINES, CPU 1 makes its first write
 *         call, in which efimm faults.
 *   cli   (ring=0 inject=efimm-panic): every AP turns interrupts off and
 *         spins (only an NMI reaches it); then main writes and efimm
 *         panics in that call, on the boot CPU (so its line never shows).
 */
#include "efimm.h"

#define BUSY_LINES 10   /* lines each printer prints before CPU 1 writes */
#define MAX_CPUS   64

static volatile unsigned long lines[MAX_CPUS];
static int ncpus;

/* One line, one write call (vprintk's), so lines of several CPUs never
 * mix and a line after the report would show whole. */
__attribute__((format(printf, 1, 2))) static void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintk(fmt, ap);
	va_end(ap);
}
static volatile int spinning;

static void chatter(void *arg)
{
	int cpu = (int)(long)arg;

	for (unsigned long n = 0;; n++) {
		say("panic_smp: CPU %d line %lu\n", cpu, n);
		__atomic_fetch_add(&lines[cpu], 1, __ATOMIC_RELAXED);
	}
}

static void write_late(void *arg)
{
	(void)arg;
	for (int c = 0; c < ncpus; c++)
		while (c != 1 && __atomic_load_n(&lines[c], __ATOMIC_RELAXED) < BUSY_LINES)
			__asm__ volatile("pause");
	say("panic_smp: CPU 1 writes (efimm faults in this call)\n");
	for (;;)
		__asm__ volatile("pause");
}

static void cli_spin(void *arg)
{
	(void)arg;
	__asm__ volatile("cli");
	__atomic_fetch_add(&spinning, 1, __ATOMIC_RELEASE);
	for (;;)
		__asm__ volatile("pause");
}

static int busy(int n)
{
	ncpus = n;
	for (int c = 2; c < n; c++)
		efimm_smp_start(c, chatter, (void *)(long)c);
	efimm_smp_start(1, write_late, 0);
	chatter(0);
	return 1;
}

static int cli(int n)
{
	for (int c = 1; c < n; c++)
		efimm_smp_start(c, cli_spin, 0);
	while (__atomic_load_n(&spinning, __ATOMIC_ACQUIRE) < n - 1)
		__asm__ volatile("pause");
	say("panic_smp: %d APs spin with interrupts off; main writes\n", n - 1);
	return 1;
}

int main(int argc, char **argv)
{
	int n = efimm_cpu_count();

	if (n < 2 || n > MAX_CPUS || argc != 2) {
		say("panic_smp: needs 2 to %d CPUs and busy or cli\n", MAX_CPUS);
		return 2;
	}
	if (argv[1][0] == 'b')
		return busy(n);
	return cli(n);
}
