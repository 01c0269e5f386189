/*
 * lib/le.h - little-endian fields at any alignment, as firmware tables,
 * PE and ELF headers and efimm's snapshot files store them.  One copy for
 * every parser (pure/pe.c, fwsnap.c, snapfile.c, madt.c, efi/fw/smp_fw.c);
 * the byte-wise form does not depend on the host's byte order, and the
 * compiler turns it into one load on x86.  Each reads only the bytes named.
 */
#ifndef LIB_LE_H
#define LIB_LE_H

#include <stdint.h>

static inline uint16_t le_read16(const void *p)
{
	const uint8_t *b = p;

	return (uint16_t)(b[0] | b[1] << 8);
}

static inline uint32_t le_read32(const void *p)
{
	const uint8_t *b = p;

	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
	       (uint32_t)b[3] << 24;
}

static inline uint64_t le_read64(const void *p)
{
	const uint8_t *b = p;

	return (uint64_t)le_read32(b) | (uint64_t)le_read32(b + 4) << 32;
}

#endif
