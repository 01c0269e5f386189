/*
 * pure/madt.h - the CPUs of the ACPI MADT ("APIC" table, ACPI 6.5
 * section 5.2.12): which processors the firmware lists, their local APIC
 * ids and whether they may be started.  Pure code: the firmware glue
 * (efi/fw/smp_fw.c) finds and copies the table, this reads it, bounded by
 * the length it is given (unit-tested and fuzzed on the host).
 */
#ifndef PURE_MADT_H
#define PURE_MADT_H

#include "../lib/types.h"

#define MADT_MAX_CPUS   256u    /* entries kept; more are counted */
#define MADT_HEADER     44u     /* SDT header (36) + APIC address + flags */
#define MADT_WHY_MAX    96u
#define MADT_COPY_MAX   65536u  /* bytes of the firmware's MADT efimm copies */

/* One processor the MADT lists (a type 0 or type 9 entry). */
struct madt_cpu {
	uint32_t apic_id;       /* local APIC id (x2APIC id for type 9) */
	uint32_t uid;           /* ACPI processor UID */
	bool enabled;           /* flags bit 0: usable now */
	bool x2apic;            /* from a type 9 (x2APIC) entry */
};

struct madt_info {
	uint64_t lapic_base;    /* the local APIC's MMIO base (type 5 wins) */
	uint32_t flags;         /* bit 0: PC-AT 8259s present */
	size_t ncpus;           /* kept in cpu[], file order, ids unique */
	size_t dropped;         /* enabled CPUs past MADT_MAX_CPUS */
	size_t disabled;        /* entries neither enabled nor kept */
	struct madt_cpu cpu[MADT_MAX_CPUS];
};

/*
 * Reads the MADT at tab (len bytes, any alignment): signature "APIC",
 * the header's length <= len and >= MADT_HEADER, the checksum (all bytes
 * of the table sum to 0), every entry inside the table with a length no
 * shorter than its type needs.  Keeps enabled processors (type 0 local
 * APIC, type 9 local x2APIC; a second entry with an id already kept is
 * skipped, since firmware may list a CPU in both forms), counts disabled
 * ones (online-capable CPUs are hot-plug slots efimm does not start).
 * Returns 0 with *out filled, or -EINVAL with a one-line reason in why
 * ("entry 3 (type 0) runs past the table's end").
 */
int madt_parse(const void *tab, size_t len, struct madt_info *out,
	       char why[MADT_WHY_MAX]);

/*
 * Copies the firmware's MADT at fw into buf (cap bytes) and reads the
 * copy with madt_parse.  fw's length field (bytes 4..7) is read first,
 * and only that many bytes are copied: fw must have 8 readable bytes and
 * as many as that field says when it is at most cap.  Returns 0 with *out
 * filled; -E2BIG with why ("65537 bytes, more than the 65536 (64 KiB)
 * efimm copies") when the table is longer than cap, nothing copied; or
 * madt_parse's -EINVAL and why.
 */
int madt_read(const void *fw, void *buf, size_t cap, struct madt_info *out,
	      char why[MADT_WHY_MAX]);

/* Which of the MADT's CPUs efimm starts (madt_plan). */
struct madt_plan {
	size_t start;           /* APs: the first `start` CPUs of cpu[] but the boot CPU */
	size_t left;            /* enabled CPUs left out past the limit, dropped ones included */
	int first_left;         /* index in cpu[] of the first one left out, -1: none */
};

/*
 * Plans info's CPUs for a machine that runs at most max CPUs (max >= 1),
 * the boot CPU (local APIC id bsp, listed or not) always among them: the
 * APs are the other CPUs of cpu[] in file order, up to max - 1; the rest,
 * and the CPUs madt_parse dropped, are left out (out->left, the first
 * one named by out->first_left).
 */
void madt_plan(const struct madt_info *info, uint32_t bsp, size_t max,
	       struct madt_plan *out);

/* Index in info->cpu of the CPU with this APIC id, or -1. */
int madt_find(const struct madt_info *info, uint32_t apic_id);

/*
 * The checksum every ACPI table needs (the MADT here, the RSDP and
 * XSDT/RSDT in efi/fw/smp_fw.c): the byte sum of p[0..n) modulo 256; an
 * ACPI table whose checksum adds up gives 0.  Reads only p[0..n).  (Their
 * little-endian fields: lib/le.h.)
 */
uint8_t madt_checksum(const void *p, size_t n);

#endif
