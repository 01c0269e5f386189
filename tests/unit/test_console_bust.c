/*
 * tests/unit/test_console_bust.c - lib/console.c's con_bust (a panic's
 * take-over of the console): a CPU that holds the console and never gives
 * it back (stopped by NMI mid-line) does not block the failing CPU, whose
 * report starts on a line of its own; the console then stays the failing
 * CPU's, so another CPU that still runs waits instead of printing.
 */
#include <pthread.h>
#include <string.h>
#include <time.h>

#include "../../lib/console.h"
#include "../../lib/printf.h"
#include "unit.h"

static _Thread_local unsigned int cpu;
static volatile int late_printed;

static unsigned int bust_cpu_id(void)
{
	return cpu;
}

static void bust_relax(void)
{
	sched_yield();
}

/* CPU 2: still running after the stop; its line must never print. */
static void *late_writer(void *arg)
{
	(void)arg;
	cpu = 2;
	kprintf("late line from CPU 2\n");
	late_printed = 1;
	return NULL;
}

START_TEST(bust_takes_a_held_console_for_good)
{
	struct timespec wait = { 0, 50 * 1000 * 1000 };
	pthread_t t;

	con_capture_reset();
	con_set_smp(bust_cpu_id, bust_relax);
	cpu = 1;                        /* CPU 1 stopped mid-line, lock held */
	con_lock();
	con_write("half a li", 9);
	cpu = 0;                        /* CPU 0 fails */
	con_bust();
	kprintf("efimm: FATAL: report\n");
	ck_assert_str_eq(con_capture(), "half a li\nefimm: FATAL: report\n");
	ck_assert_int_eq(pthread_create(&t, NULL, late_writer, NULL), 0);
	nanosleep(&wait, NULL);
	kprintf("efimm: powering off\n");
	ck_assert_int_eq(late_printed, 0);
	ck_assert_ptr_null(strstr(con_capture(), "late line"));
	ck_assert_int_eq(pthread_detach(t), 0);
}
END_TEST

static Suite *console_bust_suite(void)
{
	Suite *s = suite_create("console_bust");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, bust_takes_a_held_console_for_good);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_SUITE(console_bust_suite)
