/*
 * tests/suites/ring3/info.c - efimm_info_get's record is sane and true:
 * the ring it reports is the ring the payload's CS and SS are in, the
 * protections it reports are those the CPU has (CPUID), efimm's addresses
 * are efimm's (supervisor-only mappings below the payload window), the
 * payload's own pages are user pages exactly when it runs in ring 3, and
 * a short buffer gets only its size.  Runs in ring 3 and under ring=0;
 * prints `info: ring R features 0xF` for tests/boot/test_ring3.py.
 */
#include "efimm.h"

/* Bit `bit` of CPUID leaf `leaf` (sub-leaf 0), register `reg` (0 EAX,
 * 1 EBX, 2 ECX, 3 EDX); 0 when the leaf is beyond the maximum. */
static bool cpuid_bit(uint32_t leaf, int reg, int bit)
{
	uint32_t r[4], max;

	__asm__ volatile("cpuid" : "=a"(max), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
			 : "a"(leaf & 0x80000000u), "c"(0));
	if (leaf > max)
		return false;
	__asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
			 : "a"(leaf), "c"(0));
	return (r[reg] >> bit) & 1;
}

/* The privilege level of the code and stack segments now. */
static void current_rings(unsigned int *cs, unsigned int *ss)
{
	uint16_t c, s;

	__asm__ volatile("mov %%cs, %0; mov %%ss, %1" : "=r"(c), "=r"(s));
	*cs = c & 3;
	*ss = s & 3;
}

/* 3 points: the ring matches CS and SS; the features match CPUID. */
static void ring_and_features(const struct efimm_info *info)
{
	bool smep = cpuid_bit(7, 1, 7), smap = cpuid_bit(7, 1, 20);
	bool nx = cpuid_bit(0x80000001u, 3, 20);
	uint64_t want = (smep ? EFIMM_FEAT_SMEP : 0) | (smap ? EFIMM_FEAT_SMAP : 0) |
		(nx ? EFIMM_FEAT_NX : 0);
	uint64_t mask = EFIMM_FEAT_SMEP | EFIMM_FEAT_SMAP | EFIMM_FEAT_NX;
	unsigned int cs, ss;

	current_rings(&cs, &ss);
	printk("info: ring %u features 0x%lx (CPUID: smep %d smap %d nx %d)\n",
	       info->ring, (unsigned long)info->features, smep, smap, nx);
	efimm_test_ok(info->ring == 3 || info->ring == 0, "ring %u is 3 or 0", info->ring);
	efimm_test_ok(cs == info->ring && ss == info->ring,
		      "CS and SS are in ring %u and %u, info says %u", cs, ss, info->ring);
	efimm_test_ok((info->features & mask) == want,
		      "features 0x%lx: SMEP, SMAP and NX as CPUID has them (0x%lx)",
		      (unsigned long)(info->features & mask), (unsigned long)want);
}

/* 0 and the flags of addr's translation (*phys too), or the error. */
static int flags_of(uint64_t addr, uint64_t *phys, uint32_t *flags)
{
	*phys = 0;
	*flags = 0;
	return k_mem_translate((const void *)addr, phys, flags);
}

/* 4 points: efimm's addresses are efimm's, mapped supervisor-only. */
static void efimm_addresses(const struct efimm_info *info)
{
	uint64_t phys;
	uint32_t f;
	int err;

	efimm_test_ok(info->efimm_text && info->efimm_data && info->pt_root &&
		      info->efimm_text < EFIMM_PAYLOAD_BASE &&
		      info->efimm_data < EFIMM_PAYLOAD_BASE &&
		      info->pt_root < EFIMM_PAYLOAD_BASE && info->pt_root % PAGE_SIZE == 0,
		      "text %p data %p root %p: non-zero, below the payload window, "
		      "the root page-aligned", (void *)info->efimm_text,
		      (void *)info->efimm_data, (void *)info->pt_root);
	err = flags_of(info->efimm_text, &phys, &f);
	efimm_test_ok(err == 0 && (f & K_MEM_PERM_EXEC) && !(f & K_MEM_PERM_RW) &&
		      !(f & K_MEM_PERM_USER),
		      "efimm's code: %d, flags 0x%x (exec, read-only, not user)", err, f);
	err = flags_of(info->efimm_data, &phys, &f);
	efimm_test_ok(err == 0 && (f & K_MEM_PERM_RW) && !(f & K_MEM_PERM_EXEC) &&
		      !(f & K_MEM_PERM_USER),
		      "efimm's data: %d, flags 0x%x (writable, no-exec, not user)", err, f);
	err = flags_of(info->pt_root, &phys, &f);
	efimm_test_ok(err == 0 && phys == info->pt_root && !(f & K_MEM_PERM_USER),
		      "the page-table root: %d, at physical %p, flags 0x%x (identity-"
		      "mapped, not user)", err, (void *)phys, f);
}

/* 2 points: the payload's code and data are user pages in ring 3 only;
 * in ring 0 CR3 holds the root info reports. */
static void own_pages(const struct efimm_info *info)
{
	static volatile uint64_t data_word;
	uint64_t phys, cr3;
	uint32_t f, f2, user = info->ring == 3 ? K_MEM_PERM_USER : 0;
	int e1, e2;

	data_word++;            /* resident and dirty: translate finds it */
	e1 = flags_of((uint64_t)(uintptr_t)own_pages, &phys, &f);
	e2 = flags_of((uint64_t)(uintptr_t)&data_word, &phys, &f2);
	efimm_test_ok(e1 == 0 && e2 == 0 && (f & K_MEM_PERM_USER) == user &&
		      (f2 & K_MEM_PERM_USER) == user,
		      "own code flags 0x%x, data flags 0x%x: user bit %s", f, f2,
		      user ? "set (ring 3)" : "clear (ring 0)");
	if (info->ring != 0) {
		efimm_test_skip("CR3 is not readable in ring 3");
		return;
	}
	__asm__ volatile("mov %%cr3, %0" : "=r"(cr3));
	efimm_test_ok((cr3 & ~0xfffull) == info->pt_root,
		      "ring 0: CR3 %p holds the root %p", (void *)cr3, (void *)info->pt_root);
}

/* 2 points: a short buffer gets its size and no more; the call returns
 * efimm's size either way. */
static void short_buffers(void)
{
	uint8_t buf[sizeof(struct efimm_info)];
	uint32_t head[2];       /* size and ring, the first 8 bytes */
	long n8, n0;
	size_t beyond = 0;

	memset(buf, 0xa5, sizeof(buf));
	n0 = efimm_syscall(EFIMM_SYS_INFO, (long)buf, 0, 0, 0, 0);
	n8 = efimm_syscall(EFIMM_SYS_INFO, (long)buf, 8, 0, 0, 0);
	for (size_t i = 8; i < sizeof(buf); i++)
		beyond += buf[i] != 0xa5;
	memcpy(head, buf, sizeof(head));
	efimm_test_ok(n0 == (long)sizeof(struct efimm_info) &&
		      n8 == (long)sizeof(struct efimm_info),
		      "info with size 0 and 8 returns %ld and %ld (efimm's size)", n0, n8);
	efimm_test_ok(beyond == 0 && head[0] == sizeof(buf) && head[1] <= 3,
		      "size 8 copied the first 8 bytes only (%zu bytes beyond changed)",
		      beyond);
}

int main(void)
{
	struct efimm_info info;
	long n;

	efimm_test_plan(2 + 3 + 4 + 2 + 2);
	efimm_test_ok(efimm_info_get(&info) == 0, "efimm_info_get");
	memset(&info, 0, sizeof(info));
	n = efimm_syscall(EFIMM_SYS_INFO, (long)&info, sizeof(info), 0, 0, 0);
	efimm_test_ok(n == (long)sizeof(info) && info.size == sizeof(info),
		      "info returns %ld, size field %u (want %zu)", n, info.size,
		      sizeof(info));
	ring_and_features(&info);
	efimm_addresses(&info);
	own_pages(&info);
	short_buffers();
	return 0;
}
