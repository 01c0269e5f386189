/*
 * mm/paging_fault.c - mm's one fault entry (mm/fault.h): serves the page
 * faults demand paging owns and gives the verdict on every other one.
 */
#include "../lib/errno.h"
#include "../lib/printf.h"
#include "arch_hooks.h"
#include "fault.h"
#include "mm_lock.h"
#include "paging.h"
#include "paging_int.h"

/* Another CPU served the page between this CPU's fault and its turn at
 * mm_lock: the access is retried, nothing is served twice. */
static int paging_fault_raced(vaddr_t va)
{
	UNUSED(va);
	paging_st.spurious++;
	return 0;
}

uint64_t paging_spurious_faults(void)
{
	return paging_st.spurious;
}

int paging_fault(vaddr_t va)
{
	struct arch_pte_ref ref;
	uint64_t loc, t0 = paging_now();
	enum arch_page_location where;
	int err;

	if (!paging_st.enabled)
		return -EFAULT;
	where = arch_page_locate(ALIGN_DOWN(va, PAGE_SIZE), &loc, &ref);
	if (where == ARCH_PAGE_LOCATION_PAGED_IN)
		return paging_fault_raced(va);
	if (where != ARCH_PAGE_LOCATION_PAGED_OUT)
		return -EFAULT;
	err = paging_page_in(&ref, loc);
	if (err)
		return err;
	paging_st.stats.pagefaults.cnt++;
	paging_hist_add(&paging_st.stats.fault_cycles, paging_now() - t0);
	return 0;
}

const char *paging_classify(vaddr_t va)
{
	static char buf[64];
	uint64_t loc;

	switch (arch_page_location_get(ALIGN_DOWN(va, PAGE_SIZE), &loc)) {
	case ARCH_PAGE_LOCATION_PAGED_IN:
		return "permission fault (page present)";
	case ARCH_PAGE_LOCATION_PAGED_OUT:
		if (loc >= PAGING_LOC_FIRST_RESERVED)
			return "not yet populated";
		ksnprintf(buf, sizeof(buf), "paged out (slot %llu)",
			  (unsigned long long)loc);
		return buf;
	default:
		return "unmapped";
	}
}

/* Zephyr's split of served faults: taken with interrupts enabled
 * (irq_unlocked: a payload running with the test bed's timer) or not. */
static void paging_fault_irq_count(bool irq_on)
{
	if (irq_on)
		paging_st.stats.pagefaults.irq_unlocked++;
	else
		paging_st.stats.pagefaults.irq_locked++;
}

/* A page fault while mm_lock is held is efimm's own code, inside mm,
 * touching a page that is not resident: serving it would change mm's
 * state under the code that is changing it. */
static void paging_fault_in_mm(const struct mm_fault *f)
{
	panic("mm: page fault at %llx (%s) while mm_lock is held: mm touched "
	      "memory that is not resident", (unsigned long long)f->addr,
	      paging_classify(f->addr));
}

/* Only a not-present page fault can be served; a permission fault on a
 * present page never is.  arch/ calls this with interrupts off
 * (interrupt gates), so mm_lock is taken without saving them: two
 * stores and a test on the fault path. */
int mm_fault(const struct mm_fault *f, const char **verdict)
{
	int err = -EFAULT;

	*verdict = NULL;
	if (!f->page_fault)
		return -EFAULT;
	if (!mm_lock_take_irqs_off())
		paging_fault_in_mm(f);
	if (!f->present) {
		err = paging_fault(f->addr);
		if (err == 0) {
			paging_fault_irq_count(f->irq_on);
			mm_lock_drop_irqs_off();
			return 0;
		}
	}
	*verdict = paging_classify(f->addr);
	mm_lock_drop_irqs_off();
	return err;
}
