/*
 * payload/hello.c - prints its arguments, one per line, and exits.
 *
 *   run hello.elf a b exit=3    prints argv[0..3], exits with status 3
 *
 * The exit status is the value N of an argument "exit=N" (decimal,
 * optionally negative; the last such argument wins); without one it is 0.
 * A malformed "exit=" value is reported and gives status 2.  Plain
 * numeric arguments are only printed.
 */
#include "efimm.h"

/* Returns 0 and *status from an "exit=N" argument, 1 if arg is not one,
 * -EINVAL if N is not a number. */
static int parse_exit_arg(const char *arg, long *status)
{
	if (strncmp(arg, "exit=", 5) != 0)
		return 1;
	return efimm_parse_int(arg + 5, status);
}

int main(int argc, char **argv)
{
	long status = 0;

	for (int i = 0; i < argc; i++) {
		int r = parse_exit_arg(argv[i], &status);

		printk("argv[%d] = %s\n", i, argv[i]);
		if (r < 0) {
			printk("hello: bad exit status in \"%s\"\n", argv[i]);
			return 2;
		}
	}
	return (int)status;
}
