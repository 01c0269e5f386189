/*
 * tests/suites/ring3/privileged.c - from ring 3, every privileged
 * instruction raises #GP (vector 13; syscall, which efimm leaves off,
 * #UD), and so do a far jump and a segment load to ring 0's selectors;
 * every touch of efimm's memory
 * raises #PF (vector 14) at exactly the address touched: reading and
 * writing efimm's data and code, running its code, reading and writing
 * the payload's own top-level page table.  Each is caught by
 * efimm_test_expect_fault, and afterwards the system calls still work.
 * Ring 3 only: under ring=0 these instructions are allowed.
 *
 * With the argument `wrmsr` it instead executes wrmsr outside any
 * expected fault (tests/boot/test_ring3.py: the report of a privileged
 * instruction under `run`); with `ac-write` it makes one write call with
 * RFLAGS.AC set (run with inject=smap: SMAP must still catch efimm).
 *
 * The writes are plain stores of 0 (a locked read-modify-write would
 * fault on its read under QEMU, error code "read"); the page-table write
 * aims at an entry no mapping uses, so that only a write to efimm's data
 * could do harm if a protection were missing.
 */
#include "efimm.h"

/* One privileged instruction: its name (the comment line), a function
 * that executes it and the vector it must raise. */
struct insn_case {
	const char *name;
	void (*run)(void *arg);
	int vector;
};

/* A 10-byte descriptor-table register image for lgdt/lidt; its content
 * never matters, the instruction faults before using it. */
static uint8_t dtr[10];

static void do_cli(void *arg)
{
	(void)arg;
	__asm__ volatile("cli");
}

static void do_sti(void *arg)
{
	(void)arg;
	__asm__ volatile("sti");
}

static void do_hlt(void *arg)
{
	(void)arg;
	__asm__ volatile("hlt");
}

static void do_mov_to_cr3(void *arg)
{
	(void)arg;
	__asm__ volatile("xor %%eax, %%eax; mov %%rax, %%cr3" ::: "rax", "memory");
}

static void do_mov_from_cr3(void *arg)
{
	(void)arg;
	__asm__ volatile("mov %%cr3, %%rax" ::: "rax");
}

static void do_mov_to_cr0(void *arg)
{
	(void)arg;
	__asm__ volatile("xor %%eax, %%eax; mov %%rax, %%cr0" ::: "rax", "memory");
}

static void do_mov_to_cr4(void *arg)
{
	(void)arg;
	__asm__ volatile("xor %%eax, %%eax; mov %%rax, %%cr4" ::: "rax", "memory");
}

/* wrmsr of IA32_LSTAR (0xc0000082) with 0: fatal if it were allowed. */
static void do_wrmsr(void *arg)
{
	(void)arg;
	__asm__ volatile("wrmsr" :: "c"(0xc0000082u), "a"(0), "d"(0) : "memory");
}

static void do_rdmsr(void *arg)
{
	(void)arg;
	__asm__ volatile("rdmsr" :: "c"(0xc0000082u) : "rax", "rdx");
}

static void do_in(void *arg)
{
	(void)arg;
	__asm__ volatile("inb $0x80, %%al" ::: "rax");
}

static void do_out(void *arg)
{
	(void)arg;
	__asm__ volatile("outb %%al, $0x80" :: "a"(0));
}

static void do_lgdt(void *arg)
{
	(void)arg;
	__asm__ volatile("lgdt %0" :: "m"(dtr) : "memory");
}

static void do_lidt(void *arg)
{
	(void)arg;
	__asm__ volatile("lidt %0" :: "m"(dtr) : "memory");
}

static void do_ltr(void *arg)
{
	(void)arg;
	__asm__ volatile("ltr %w0" :: "r"(0x28) : "memory");
}

static void do_invlpg(void *arg)
{
	__asm__ volatile("invlpg (%0)" :: "r"(arg) : "memory");
}

static void do_wbinvd(void *arg)
{
	(void)arg;
	__asm__ volatile("wbinvd" ::: "memory");
}

static void do_clts(void *arg)
{
	(void)arg;
	__asm__ volatile("clts");
}

static void do_invd(void *arg)
{
	(void)arg;
	__asm__ volatile("invd" ::: "memory");
}

static void do_swapgs(void *arg)
{
	(void)arg;
	__asm__ volatile("swapgs" ::: "memory");
}

static void do_lmsw(void *arg)
{
	(void)arg;
	__asm__ volatile("lmsw %w0" :: "r"(1) : "memory");
}

static void do_lldt(void *arg)
{
	(void)arg;
	__asm__ volatile("lldt %w0" :: "r"(0) : "memory");
}

static void do_mov_to_dr7(void *arg)
{
	(void)arg;
	__asm__ volatile("mov %0, %%dr7" :: "r"(0ul));
}

/* Loading DS with efimm's data selector (0x10, DPL 0). */
static void do_load_kernel_ds(void *arg)
{
	(void)arg;
	__asm__ volatile("mov %0, %%ds" :: "r"(0x10) : "memory");
}

/* A far jump to efimm's code selector (0x08, DPL 0): #GP(0x08).  Not
 * iretq or lretq: QEMU 7.2's TCG pops their frame with supervisor
 * accesses, which SMAP turns into a #PF on the user stack first.  The
 * far pointer is m16:32 (AMD has no m16:64); were the jump allowed, it
 * would go to ring 0 at a cut address, and efimm would report that. */
static void do_ljmp_to_ring0(void *arg)
{
	static struct __attribute__((packed)) {
		uint32_t offset;
		uint16_t selector;
	} far = { 0x1000, 0x08 };

	(void)arg;
	__asm__ volatile("ljmpl *%0" :: "m"(far) : "memory");
}

/* popfq cannot raise IOPL at CPL 3 (it keeps the old value), so the
 * cli after it still faults. */
static void do_popf_iopl_then_cli(void *arg)
{
	(void)arg;
	__asm__ volatile("pushfq; orq $0x3000, (%%rsp); popfq; cli" ::: "memory", "cc");
}

/* syscall: efimm's calls go through int 0x80, so EFER.SCE must be off
 * (#UD); with it on, the CPU would jump to whatever LSTAR holds in ring 0. */
static void do_syscall(void *arg)
{
	(void)arg;
	__asm__ volatile("syscall" ::: "rcx", "r11", "memory");
}

/* A software interrupt to the page-fault vector: its gate is for the CPU
 * only (DPL 0), so ring 3 gets #GP, never a forged page fault. */
static void do_int14(void *arg)
{
	(void)arg;
	__asm__ volatile("int $14" ::: "memory");
}

static const struct insn_case insns[] = {
	{ "cli", do_cli, 13 },
	{ "sti", do_sti, 13 },
	{ "hlt", do_hlt, 13 },
	{ "mov to CR3", do_mov_to_cr3, 13 },
	{ "mov from CR3", do_mov_from_cr3, 13 },
	{ "mov to CR0", do_mov_to_cr0, 13 },
	{ "mov to CR4", do_mov_to_cr4, 13 },
	{ "mov to DR7", do_mov_to_dr7, 13 },
	{ "wrmsr", do_wrmsr, 13 },
	{ "rdmsr", do_rdmsr, 13 },
	{ "in", do_in, 13 },
	{ "out", do_out, 13 },
	{ "lgdt", do_lgdt, 13 },
	{ "lidt", do_lidt, 13 },
	{ "lldt", do_lldt, 13 },
	{ "ltr", do_ltr, 13 },
	{ "lmsw", do_lmsw, 13 },
	{ "invlpg", do_invlpg, 13 },
	{ "wbinvd", do_wbinvd, 13 },
	{ "invd", do_invd, 13 },
	{ "clts", do_clts, 13 },
	{ "swapgs", do_swapgs, 13 },
	{ "mov to DS of efimm's data selector", do_load_kernel_ds, 13 },
	{ "far jmp to efimm's code selector", do_ljmp_to_ring0, 13 },
	{ "cli after popfq asked for IOPL 3", do_popf_iopl_then_cli, 13 },
	{ "int $14", do_int14, 13 },
	{ "syscall", do_syscall, 6 },
};

#define N_INSNS (sizeof(insns) / sizeof(insns[0]))

/* Reads the byte at arg. */
static void read_at(void *arg)
{
	volatile const uint8_t *p = arg;

	(void)*p;
}

/* Stores 0 to the quadword at arg. */
static void write_at(void *arg)
{
	__asm__ volatile("movq $0, (%0)" :: "r"(arg) : "memory");
}

/* Calls the code at arg. */
static void exec_at(void *arg)
{
	void (*fn)(void) = (void (*)(void))arg;

	EFIMM_LAUNDER(fn);
	fn();
}

/* One point per privileged instruction (efimm_test_expect_fault's, a
 * comment line before it names the instruction): each raises #GP, or
 * #UD for syscall. */
static void privileged_insns(void)
{
	for (size_t i = 0; i < N_INSNS; i++) {
		printk("privileged: %s from ring 3 must raise vector %d\n",
		       insns[i].name, insns[i].vector);
		efimm_test_expect_fault(insns[i].vector, NULL, insns[i].run,
					(void *)EFIMM_PAYLOAD_BASE);
	}
}

/* One point per touch of efimm's memory (as above): each raises #PF at
 * its address.  The page-table write aims at entry 255, a slot of the
 * lower half no mapping uses (the k_mem_map area ends at entry 224). */
static void efimm_memory(const struct efimm_info *info)
{
	struct {
		const char *what;
		void (*fn)(void *);
		uint64_t addr;
	} touches[] = {
		{ "reading efimm's data", read_at, info->efimm_data },
		{ "writing efimm's data", write_at, info->efimm_data & ~7ull },
		{ "reading efimm's code", read_at, info->efimm_text },
		{ "writing efimm's code", write_at, info->efimm_text & ~7ull },
		{ "running efimm's code", exec_at, info->efimm_text },
		{ "reading the page-table root", read_at, info->pt_root },
		{ "writing the page-table root", write_at, info->pt_root + 255 * 8 },
	};

	for (size_t i = 0; i < sizeof(touches) / sizeof(touches[0]); i++) {
		void *a = (void *)touches[i].addr;

		printk("privileged: %s at %p must raise #PF there\n", touches[i].what, a);
		efimm_test_expect_fault(14, a, touches[i].fn, a);
	}
}

/* 3 points: a map, write and unmap round after all the faults. */
static void calls_still_work(void)
{
	static const char line[] = "privileged: efimm still answers\n";
	char *p = k_mem_map(PAGE_SIZE, K_MEM_PERM_RW);

	if (!efimm_test_ok(p != NULL, "k_mem_map after the faults")) {
		efimm_test_skip("no page to write from");
		efimm_test_skip("no page to unmap");
		return;
	}
	memcpy(p, line, sizeof(line) - 1);
	efimm_test_ok(efimm_write(p, sizeof(line) - 1) == (long)sizeof(line) - 1,
		      "write from the new page");
	efimm_test_ok(k_mem_unmap(p, PAGE_SIZE) == 0, "k_mem_unmap of it");
}

/*
 * The write system call made with RFLAGS.AC set, which ring 3 may do (it
 * is the flag STAC sets: with it, SMAP lets the kernel at user pages).
 * An interrupt gate does not clear AC, so efimm's entry must; with
 * inject=smap the call must still end in the SMAP report.  Returns what
 * the call returned.
 */
static long write_with_ac_set(const char *s, size_t len)
{
	register long nr __asm__("rax") = EFIMM_SYS_WRITE;

	__asm__ volatile("pushfq; orq $0x40000, (%%rsp); popfq\n\t"
			 "int %[vec]\n\t"
			 "pushfq; andq $~0x40000, (%%rsp); popfq"
			 : "+r"(nr)
			 : [vec] "i"(EFIMM_SYSCALL_VECTOR), "D"(s), "S"(len)
			 : "memory", "cc");
	return nr;
}

int main(int argc, char **argv)
{
	static const char line[] = "privileged: written with AC set\n";
	struct efimm_info info;

	if (argc > 1 && strcmp(argv[1], "wrmsr") == 0) {
		printk("privileged: wrmsr outside an expected fault\n");
		do_wrmsr(NULL);
		printk("privileged: wrmsr returned\n");
		return 1;
	}
	if (argc > 1 && strcmp(argv[1], "ac-write") == 0)
		return write_with_ac_set(line, sizeof(line) - 1) == sizeof(line) - 1 ? 0 : 1;
	efimm_test_plan(2 + (int)N_INSNS + 7 + 3);
	efimm_test_ok(efimm_info_get(&info) == 0, "efimm_info_get");
	if (!efimm_test_ok(info.ring == 3, "running in ring %u (want 3)", info.ring))
		return 1;
	privileged_insns();
	efimm_memory(&info);
	calls_still_work();
	return 0;
}
