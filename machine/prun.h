/*
 * machine/prun.h - one payload's run, from its loaded image to how it
 * ended, for `run` and for every payload of a suite.
 *
 * prun_run maps the payload (demand paging must be set up), enters it
 * and returns when the payload is over: it exited (efimm_exit, or main
 * returned), it faulted (contained: only when the caller asked, as a
 * suite does; `run` keeps the fatal path that powers off), or it ran
 * over its time limit.  The payload's memory stays mapped for the
 * caller to tear down (mm_payload_teardown).
 *
 * Each payload gets its own address space (mm_payload_space_create) and
 * runs in ring 3, or in ring 0 with ring=0 (its pages then supervisor
 * pages).  A fault is the payload's when it came from ring 3, or from a
 * ring-0 payload's code (RIP outside efimm's text: prun_set_efimm_text);
 * a fault in efimm's code is efimm's and is never contained: it ends the
 * boot with its report.
 */
#ifndef MACHINE_PRUN_H
#define MACHINE_PRUN_H

#include "../arch/x86_64/trap.h"
#include "../payload/sdk/efimm_abi.h"
#include "../pure/elf.h"

/* A payload as loaded while boot services ran. */
struct prun_image {
	const char *path;
	int argc;
	char *const *argv;              /* argv[0] = path */
	const void *file;
	const struct elf_image *img;
	void (*on_mapped)(void *arg);   /* NULL, or called before entering */
	void *arg;
	const struct symtab *syms;      /* its function symbols, or NULL */
	int ring;                       /* 3, or 0 (run option ring=0) */
	int inject;                     /* enum runopt_inject (inject=) */
	bool shootdown_off;             /* shootdown=off (fault injection) */
};

enum prun_end {
	PRUN_EXITED = 1,                /* status is main's / efimm_exit's */
	PRUN_FAULTED,                   /* vector, rip, cr2 */
	PRUN_TIMED_OUT,                 /* rip */
};

struct prun_result {
	enum prun_end end;
	int status;
	uint64_t vector, rip, cr2, error;
	unsigned int cpu;               /* the CPU that faulted or timed out */
};

/* Where efimm's code is (the image's text), to tell its faults from the
 * payload's; once, before the first prun_run. */
void prun_set_efimm_text(uint64_t start, uint64_t end);

/* Whether a payload fault ends prun_run (true: a suite) or goes down the
 * fatal path and powers off (false, the default: `run`). */
void prun_contain_faults(bool on);

/*
 * Maps p, enters it with interrupts on and fills *r when it is over
 * (see above); timeout_s 0 means no limit.  Returns 0, or -ENOMEM when
 * its image or stack could not be mapped, -EFAULT when its arguments
 * could not be copied onto its stack (nothing entered either way; what
 * was mapped is left for the teardown).
 */
int prun_run(const struct prun_image *p, uint32_t timeout_s, struct prun_result *r);

/* True while a payload started by prun_run runs (its calls into efimm
 * included). */
bool prun_active(void);

/* Ends the running payload with status: prun_run returns PRUN_EXITED.
 * Precondition: prun_active(). */
__attribute__((noreturn)) void prun_exit(int status);

/* The payload ran over its limit (called by the timer with the frame it
 * interrupted, interrupts off, EOI sent): prun_run returns
 * PRUN_TIMED_OUT.  Precondition: prun_active(). */
__attribute__((noreturn)) void prun_timed_out(const struct trap_frame *f);

/*
 * An AP's function failed (its fault, already reported and recorded in
 * the result): asks the boot CPU to end the payload with end (the first
 * request wins).  Returns; the caller goes back to its idle loop.
 */
void prun_kill(enum prun_end end, const struct trap_frame *f);

/* On the boot CPU, at a point where the payload may end (f: the frame
 * of the system call or interrupt that got here): ends it if an AP asked
 * to.  Returns otherwise. */
void prun_check_kill(const struct trap_frame *f);

/* True if f interrupted the running payload's own code (the one rule
 * for contained faults, timeouts and exit statuses). */
bool prun_frame_is_payloads(const struct trap_frame *f);

/* K_MEM_PERM_USER while a ring-3 payload runs, else 0: what its
 * k_mem_map regions get. */
uint32_t prun_user_flags(void);

/* The EFIMM_SYS_INFO record's ring, features and efimm addresses. */
void prun_info(struct efimm_info *i);

/* The inject= run option's deliberate fault, once, at the write call
 * whose buffer (checked) is s. */
void prun_inject_fault(const void *s);

/* "#PF page fault at RIP 0x...": one line on how r ended, for reports. */
void prun_describe(const struct prun_result *r, char *buf, size_t size);

#endif
