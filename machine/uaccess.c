/*
 * machine/uaccess.c - checked copies to and from payload memory (rules
 * in uaccess.h).
 */
#include "uaccess.h"

#include "../arch/x86_64/ucopy.h"
#include "../lib/errno.h"
#include "../lib/kstring.h"
#include "../mm/kmem.h"
#include "../mm/mm.h"
#include "../mm/paging.h"
#include "../mm/vm.h"

/* True if [va, va+len) (len > 0) lies in the payload window or in one
 * live k_mem_map region (guard pages included: the page walk refuses
 * them). */
static bool uaccess_in_area(vaddr_t va, size_t len)
{
	enum vm_kind kind;

	if (va + len < va)
		return false;
	if (va >= VM_PAYLOAD_BASE && va + len <= VM_PAYLOAD_END)
		return true;
	return vm_lookup(mm_vm(), va, len, &kind) && kind == VM_ANON;
}

/* 0 if the page at page is mapped (and, for write, writable); -EFAULT. */
static int uaccess_page_ok(vaddr_t page, bool write)
{
	uint32_t flags;
	int err = k_mem_query(page, NULL, &flags);

	if (err == -ENOENT || err == -EAGAIN) {
		if (!write)
			return 0;
		/* a non-resident PTE keeps its permissions where only
		 * page-in reads them back */
		if (k_mem_page_in((void *)page, PAGE_SIZE) != 0)
			return -EFAULT;
		err = k_mem_query(page, NULL, &flags);
	}
	if (err)
		return -EFAULT;
	return !write || (flags & K_MEM_PERM_RW) ? 0 : -EFAULT;
}

int uaccess_check(const void *uptr, size_t len, bool write)
{
	vaddr_t va = (vaddr_t)uptr;

	if (len == 0)
		return 0;
	if (!uaccess_in_area(va, len))
		return -EFAULT;
	for (vaddr_t page = ALIGN_DOWN(va, PAGE_SIZE); page < va + len;
	     page += PAGE_SIZE) {
		int err = uaccess_page_ok(page, write);

		if (err)
			return err;
	}
	return 0;
}

int uaccess_copy_in(void *dst, const void *usrc, size_t len)
{
	int err = uaccess_check(usrc, len, false);

	return err ? err : (int)arch_copy_user(dst, usrc, len);
}

int uaccess_copy_out(void *udst, const void *src, size_t len)
{
	int err = uaccess_check(udst, len, true);

	return err ? err : (int)arch_copy_user(udst, src, len);
}
