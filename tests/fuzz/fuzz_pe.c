/*
 * tests/fuzz/fuzz_pe.c - libFuzzer target for the PE header check:
 * any input must be classified without reading outside it (ASan), and
 * an accepted one must really carry the fields the check promises.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../pure/pe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char why[120];
	int r = pe_check(data, size, why, sizeof(why));
	uint32_t lfanew;

	if (r != 0)
		return 0;
	memcpy(&lfanew, data + 0x3C, 4);
	if (data[0] != 'M' || memcmp(data + lfanew, "PE\0\0", 4) ||
	    data[lfanew + 4] != 0x64 || data[lfanew + 5] != 0x86)
		abort();
	return 0;
}
