/*
 * payload/deep.c - a call chain for debuggers and fault reports:
 * main -> level1 -> level2 -> level3, each printing a line.  level3 then
 * writes through NULL (a page fault: efimm reports it and powers off
 * with 142) unless an argument is "nofault"; then main returns 0.
 *
 *   run efimm/payloads/deep.elf nofault     break level2 in gdb, bt
 *   run efimm/payloads/deep.elf             a fault report naming level3
 *
 * The levels are noipa (never inlined, cloned or renamed, so gdb's
 * `break level2` and a symbolized report find them under their own
 * names) and global (in any symbol table a tool reads), and each does
 * work after its call so that no call becomes a tail jump that would
 * drop its caller from a backtrace.
 */
#include "efimm.h"

#define DEEP_FN __attribute__((noipa))

/* Returns depth; with fault set, writes through NULL first (never
 * returns from a correct efimm). */
DEEP_FN int level3(int depth, int fault)
{
	volatile int *p = NULL;

	printk("deep: level3 (depth %d)%s\n", depth,
	       fault ? ": writing through NULL" : "");
	if (fault) {
		EFIMM_LAUNDER(p);
		*p = depth;
		printk("deep: FAILED: wrote through NULL without a fault\n");
		return -1;
	}
	return depth;
}

/* Returns level3's depth; depth is this level's (2). */
DEEP_FN int level2(int depth, int fault)
{
	int r;

	printk("deep: level2 (depth %d)\n", depth);
	r = level3(depth + 1, fault);
	printk("deep: level2 back from level3 (%d)\n", r);
	return r;
}

/* Returns level3's depth; depth is this level's (1). */
DEEP_FN int level1(int depth, int fault)
{
	int r;

	printk("deep: level1 (depth %d)\n", depth);
	r = level2(depth + 1, fault);
	printk("deep: level1 back from level2 (%d)\n", r);
	return r;
}

/* Returns 0 when the chain came back with depth 3 (only with
 * "nofault"), 1 otherwise. */
int main(int argc, char **argv)
{
	int fault = 1;

	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "nofault") == 0)
			fault = 0;
	printk("deep: main (%s)\n", fault ? "will fault in level3" : "nofault");
	return level1(1, fault) == 3 ? 0 : 1;
}
