/*
 * tests/host/physmem_host.c - host stand-in for physical memory.
 *
 * arch_phys_to_ptr() on the target is the identity (efimm identity-maps
 * RAM).  On the host, "physical address" p lives at host_phys_base + p
 * inside one large MAP_NORESERVE mapping: pages are materialised only
 * when touched, so a test can use frames above 1 TiB at no cost.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "../../mm/arch_hooks.h"
#include "physmem_host.h"

#define HOST_PHYS_SPAN  (1ULL << 42)   /* 4 TiB of "physical" space */

static unsigned char *host_phys_base;

static void physmem_map(void)
{
	void *p = mmap(NULL, HOST_PHYS_SPAN, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED) {
		perror("physmem_host: mmap");
		abort();
	}
	host_phys_base = p;
}

void *arch_phys_to_ptr(paddr_t phys)
{
	if (!host_phys_base)
		physmem_map();
	if (paddr_raw(phys) >= HOST_PHYS_SPAN) {
		fprintf(stderr, "physmem_host: 0x%llx beyond the host arena\n",
			(unsigned long long)paddr_raw(phys));
		abort();
	}
	return host_phys_base + paddr_raw(phys);
}

void host_physmem_reset(void)
{
	if (host_phys_base)
		madvise(host_phys_base, HOST_PHYS_SPAN, MADV_DONTNEED);
}

uint64_t host_physmem_span(void)
{
	return HOST_PHYS_SPAN;
}
