/*
 * pure/memmap_fmt.c - Shell-compatible memory-map listing and the
 * sorted/merged view.
 */
#include "memmap_fmt.h"

#include "../lib/errno.h"
#include "../lib/kstring.h"
#include "../lib/printf.h"

/* Names as the UEFI Shell's memmap prints them in its list. */
static const char *const type_names[FW_MAX_TYPE] = {
	[FW_RESERVED] = "Reserved",     [FW_LOADER_CODE] = "LoaderCode",
	[FW_LOADER_DATA] = "LoaderData", [FW_BS_CODE] = "BS_Code",
	[FW_BS_DATA] = "BS_Data",       [FW_RT_CODE] = "RT_Code",
	[FW_RT_DATA] = "RT_Data",       [FW_CONVENTIONAL] = "Available",
	[FW_UNUSABLE] = "Unusable",     [FW_ACPI_RECLAIM] = "ACPI_Recl",
	[FW_ACPI_NVS] = "ACPI_NVS",     [FW_MMIO] = "MMIO",
	[FW_MMIO_PORT] = "MMIO_Port",   [FW_PAL_CODE] = "PalCode",
	[FW_PERSISTENT] = "Persistent", [FW_UNACCEPTED] = "Unaccepted",
};

/* The Shell's summary order and labels. */
static const struct {
	uint32_t type;
	const char *label;
} summary_rows[] = {
	{ FW_RESERVED, "Reserved  " },   { FW_LOADER_CODE, "LoaderCode" },
	{ FW_LOADER_DATA, "LoaderData" }, { FW_BS_CODE, "BS_Code   " },
	{ FW_BS_DATA, "BS_Data   " },    { FW_RT_CODE, "RT_Code   " },
	{ FW_RT_DATA, "RT_Data   " },    { FW_ACPI_RECLAIM, "ACPI_Recl " },
	{ FW_ACPI_NVS, "ACPI_NVS  " },   { FW_MMIO, "MMIO      " },
	{ FW_MMIO_PORT, "MMIO_Port " },  { FW_PAL_CODE, "PalCode   " },
	{ FW_CONVENTIONAL, "Available " }, { FW_PERSISTENT, "Persistent" },
};

const char *memmap_fmt_type_name(uint32_t type)
{
	return type < FW_MAX_TYPE ? type_names[type] : "Unknown";
}

int memmap_fmt_check(size_t map_size, size_t desc_size, const char **why)
{
	if (desc_size < FW_DESC_MIN_SIZE) {
		*why = "descriptor size smaller than 40 bytes";
		return -EINVAL;
	}
	if (desc_size % 8) {
		*why = "descriptor size not a multiple of 8";
		return -EINVAL;
	}
	if (map_size % desc_size) {
		*why = "map size not a multiple of the descriptor size";
		return -EINVAL;
	}
	return 0;
}

struct fw_desc memmap_fmt_desc(const void *map, size_t desc_size, size_t i)
{
	struct fw_desc d;

	memcpy(&d, (const uint8_t *)map + i * desc_size, sizeof(d));
	return d;
}

/* End address (inclusive) as the Shell computes it; saturates on wrap. */
static uint64_t desc_end(const struct fw_desc *d)
{
	uint64_t max_pages = (UINT64_MAX - d->phys_start) / FW_PAGE_SIZE + 1;

	if (d->num_pages > max_pages)
		return UINT64_MAX;
	return d->phys_start + d->num_pages * FW_PAGE_SIZE - 1;
}

static void print_desc(const struct fw_desc *d)
{
	kprintf("%-10s %016lX-%016lX %016lX %016lX\n",
		memmap_fmt_type_name(d->type), (unsigned long)d->phys_start,
		(unsigned long)desc_end(d), (unsigned long)d->num_pages,
		(unsigned long)d->attribute);
}

/* Formats v with thousands separators ("1,234,567"). */
static void fmt_commas(char *out, size_t size, uint64_t v)
{
	char digits[32];
	int n = ksnprintf(digits, sizeof(digits), "%lu", (unsigned long)v);
	size_t o = 0;

	for (int i = 0; i < n && o + 1 < size; i++) {
		if (i && (n - i) % 3 == 0 && o + 2 < size)
			out[o++] = ',';
		out[o++] = digits[i];
	}
	out[o] = '\0';
}

/* Sums pages per type; returns the total as the Shell counts it: every
 * type but Unusable, MMIO and MMIO_Port. */
static uint64_t sum_pages(const void *map, size_t n, size_t desc_size,
			  uint64_t pages[FW_MAX_TYPE])
{
	uint64_t total = 0;

	memset(pages, 0, sizeof(uint64_t) * FW_MAX_TYPE);
	for (size_t i = 0; i < n; i++) {
		struct fw_desc d = memmap_fmt_desc(map, desc_size, i);

		if (d.type >= FW_MAX_TYPE)
			continue;
		pages[d.type] += d.num_pages;
		if (d.type != FW_MMIO && d.type != FW_MMIO_PORT &&
		    d.type != FW_UNUSABLE)
			total += d.num_pages;
	}
	return total;
}

static void print_summary(const void *map, size_t n, size_t desc_size)
{
	uint64_t pages[FW_MAX_TYPE];
	uint64_t total = sum_pages(map, n, desc_size, pages);
	char a[32], b[32];

	kprintf(" \n");
	for (size_t i = 0; i < ARRAY_SIZE(summary_rows); i++) {
		uint64_t p = pages[summary_rows[i].type];

		fmt_commas(a, sizeof(a), p);
		fmt_commas(b, sizeof(b), p * FW_PAGE_SIZE);
		kprintf("  %s: %14s Pages (%s Bytes)\n", summary_rows[i].label, a, b);
	}
	fmt_commas(a, sizeof(a), total * FW_PAGE_SIZE >> 20);
	fmt_commas(b, sizeof(b), total * FW_PAGE_SIZE);
	kprintf("              -------------- \n");
	kprintf("Total Memory: %14s MB (%s Bytes)\n", a, b);
}

int memmap_fmt_print(const void *map, size_t map_size, size_t desc_size)
{
	const char *why;
	size_t n;

	if (memmap_fmt_check(map_size, desc_size, &why)) {
		kprintf("memmap: bad memory map: %s\n", why);
		return -EINVAL;
	}
	n = map_size / desc_size;
	kprintf("Type       Start            End              # Pages          Attributes\n");
	for (size_t i = 0; i < n; i++) {
		struct fw_desc d = memmap_fmt_desc(map, desc_size, i);

		print_desc(&d);
	}
	print_summary(map, n, desc_size);
	return 0;
}

/* Shell sort by start address: O(n^1.3), no recursion, no allocation. */
static void sort_descs(struct fw_desc *v, size_t n)
{
	for (size_t gap = n / 2; gap > 0; gap /= 2)
		for (size_t i = gap; i < n; i++) {
			struct fw_desc t = v[i];
			size_t j = i;

			for (; j >= gap && v[j - gap].phys_start > t.phys_start; j -= gap)
				v[j] = v[j - gap];
			v[j] = t;
		}
}

static int mergeable(const struct fw_desc *a, const struct fw_desc *b)
{
	return a->type == b->type && a->attribute == b->attribute &&
	       desc_end(a) != UINT64_MAX && desc_end(a) + 1 == b->phys_start;
}

static void report_overlap(const struct fw_desc *a, const struct fw_desc *b)
{
	kprintf("memmap: overlap: %s %016lX-%016lX and %s %016lX-%016lX\n",
		memmap_fmt_type_name(a->type), (unsigned long)a->phys_start,
		(unsigned long)desc_end(a), memmap_fmt_type_name(b->type),
		(unsigned long)b->phys_start, (unsigned long)desc_end(b));
}

/* Merges v[0..n) in place; returns the new count, counts overlaps. */
static size_t merge_descs(struct fw_desc *v, size_t n, int *overlaps)
{
	size_t out = 0;

	for (size_t i = 0; i < n; i++) {
		if (out && v[i].phys_start <= desc_end(&v[out - 1])) {
			report_overlap(&v[out - 1], &v[i]);
			(*overlaps)++;
		}
		if (out && mergeable(&v[out - 1], &v[i]))
			v[out - 1].num_pages += v[i].num_pages;
		else
			v[out++] = v[i];
	}
	return out;
}

int memmap_fmt_print_sorted(const void *map, size_t map_size, size_t desc_size,
			    struct fw_desc *scratch, size_t scratch_cap)
{
	const char *why;
	size_t n, kept = 0, merged;
	int overlaps = 0;

	if (memmap_fmt_check(map_size, desc_size, &why)) {
		kprintf("memmap: bad memory map: %s\n", why);
		return -EINVAL;
	}
	n = map_size / desc_size;
	if (scratch_cap < n)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		struct fw_desc d = memmap_fmt_desc(map, desc_size, i);

		if (d.num_pages)
			scratch[kept++] = d;
	}
	sort_descs(scratch, kept);
	merged = merge_descs(scratch, kept, &overlaps);
	kprintf("Type       Start            End              # Pages          Attributes\n");
	for (size_t i = 0; i < merged; i++)
		print_desc(&scratch[i]);
	kprintf("memmap: sorted %zu entries: merged %zu into neighbours, "
		"dropped %zu zero-page, %d overlapping\n",
		n, kept - merged, n - kept, overlaps);
	print_summary(scratch, merged, sizeof(struct fw_desc));
	return overlaps;
}
