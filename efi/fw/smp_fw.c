/*
 * efi/fw/smp_fw.c - the MADT and the APs' memory, while boot services
 * run (smp_fw.h).
 *
 * The ACPI tables are read where the firmware keeps them (identity-
 * mapped ACPI reclaim or NVS memory): the RSDP's checksum and signature,
 * then the XSDT's (RSDT's for ACPI 1.0) before any pointer in it is
 * followed, and the MADT's length bounded by MADT_COPY_MAX before it is
 * copied and parsed (pure/madt.c).
 */
#include "efi.h"
#include "smp_fw.h"

#include "../../arch/x86_64/smp.h"
#include "../../arch/x86_64/smp_tramp.h"
#include "../../lib/errno.h"
#include "../../lib/kstring.h"
#include "../../lib/le.h"
#include "../../lib/printf.h"
#include "../../machine/smp.h"
#include "../../pure/madt.h"

#define SDT_HEADER      36u
#define SDT_MAX_ENTRIES 1024u
#define LOW_MAX_ADDR    0x9FFFFULL   /* below the EBDA and VGA hole */

static uint8_t madt_copy[MADT_COPY_MAX];
static char why[MADT_WHY_MAX + 32];

/* The RSDP from the configuration table (ACPI 2.0 GUID first). */
static const uint8_t *find_rsdp(void)
{
	EFI_GUID g2 = ACPI_20_TABLE_GUID, g1 = ACPI_TABLE_GUID;
	const uint8_t *r1 = NULL;

	for (UINTN i = 0; i < ST->NumberOfTableEntries; i++) {
		EFI_CONFIGURATION_TABLE *t = &ST->ConfigurationTable[i];

		if (!CompareGuid(&t->VendorGuid, &g2))
			return t->VendorTable;
		if (!CompareGuid(&t->VendorGuid, &g1))
			r1 = t->VendorTable;
	}
	return r1;
}

/* Checks an SDT header at t (signature sig); returns its length or 0. */
static uint32_t sdt_ok(const uint8_t *t, const char *sig, uint32_t max)
{
	uint32_t len;

	if (!t || memcmp(t, sig, 4) != 0)
		return 0;
	len = le_read32(t + 4);
	if (len < SDT_HEADER || len > max || madt_checksum(t, len) != 0)
		return 0;
	return len;
}

/* The MADT through the RSDP's XSDT (8-byte entries) or RSDT (4-byte). */
static const uint8_t *find_madt(const char **err)
{
	const uint8_t *rsdp = find_rsdp(), *sdt;
	bool x;
	uint32_t len, step;

	*err = "no ACPI RSDP in the configuration table";
	if (!rsdp || memcmp(rsdp, "RSD PTR ", 8) != 0 || madt_checksum(rsdp, 20) != 0)
		return NULL;
	x = rsdp[15] >= 2 && le_read32(rsdp + 20) >= 36 &&
	    madt_checksum(rsdp, le_read32(rsdp + 20)) == 0;
	sdt = x ? (const uint8_t *)(uintptr_t)le_read64(rsdp + 24)
		: (const uint8_t *)(uintptr_t)le_read32(rsdp + 16);
	step = x ? 8 : 4;
	len = sdt_ok(sdt, x ? "XSDT" : "RSDT", SDT_HEADER + SDT_MAX_ENTRIES * step);
	*err = "the ACPI XSDT/RSDT is malformed";
	if (!len)
		return NULL;
	*err = "the ACPI tables list no MADT";
	for (uint32_t off = SDT_HEADER; off + step <= len; off += step) {
		uint64_t a = step == 8 ? le_read64(sdt + off) : le_read32(sdt + off);
		const uint8_t *t = (const uint8_t *)(uintptr_t)a;

		if (t && memcmp(t, "APIC", 4) == 0)
			return t;
	}
	return NULL;
}

/* Copies and parses the MADT into smp_plan.madt; false with why. */
static bool read_madt(void)
{
	const char *err;
	const uint8_t *t = find_madt(&err);
	char pwhy[MADT_WHY_MAX];
	int rc;

	if (!t) {
		smp_plan.why = err;
		return false;
	}
	rc = madt_read(t, madt_copy, sizeof(madt_copy), &smp_plan.madt, pwhy);
	if (rc) {
		ksnprintf(why, sizeof(why), "the MADT is %s: %s",
			  rc == -E2BIG ? "too large" : "malformed", pwhy);
		smp_plan.why = why;
		return false;
	}
	return true;
}

/* LoaderData pages: below max (AllocateMaxAddress) if max, else anywhere. */
static uint64_t alloc_pages(UINTN pages, uint64_t max)
{
	EFI_PHYSICAL_ADDRESS a = max;
	EFI_STATUS s = uefi_call_wrapper(BS->AllocatePages, 4,
					 max ? AllocateMaxAddress : AllocateAnyPages,
					 EfiLoaderData, pages, &a);

	return EFI_ERROR(s) ? 0 : a;
}

void smp_fw_prepare(enum smp_start_inject inject)
{
	size_t n, bytes;

	memset(&smp_plan, 0, sizeof(smp_plan));
	smp_plan.inject = inject;
	if (!read_madt())
		return;
	smp_plan.bsp_apic_id = smp_cpuid_apic_id();
	n = smp_plan_areas(&smp_plan.madt, smp_plan.bsp_apic_id);
	if (!n)
		return;
	smp_plan.low = alloc_pages(TR_LOW_PAGES, LOW_MAX_ADDR);
	bytes = n * smp_area_bytes();
	smp_plan.areas = alloc_pages((bytes + EFI_PAGE_SIZE - 1) / EFI_PAGE_SIZE, 0);
	if (!smp_plan.low || !smp_plan.areas) {
		smp_plan.why = "no memory for the AP trampoline below 1 MiB or the AP areas";
		smp_plan.low = smp_plan.areas = 0;
		return;
	}
	smp_plan.nareas = n;
}
