/*
 * arch/x86_64/backtrace.c - the frame-pointer walker (backtrace.h).
 */
#include "../../lib/printf.h"
#include "backtrace.h"

/* One frame record: what [rbp] and [rbp+8] hold. */
struct frame_record {
	uint64_t rbp;
	uint64_t ret;
};

/*
 * One step up the chain from the frame at *rbp: appends its return
 * address and moves *rbp to the caller's frame.  Returns NULL, or why
 * the walk ends at *rbp.
 */
static const char *walk_step(uint64_t *rbp, backtrace_read_fn read,
			     struct backtrace *bt)
{
	struct frame_record fr;

	if (*rbp == 0)
		return "end of the frame chain (RBP 0)";
	if (*rbp & 7)
		return "misaligned frame pointer";
	if (bt->n == BACKTRACE_MAX_DEPTH)
		return "depth limit";
	if (read(&fr, (const void *)(uintptr_t)*rbp, sizeof(fr)))
		return "unreadable frame";
	if (fr.ret == 0)
		return "zero return address";
	bt->pc[bt->n++] = fr.ret;
	/* a caller's frame lies above its callee's: anything else is a
	 * corrupt chain, and could be a loop */
	if (fr.rbp != 0 && fr.rbp <= *rbp) {
		*rbp = fr.rbp;
		return "frame pointer does not grow";
	}
	*rbp = fr.rbp;
	return NULL;
}

void backtrace_walk(uint64_t rip, uint64_t rbp, backtrace_read_fn read,
		    struct backtrace *bt)
{
	bt->pc[0] = rip;
	bt->n = 1;
	do
		bt->end = walk_step(&rbp, read, bt);
	while (!bt->end);
	bt->end_rbp = rbp;
}

/* One frame's line: its symbol when sym knows it. */
static void print_frame(size_t i, uint64_t pc, backtrace_sym_fn sym)
{
	uint64_t back = i > 0 && pc > 0, off = 0;
	const char *module = NULL;
	const char *name = sym ? sym(pc - back, &off, &module) : NULL;

	if (name)
		kprintf("efimm:   #%lu 0x%016lx %s+0x%lx (%s)\n", (unsigned long)i,
			(unsigned long)pc, name, (unsigned long)(off + back),
			module ? module : "?");
	else
		kprintf("efimm:   #%lu 0x%016lx ?\n", (unsigned long)i,
			(unsigned long)pc);
}

void backtrace_print(uint64_t rip, uint64_t rbp, backtrace_read_fn read,
		     backtrace_sym_fn sym)
{
	struct backtrace bt;

	backtrace_walk(rip, rbp, read, &bt);
	kprintf("efimm: backtrace:\n");
	for (size_t i = 0; i < bt.n; i++)
		print_frame(i, bt.pc[i], sym);
	kprintf("efimm: backtrace ends: %s (RBP 0x%lx)\n", bt.end,
		(unsigned long)bt.end_rbp);
}
