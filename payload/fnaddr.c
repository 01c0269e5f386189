/*
 * payload/fnaddr.c - a payload may take the address of SDK functions
 * (in code and in initialised data) and call through it.  The link used
 * to fail for these ("failed to convert GOTPCREL relocation"): the SDK
 * build (payload/sdk/sdk.mk) must link them.
 *
 * Exits 0 when every pointer is right and the calls through them work.
 */
#include "efimm.h"

static size_t (*const table[])(void) = { k_mem_free_get };

int main(int argc, char **argv)
{
	void *f = k_mem_unpin;
	int (*pin)(void *, size_t) = k_mem_pin;
	size_t (*free_get)(void) = table[0];
	int (*say)(const char *, ...) = printk;
	int bad = 0;

	(void)argc;
	(void)argv;
	EFIMM_LAUNDER(f);
	EFIMM_LAUNDER(pin);
	bad += f != (void *)k_mem_unpin;
	bad += (uintptr_t)f < EFIMM_PAYLOAD_BASE;
	bad += pin(NULL, 0) != -EINVAL;
	bad += free_get() == 0;
	say("fnaddr: k_mem_unpin at %p, k_mem_pin at %p, free %lu KiB: %s\n", f,
	    (void *)pin, (unsigned long)free_get() / 1024, bad ? "FAILED" : "ok");
	return bad;
}
