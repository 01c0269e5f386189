/*
 * mm/payload.h - mapping an ELF payload's image and stack into the
 * payload window (mm/vm.h: [VM_PAYLOAD_BASE, VM_PAYLOAD_END)).
 *
 * The loader (efi/cmd/cmd_run.c) has already validated the file (pure/elf.c)
 * and describes each PT_LOAD segment here in arch-neutral terms.  Every
 * page gets a fresh frame of the database, zeroed, with the file bytes
 * copied in (so .bss and the tail of the last page are zero), mapped
 * with the segment's own permissions (W^X: the checker refused RW+X).
 * Frames are pinned while the payload is loaded; efi/cmd/cmd_run.c then
 * hands them to demand paging (paging_adopt), which makes them pageable.
 */
#ifndef MM_PAYLOAD_H
#define MM_PAYLOAD_H

#include "../lib/types.h"

struct payload_seg {
	vaddr_t va;             /* p_vaddr (any alignment) */
	uint64_t memsz;
	const void *data;       /* file bytes, filesz of them */
	uint64_t filesz;
	uint32_t flags;         /* K_MEM_PERM_RW / K_MEM_PERM_EXEC */
};

/*
 * Maps one segment.  Precondition: [va, va+memsz) lies in the payload
 * window and no other segment shares its pages (the ELF checker's
 * guarantees).  Returns 0, or -ENOMEM (no frame, or PAYLOAD_MAX_RANGES
 * ranges mapped already) with nothing of this segment left mapped and
 * no frame taken.  Takes mm_lock (as do payload_map_stack and
 * payload_unmap).
 */
int payload_map_segment(const struct payload_seg *s);

/*
 * Maps a stack of size bytes (page multiple) ending at top (page
 * aligned), RW+NX, and leaves the page below it unmapped as its guard.
 * Returns 0 and *guard (the guard page's address), or -ENOMEM / -EINVAL
 * (range outside the payload window, or the guard page is mapped) with
 * nothing left mapped.
 */
int payload_map_stack(vaddr_t top, uint64_t size, vaddr_t *guard);

/* Whether the pages payload_map_segment and payload_map_stack map from
 * now on are user pages (K_MEM_PERM_USER: a ring-3 payload) or
 * supervisor pages (ring 0, the default). */
void payload_set_user(bool user);

/* Ranges (segments and the stack) the window can hold at once. */
#define PAYLOAD_MAX_RANGES 32

/*
 * Unmaps the resident pages of [start, end) of the payload window and
 * frees their frames, page by page (the rollback of a failed load,
 * before paging_adopt; pages not mapped are skipped).  Recorded ranges
 * inside [start, end) are forgotten.  Takes mm_lock.
 */
void payload_unmap(vaddr_t start, vaddr_t end);

/*
 * Unmaps every range mapped by payload_map_segment / payload_map_stack
 * since the last call, whatever state each page is in (resident, pinned
 * by the payload or not yet adopted, paged out), giving back frames,
 * store slots and emptied page-table pages.  O(pages mapped), never
 * O(window).  Caller holds mm_lock (mm_payload_teardown).
 */
void payload_release_all(void);
/* Ranges recorded now. */
size_t payload_range_count(void);

#endif
