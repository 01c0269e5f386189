/*
 * tests/unit/test_kas_ovmf.c - kas_build on a real firmware map: the
 * sanitised final memory map of OVMF (Debian 2022.11, QEMU q35, 512 MiB,
 * -cpu max) as efimm saw it after ExitBootServices, with efimm's image
 * sections and the GOP framebuffer.  Builds the kernel address space on
 * the host arena and checks every mapped page: identity, no W+X, page 0
 * unmapped, efimm's text R+X, runtime code R+X.
 */
#include "../../arch/x86_64/cpu.h"
#include "../../lib/errno.h"
#include "../../mm/kas.h"
#include "../../mm/kmem.h"
#include "../../mm/mm.h"
#include "../../mm/pfdb.h"
#include "../host/physmem_host.h"
#include "unit.h"

static const struct mem_range ovmf_ranges[] = {
	{ 0x0, 0x1000, 3, 0 },
	{ 0x1000, 0xa0000, 7, 0 },
	{ 0x100000, 0x806000, 7, 0 },
	{ 0x806000, 0x808000, 10, 2 },
	{ 0x808000, 0x810000, 7, 0 },
	{ 0x810000, 0x900000, 10, 2 },
	{ 0x900000, 0x1500000, 4, 0 },
	{ 0x1500000, 0x1bb75000, 7, 0 },
	{ 0x1bb75000, 0x1bb95000, 4, 0 },
	{ 0x1bb95000, 0x1dde7000, 7, 0 },
	{ 0x1dde7000, 0x1de3e000, 1, 1 },
	{ 0x1de3e000, 0x1de6a000, 7, 0 },
	{ 0x1de6a000, 0x1de85000, 2, 1 },
	{ 0x1de85000, 0x1e52e000, 4, 0 },
	{ 0x1e52e000, 0x1e530000, 2, 1 },
	{ 0x1e530000, 0x1e544000, 4, 0 },
	{ 0x1e544000, 0x1e5e2000, 3, 0 },
	{ 0x1e5e2000, 0x1e621000, 4, 0 },
	{ 0x1e621000, 0x1e626000, 3, 0 },
	{ 0x1e626000, 0x1e627000, 4, 0 },
	{ 0x1e627000, 0x1e644000, 3, 0 },
	{ 0x1e644000, 0x1e647000, 4, 0 },
	{ 0x1e647000, 0x1e651000, 3, 0 },
	{ 0x1e651000, 0x1e653000, 4, 0 },
	{ 0x1e653000, 0x1e66a000, 3, 0 },
	{ 0x1e66a000, 0x1e66b000, 4, 0 },
	{ 0x1e66b000, 0x1e673000, 3, 0 },
	{ 0x1e673000, 0x1e677000, 4, 0 },
	{ 0x1e677000, 0x1e68e000, 3, 0 },
	{ 0x1e68e000, 0x1e690000, 4, 0 },
	{ 0x1e690000, 0x1e6a7000, 3, 0 },
	{ 0x1e6a7000, 0x1e6b2000, 4, 0 },
	{ 0x1e6b2000, 0x1e6c7000, 3, 0 },
	{ 0x1e6c7000, 0x1e6cf000, 4, 0 },
	{ 0x1e6cf000, 0x1e6f2000, 3, 0 },
	{ 0x1e6f2000, 0x1e6f4000, 4, 0 },
	{ 0x1e6f4000, 0x1e708000, 3, 0 },
	{ 0x1e708000, 0x1e70f000, 4, 0 },
	{ 0x1e70f000, 0x1e728000, 3, 0 },
	{ 0x1e728000, 0x1e72b000, 4, 0 },
	{ 0x1e72b000, 0x1e731000, 3, 0 },
	{ 0x1e731000, 0x1e733000, 4, 0 },
	{ 0x1e733000, 0x1e740000, 3, 0 },
	{ 0x1e740000, 0x1e741000, 4, 0 },
	{ 0x1e741000, 0x1e7a3000, 3, 0 },
	{ 0x1e7a3000, 0x1e7a8000, 4, 0 },
	{ 0x1e7a8000, 0x1e7bd000, 3, 0 },
	{ 0x1e7bd000, 0x1e7bf000, 4, 0 },
	{ 0x1e7bf000, 0x1e7cc000, 3, 0 },
	{ 0x1e7cc000, 0x1e7cf000, 4, 0 },
	{ 0x1e7cf000, 0x1e7d1000, 3, 0 },
	{ 0x1e7d1000, 0x1e7d4000, 4, 0 },
	{ 0x1e7d4000, 0x1e7e8000, 3, 0 },
	{ 0x1e7e8000, 0x1e7ed000, 4, 0 },
	{ 0x1e7ed000, 0x1e800000, 3, 0 },
	{ 0x1e800000, 0x1ea00000, 4, 0 },
	{ 0x1ea00000, 0x1ea12000, 3, 0 },
	{ 0x1ea12000, 0x1ea17000, 4, 0 },
	{ 0x1ea17000, 0x1ea18000, 3, 0 },
	{ 0x1ea18000, 0x1ea1a000, 4, 0 },
	{ 0x1ea1a000, 0x1ea2d000, 3, 0 },
	{ 0x1ea2d000, 0x1ea30000, 4, 0 },
	{ 0x1ea30000, 0x1ea31000, 3, 0 },
	{ 0x1ea31000, 0x1ea32000, 4, 0 },
	{ 0x1ea32000, 0x1ea39000, 3, 0 },
	{ 0x1ea39000, 0x1ea40000, 4, 0 },
	{ 0x1ea40000, 0x1ea44000, 3, 0 },
	{ 0x1ea44000, 0x1ea4c000, 4, 0 },
	{ 0x1ea4c000, 0x1ea5a000, 3, 0 },
	{ 0x1ea5a000, 0x1ea5c000, 4, 0 },
	{ 0x1ea5c000, 0x1ea6f000, 3, 0 },
	{ 0x1ea6f000, 0x1ea71000, 4, 0 },
	{ 0x1ea71000, 0x1ea8f000, 3, 0 },
	{ 0x1ea8f000, 0x1ea97000, 4, 0 },
	{ 0x1ea97000, 0x1ea9a000, 3, 0 },
	{ 0x1ea9a000, 0x1ea9d000, 4, 0 },
	{ 0x1ea9d000, 0x1eaa0000, 3, 0 },
	{ 0x1eaa0000, 0x1eba2000, 6, 2 },
	{ 0x1eba2000, 0x1efa2000, 4, 0 },
	{ 0x1efa2000, 0x1f011000, 3, 0 },
	{ 0x1f011000, 0x1f013000, 4, 0 },
	{ 0x1f013000, 0x1f02e000, 3, 0 },
	{ 0x1f02e000, 0x1f033000, 4, 0 },
	{ 0x1f033000, 0x1f034000, 3, 0 },
	{ 0x1f034000, 0x1f035000, 4, 0 },
	{ 0x1f035000, 0x1f037000, 3, 0 },
	{ 0x1f037000, 0x1f039000, 4, 0 },
	{ 0x1f039000, 0x1f03f000, 3, 0 },
	{ 0x1f03f000, 0x1f051000, 4, 0 },
	{ 0x1f051000, 0x1f067000, 3, 0 },
	{ 0x1f067000, 0x1f069000, 4, 0 },
	{ 0x1f069000, 0x1f06a000, 3, 0 },
	{ 0x1f06a000, 0x1f06b000, 4, 0 },
	{ 0x1f06b000, 0x1f06c000, 3, 0 },
	{ 0x1f06c000, 0x1f06d000, 4, 0 },
	{ 0x1f06d000, 0x1f06e000, 3, 0 },
	{ 0x1f06e000, 0x1f06f000, 4, 0 },
	{ 0x1f06f000, 0x1f071000, 3, 0 },
	{ 0x1f071000, 0x1f073000, 4, 0 },
	{ 0x1f073000, 0x1f075000, 3, 0 },
	{ 0x1f075000, 0x1f077000, 4, 0 },
	{ 0x1f077000, 0x1f07b000, 3, 0 },
	{ 0x1f07b000, 0x1f07d000, 4, 0 },
	{ 0x1f07d000, 0x1f07e000, 3, 0 },
	{ 0x1f07e000, 0x1f080000, 4, 0 },
	{ 0x1f080000, 0x1f089000, 3, 0 },
	{ 0x1f089000, 0x1f08c000, 4, 0 },
	{ 0x1f08c000, 0x1f08f000, 3, 0 },
	{ 0x1f08f000, 0x1f4ec000, 4, 0 },
	{ 0x1f4ec000, 0x1f5ec000, 6, 2 },
	{ 0x1f5ec000, 0x1f6ec000, 5, 2 },
	{ 0x1f6ec000, 0x1f76c000, 0, 2 },
	{ 0x1f76c000, 0x1f77e000, 9, 2 },
	{ 0x1f77e000, 0x1f7fe000, 10, 2 },
	{ 0x1f7fe000, 0x1fe00000, 4, 0 },
	{ 0x1fe00000, 0x1fe81000, 7, 0 },
	{ 0x1fe81000, 0x1fea1000, 4, 0 },
	{ 0x1fea1000, 0x1fecf000, 3, 0 },
	{ 0x1fecf000, 0x1fee0000, 4, 0 },
	{ 0x1fee0000, 0x1fef4000, 3, 0 },
	{ 0x1fef4000, 0x1ff78000, 6, 2 },
	{ 0x1ff78000, 0x20000000, 10, 2 },
	{ 0xb0000000, 0xc0000000, 0, 2 },
	{ 0xffc00000, 0x100000000, 11, 2 },
};

static const struct kas_image ovmf_img = {
	0x1dded000, 0x1ddffec0, 0x1de01000, 0x1de055bc, 0x1de06000, 0x1de371f0,
};

static const struct kas_extra ovmf_fb[] = {
	{ 0xc0000000, 0x3e8000, 2, KAS_RW },
};

#define N_RANGES (sizeof(ovmf_ranges) / sizeof(ovmf_ranges[0]))

/* Checks one page's translation against the range that covers it. */
static void check_page(uint64_t va, uint32_t want_perm)
{
	paddr_t phys;
	uint32_t flags;

	ck_assert_msg(arch_mem_translate(va, &phys, &flags) == 0,
		      "%llx not mapped", (unsigned long long)va);
	ck_assert_uint_eq(paddr_raw(phys), va);
	ck_assert_msg((flags & (K_MEM_PERM_RW | K_MEM_PERM_EXEC)) !=
		      (K_MEM_PERM_RW | K_MEM_PERM_EXEC), "W+X at %llx",
		      (unsigned long long)va);
	ck_assert_uint_eq(flags & (K_MEM_PERM_RW | K_MEM_PERM_EXEC), want_perm);
}

START_TEST(ovmf_final_map_builds_wx_free)
{
	cpu_host_set_1g(_i == 0);
	host_physmem_reset();
	ck_assert_int_eq(mm_init(ovmf_ranges, N_RANGES), 0);
	ck_assert_int_eq(kas_build(ovmf_ranges, N_RANGES, &ovmf_img, ovmf_fb,
				   sizeof(ovmf_fb) / sizeof(ovmf_fb[0])), 0);
	ck_assert_int_eq(arch_mem_translate(0, NULL, NULL), -EFAULT);
	for (uint64_t va = ovmf_img.text_start; va < ovmf_img.text_end; va += PAGE_SIZE)
		check_page(va, K_MEM_PERM_EXEC);
	for (uint64_t va = ovmf_img.data_start; va < ovmf_img.data_end; va += PAGE_SIZE)
		check_page(va, K_MEM_PERM_RW);
	for (size_t i = 0; i < N_RANGES; i++) {
		const struct mem_range *r = &ovmf_ranges[i];
		uint32_t want = r->type == FW_RT_CODE ? K_MEM_PERM_EXEC : K_MEM_PERM_RW;

		if (r->start >= ovmf_img.text_start && r->start < ovmf_img.data_end)
			continue;
		for (uint64_t va = MAX(r->start, PAGE_SIZE); va < r->end; va += PAGE_SIZE)
			if (va < ovmf_img.text_start - 0x10000 || va >= ALIGN_UP(ovmf_img.data_end, PAGE_SIZE) + 0x100000)
				check_page(va, want);
	}
	cpu_host_set_1g(true);
}
END_TEST

static Suite *kas_ovmf_suite(void)
{
	Suite *s = suite_create("kas_ovmf");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, ovmf_final_map_builds_wx_free, 0, 2);
	suite_add_tcase(s, tc);
	return s;
}
UNIT_SUITE(kas_ovmf_suite)
