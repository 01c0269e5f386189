/*
 * pure/madt.c - reading the ACPI MADT's processor entries (madt.h).
 */
#include "madt.h"

#include "../lib/errno.h"
#include "../lib/kstring.h"
#include "../lib/le.h"
#include "../lib/printf.h"

/* Entry types (ACPI 6.5, table 5.21) and the lengths efimm reads. */
#define MADT_LAPIC          0
#define MADT_LAPIC_OVERRIDE 5
#define MADT_X2APIC         9
#define MADT_LAPIC_LEN      8
#define MADT_OVERRIDE_LEN   12
#define MADT_X2APIC_LEN     16
#define MADT_CPU_ENABLED    (1u << 0)

uint8_t madt_checksum(const void *p, size_t n)
{
	const uint8_t *b = p;
	uint8_t sum = 0;

	for (size_t i = 0; i < n; i++)
		sum = (uint8_t)(sum + b[i]);
	return sum;
}

int madt_find(const struct madt_info *info, uint32_t apic_id)
{
	for (size_t i = 0; i < info->ncpus; i++)
		if (info->cpu[i].apic_id == apic_id)
			return (int)i;
	return -1;
}

/* Keeps one processor entry (or counts why not). */
static void madt_add(struct madt_info *out, uint32_t apic_id, uint32_t uid,
		     uint32_t flags, bool x2apic)
{
	if (!(flags & MADT_CPU_ENABLED)) {
		out->disabled++;
		return;
	}
	if (madt_find(out, apic_id) >= 0)
		return;
	if (out->ncpus == MADT_MAX_CPUS) {
		out->dropped++;
		return;
	}
	out->cpu[out->ncpus++] = (struct madt_cpu){
		.apic_id = apic_id, .uid = uid, .enabled = true, .x2apic = x2apic,
	};
}

/* The length entry type t needs, 0 for types efimm skips. */
static size_t madt_need(uint8_t t)
{
	switch (t) {
	case MADT_LAPIC: return MADT_LAPIC_LEN;
	case MADT_LAPIC_OVERRIDE: return MADT_OVERRIDE_LEN;
	case MADT_X2APIC: return MADT_X2APIC_LEN;
	default: return 0;
	}
}

/* Reads the entry at e (need bytes checked to be inside the table). */
static void madt_entry(struct madt_info *out, const uint8_t *e)
{
	switch (e[0]) {
	case MADT_LAPIC:
		madt_add(out, e[3], e[2], le_read32(e + 4), false);
		break;
	case MADT_X2APIC:
		madt_add(out, le_read32(e + 4), le_read32(e + 12), le_read32(e + 8), true);
		break;
	case MADT_LAPIC_OVERRIDE:
		out->lapic_base = le_read64(e + 4);
		break;
	}
}

/* Checks the SDT header; returns the table's length, or 0 with why. */
static size_t madt_header(const uint8_t *t, size_t len, char *why)
{
	uint32_t n;
	uint8_t sum;

	if (len < MADT_HEADER) {
		ksnprintf(why, MADT_WHY_MAX, "%zu bytes, shorter than its header (%u)",
			 len, MADT_HEADER);
		return 0;
	}
	if (memcmp(t, "APIC", 4) != 0) {
		ksnprintf(why, MADT_WHY_MAX, "signature is not \"APIC\"");
		return 0;
	}
	n = le_read32(t + 4);
	if (n < MADT_HEADER || n > len) {
		ksnprintf(why, MADT_WHY_MAX, "length %u outside %u..%zu", n,
			 MADT_HEADER, len);
		return 0;
	}
	sum = madt_checksum(t, n);
	if (sum != 0) {
		ksnprintf(why, MADT_WHY_MAX, "checksum does not add up (0x%02x)", sum);
		return 0;
	}
	return n;
}

void madt_plan(const struct madt_info *info, uint32_t bsp, size_t max,
	       struct madt_plan *out)
{
	*out = (struct madt_plan){ .left = info->dropped, .first_left = -1 };
	for (size_t i = 0; i < info->ncpus; i++) {
		if (info->cpu[i].apic_id == bsp)
			continue;
		if (out->start + 1 < max) {
			out->start++;
			continue;
		}
		if (out->first_left < 0)
			out->first_left = (int)i;
		out->left++;
	}
}

int madt_read(const void *fw, void *buf, size_t cap, struct madt_info *out,
	      char why[MADT_WHY_MAX])
{
	uint32_t len = le_read32((const uint8_t *)fw + 4);

	if (len > cap) {
		ksnprintf(why, MADT_WHY_MAX, "%u bytes, more than the %zu (%zu KiB) efimm copies",
			  len, cap, cap / 1024);
		return -E2BIG;
	}
	memcpy(buf, fw, len);
	return madt_parse(buf, len, out, why);
}

int madt_parse(const void *tab, size_t len, struct madt_info *out,
	       char why[MADT_WHY_MAX])
{
	const uint8_t *t = tab;
	size_t n = madt_header(t, len, why), off = MADT_HEADER;

	if (!n)
		return -EINVAL;
	out->lapic_base = le_read32(t + 36);
	out->flags = le_read32(t + 40);
	out->ncpus = out->dropped = out->disabled = 0;
	for (unsigned int i = 0; off < n; i++) {
		size_t elen = n - off >= 2 ? t[off + 1] : 0;

		if (elen < 2 || elen > n - off || elen < madt_need(t[off])) {
			ksnprintf(why, MADT_WHY_MAX, "entry %u (type %u) at offset %zu "
				 "has a bad length or runs past the table's end",
				 i, t[off], off);
			return -EINVAL;
		}
		madt_entry(out, t + off);
		off += elen;
	}
	return 0;
}
