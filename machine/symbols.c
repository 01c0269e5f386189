/*
 * machine/symbols.c - efimm's and the payload's symbols for backtraces
 * (symbols.h).  Single CPU: the payload's table changes only between
 * payloads.
 */
#include "smp.h"
#include "symbols.h"

#include "timeout.h"

#include "../arch/x86_64/backtrace.h"
#include "../lib/errno.h"
#include "../lib/kstring.h"
#include "../lib/printf.h"
#include "../mm/mm_lock.h"

static struct symtab efimm_tab;
static struct symtab payload_tab;
static const char *payload_path;
/* Each CPU's system call being served (its payload function's on an AP). */
static const struct trap_frame *syscall_frame[PERCPU_MAX_CPUS];

void symbols_set_base(uint64_t base)
{
	efimm_tab = efimm_ksyms;
	efimm_tab.base = base;
}

/* The file name of an ESP path ("\efimm\payloads\x.elf" -> "x.elf"). */
static const char *file_name(const char *path)
{
	const char *name = path;

	for (const char *c = path; *c; c++)
		if (*c == '\\' || *c == '/')
			name = c + 1;
	return name;
}

void symbols_set_payload(const struct symtab *t, const char *path)
{
	payload_tab = t ? *t : (struct symtab){ 0 };
	payload_tab.base = 0;
	payload_path = path;
	payload_tab.module = path ? file_name(path) : NULL;
}

const char *symbols_lookup(uint64_t pc, uint64_t *off, const char **module)
{
	const char *name = symtab_lookup(&efimm_tab, pc, off);

	*module = efimm_tab.module;
	if (name)
		return name;
	*module = payload_tab.module;
	return payload_path ? symtab_lookup(&payload_tab, pc, off) : NULL;
}

/* "\\efimm\\payloads\\x.elf" -> "efimm/payloads/x.elf" in buf (cut at
 * size - 1 bytes). */
static const char *esp_relative(const char *path, char *buf, size_t size)
{
	size_t n = 0;

	for (const char *c = path + (*path == '\\'); *c && n + 1 < size; c++)
		buf[n++] = *c == '\\' ? '/' : *c;
	buf[n] = '\0';
	return buf;
}

void symbols_print_gdb(void)
{
	char path[256];

	kprintf("efimm: gdb: add-symbol-file build/efimm.so -o 0x%lx\n",
		(unsigned long)efimm_tab.base);
	if (!payload_path)
		return;
	kprintf("efimm: gdb: add-symbol-file %s -o 0\n",
		esp_relative(payload_path, path, sizeof(path)));
}

/*
 * A report's reader of stack frames: efimm's own stacks directly (they
 * are always mapped), a payload's memory through timeout_read_resident;
 * anything else is refused.  Never faults.
 */
static int read_frames(void *dst, const void *src, size_t len)
{
	if (symbols_in_efimm_stack((uint64_t)(uintptr_t)src, len)) {
		memcpy(dst, src, len);
		return 0;
	}
	/* a fault inside mm: its lock is held, and the payload reader
	 * would take it again */
	if (mm_lock_is_held())
		return -EFAULT;
	return timeout_read_resident(dst, src, len);
}

void symbols_set_syscall_frame(const struct trap_frame *f)
{
	syscall_frame[smp_cpu_id()] = f;
}

void symbols_report_backtrace(const struct trap_frame *f)
{
	const struct trap_frame *sys = syscall_frame[smp_cpu_id()];

	backtrace_print(f->rip, f->rbp, read_frames, symbols_lookup);
	if (sys && sys != f) {
		kprintf("efimm: during the payload's system call %lu, from:\n",
			(unsigned long)sys->rax);
		backtrace_print(sys->rip, sys->rbp, read_frames, symbols_lookup);
	}
	symbols_print_gdb();
}
