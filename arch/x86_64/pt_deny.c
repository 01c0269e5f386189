/*
 * arch/x86_64/pt_deny.c - why an access was denied (see pt_deny.h): one
 * walk with pt_walk(), then the SDM's access-rights rules over the
 * entries it passed.
 */
#include "../../lib/printf.h"
#include "pt.h"
#include "pt_deny.h"

/* The first level on path whose entry has bit clear (want_set false) or
 * set (want_set true); -1 if none. */
static int pt_deny_first(const struct pt_path *path, uint64_t bit,
			 bool want_set)
{
	for (unsigned int i = 0; i < path->n; i++)
		if (((path->step[i].e & bit) != 0) == want_set)
			return path->step[i].level;
	return -1;
}

static struct pt_deny pt_deny_at(enum pt_deny_why why, int level)
{
	return (struct pt_deny){ .why = why, .level = level };
}

/* SMEP/SMAP for a supervisor access to a user page (U/S at every level). */
static enum pt_deny_why pt_deny_super(const struct pt_access *a)
{
	if (a->exec)
		return a->smep ? PT_DENY_SMEP : PT_DENY_NONE;
	return a->smap && !a->ac ? PT_DENY_SMAP : PT_DENY_NONE;
}

struct pt_deny pt_deny_check(paddr_t root, unsigned int levels, vaddr_t va,
			     const struct pt_access *a)
{
	struct pt_path path;
	const struct pt_step *last;
	int no_us, no_rw, xd;

	pt_walk(root, levels, va, &path);
	last = &path.step[path.n - 1];
	if (!pt_is_leaf(last->level, last->e))
		return pt_deny_at(PT_DENY_NOT_PRESENT, last->level);
	no_us = pt_deny_first(&path, PTE_US, false);
	no_rw = pt_deny_first(&path, PTE_RW, false);
	xd = pt_deny_first(&path, PTE_XD, true);
	if (a->user && no_us >= 0)
		return pt_deny_at(PT_DENY_US, no_us);
	if (!a->user && no_us < 0 && pt_deny_super(a) != PT_DENY_NONE)
		return pt_deny_at(pt_deny_super(a), -1);
	/* Supervisor writes ignore R/W unless CR0.WP (SDM 4.6.1). */
	if (a->write && (a->user || a->wp) && no_rw >= 0)
		return pt_deny_at(PT_DENY_RW, no_rw);
	if (a->exec && a->nxe && xd >= 0)
		return pt_deny_at(PT_DENY_XD, xd);
	return pt_deny_at(PT_DENY_NONE, -1);
}

/* "PML5E", "PML4E", "PDPTE", "PDE", "PTE" for a level; "?" out of range. */
static const char *pt_deny_entry(int level, char *buf, size_t size)
{
	if (level < 0 || level >= PT_LEVELS)
		return "?";
	ksnprintf(buf, size, "%sE", pt_levels[level].name);
	return buf;
}

const char *pt_deny_text(const struct pt_deny *d, char *buf, size_t size)
{
	char e[8];
	const char *ent = pt_deny_entry(d->level, e, sizeof(e));

	switch (d->why) {
	case PT_DENY_NOT_PRESENT:
		ksnprintf(buf, size, "not present: the %s is empty", ent);
		break;
	case PT_DENY_US:
		ksnprintf(buf, size, "U/S clear in the %s (supervisor-only)",
			  ent);
		break;
	case PT_DENY_RW:
		ksnprintf(buf, size, "R/W clear in the %s (read-only)", ent);
		break;
	case PT_DENY_XD:
		ksnprintf(buf, size, "XD set in the %s (no-execute)", ent);
		break;
	case PT_DENY_SMEP:
		ksnprintf(buf, size, "SMEP: a supervisor-mode instruction "
			  "fetch from a user page");
		break;
	case PT_DENY_SMAP:
		ksnprintf(buf, size, "SMAP: a supervisor-mode data access to "
			  "a user page (U/S set at every level)");
		break;
	default:
		ksnprintf(buf, size, "nothing denies it (a stale TLB entry?)");
		break;
	}
	return buf;
}
