/*
 * tests/fuzz/fuzz_madt.c - libFuzzer target for the MADT reader
 * (pure/madt.c).  The input's first bytes are the table; the checksum is
 * fixed up half the time so that the entry walk is reached.  No input
 * may read outside the buffer (ASan), and what madt_parse accepts must
 * keep the promises of pure/madt.h (checked below).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../pure/madt.h"

static struct madt_info info;

static void check_accepted(void)
{
	if (info.ncpus > MADT_MAX_CPUS)
		abort();
	for (size_t i = 0; i < info.ncpus; i++) {
		if (!info.cpu[i].enabled)
			abort();
		for (size_t j = 0; j < i; j++)
			if (info.cpu[i].apic_id == info.cpu[j].apic_id)
				abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *t = malloc(size ? size : 1);
	char why[MADT_WHY_MAX];
	int r;

	memcpy(t, data, size);
	if (size > 9 && (data[0] & 1)) {
		uint8_t s = 0;

		memcpy(t, "APIC", 4);
		t[9] = 0;
		for (size_t i = 0; i < size && i < (size_t)(t[4] | t[5] << 8); i++)
			s = (uint8_t)(s + t[i]);
		t[9] = (uint8_t)(0 - s);
	}
	memset(why, 0x55, sizeof(why));
	r = madt_parse(t, size, &info, why);
	if (r == 0)
		check_accepted();
	else if (r != -22 || strnlen(why, sizeof(why)) == sizeof(why) || !why[0])
		abort();
	free(t);
	return 0;
}
