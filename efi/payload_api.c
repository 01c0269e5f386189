/*
 * efi/payload_api.c - services for payloads, on top of mm/kmem.h and the
 * arch hooks.  Runs after ExitBootServices with efimm's page tables, so
 * only the runtime services (ResetSystem) are used from the firmware.
 */
#include "efi.h"
#include "payload_api.h"

#include "../lib/console.h"
#include "../lib/errno.h"
#include "../lib/printf.h"
#include "../mm/arch_hooks.h"
#include "../mm/kmem.h"

#define API_MAP_FLAGS (K_MEM_CACHE_MASK | K_MEM_PERM_RW | K_MEM_PERM_EXEC | \
		       K_MEM_MAP_UNINIT | K_MEM_MAP_LOCK)

void efi_poweroff(int status, const char *name)
{
	status &= 0xFF;
	kprintf("efimm: powering off, status %d (%s)\n", status, name);
	uefi_call_wrapper(RT->ResetSystem, 4, EfiResetShutdown,
			  status ? EFI_ABORTED : EFI_SUCCESS, 0, NULL);
	kprintf("efimm: ResetSystem returned; halting\n");
	for (;;)
		__asm__ volatile("cli; hlt");
}

void payload_exit(int status)
{
	kprintf("efimm: payload exited with status %d\n", status);
	efi_poweroff(status, status ? "payload failure" : "EFI_SUCCESS");
}

static long api_write(const char *s, size_t len)
{
	con_write(s, len);
	return (long)len;
}

static int api_k_mem_map(size_t size, uint32_t flags, void **addr)
{
	uint32_t wx = K_MEM_PERM_RW | K_MEM_PERM_EXEC;

	if (size == 0 || size % PAGE_SIZE || (flags & ~API_MAP_FLAGS) ||
	    (flags & wx) == wx)
		return -EINVAL;
	*addr = k_mem_map(size, flags);
	return *addr ? 0 : -ENOMEM;
}

static int api_k_mem_translate(const void *addr, uint64_t *phys, uint32_t *flags)
{
	paddr_t p;
	int err = arch_mem_translate((vaddr_t)addr, &p, flags);

	if (err == 0 && phys)
		*phys = paddr_raw(p);
	return err;
}

static const struct efimm_api api = {
	.size = sizeof(struct efimm_api),
	.write = api_write,
	.exit = payload_exit,
	.k_mem_map = api_k_mem_map,
	.k_mem_unmap = k_mem_unmap,
	.k_mem_free_get = k_mem_free_get,
	.k_mem_translate = api_k_mem_translate,
};

const struct efimm_api *payload_api(void)
{
	return &api;
}
