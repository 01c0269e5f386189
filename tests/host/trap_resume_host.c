/*
 * tests/host/trap_resume_host.c - host version of trap_resume.S: there
 * is no exception to return from, so it jumps back to the test that
 * called trap_dispatch (trap_host_resume_point) with the frame.
 */
#include <setjmp.h>
#include <stdlib.h>

#include "../../arch/x86_64/trap_pf.h"
#include "trap_resume_host.h"

static jmp_buf *resume_point;
static struct trap_frame *resumed;

void trap_host_resume_point(jmp_buf *jb)
{
	resume_point = jb;
}

struct trap_frame *trap_host_resumed(void)
{
	return resumed;
}

void trap_resume(struct trap_frame *f)
{
	resumed = f;
	if (!resume_point)
		abort();
	longjmp(*resume_point, 1);
}
