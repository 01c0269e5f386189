/*
 * tests/host/trap_resume_host.h - catching trap_resume on the host.
 */
#ifndef TESTS_HOST_TRAP_RESUME_H
#define TESTS_HOST_TRAP_RESUME_H

#include <setjmp.h>

#include "../../arch/x86_64/trap.h"

/* trap_resume longjmps to jb (abort()s when none is set). */
void trap_host_resume_point(jmp_buf *jb);
/* The frame the last trap_resume was given. */
struct trap_frame *trap_host_resumed(void);

#endif
