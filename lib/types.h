/*
 * lib/types.h - fixed-width types, address types and alignment helpers
 * shared by every layer and the host tests.
 *
 * Physical and virtual addresses are different types: paddr_t is a
 * one-member struct (the trick Linux uses for pte_t and pgprot_t), so
 * passing a physical address where a virtual one is expected (or doing
 * arithmetic on it by accident) is a compile error.  vaddr_t is an
 * integer wide enough for a pointer.  Neither Zephyr nor seL4 does this:
 * seL4's paddr_t and vptr_t are both word_t.
 */
#ifndef LIB_TYPES_H
#define LIB_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uintptr_t vaddr_t;

typedef struct {
	uint64_t raw;
} paddr_t;

#define PADDR(x)        ((paddr_t){ .raw = (uint64_t)(x) })
#define PADDR_INVALID   PADDR(~0ULL)

static inline uint64_t paddr_raw(paddr_t p) { return p.raw; }
static inline paddr_t paddr_add(paddr_t p, uint64_t off) { return PADDR(p.raw + off); }
static inline bool paddr_eq(paddr_t a, paddr_t b) { return a.raw == b.raw; }
static inline bool paddr_valid(paddr_t p) { return p.raw != ~0ULL; }

#define PAGE_SHIFT      12
#define PAGE_SIZE       ((uint64_t)1 << PAGE_SHIFT)
#define SZ_2M           ((uint64_t)1 << 21)
#define SZ_1G           ((uint64_t)1 << 30)
#define KiB(x)          ((uint64_t)(x) << 10)
#define MiB(x)          ((uint64_t)(x) << 20)
#define GiB(x)          ((uint64_t)(x) << 30)

#define ALIGN_DOWN(x, a)   ((x) & ~((uint64_t)(a) - 1))
#define ALIGN_UP(x, a)     (((x) + ((uint64_t)(a) - 1)) & ~((uint64_t)(a) - 1))
#define IS_ALIGNED(x, a)   (((x) & ((uint64_t)(a) - 1)) == 0)
#define ARRAY_SIZE(a)      (sizeof(a) / sizeof((a)[0]))
#define MIN(a, b)          ((a) < (b) ? (a) : (b))
#define MAX(a, b)          ((a) > (b) ? (a) : (b))
#define UNUSED(x)          ((void)(x))

#endif
