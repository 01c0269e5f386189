/*
 * arch/x86_64/percpu.c - the boot CPU's area and the layout checks the
 * assembly relies on (percpu.h).
 */
#include "percpu.h"

#include <stddef.h>

_Static_assert(offsetof(struct percpu, self) == PERCPU_SELF, "percpu: self");
_Static_assert(offsetof(struct percpu, cpu) == PERCPU_CPU, "percpu: cpu");
_Static_assert(offsetof(struct percpu, kstack_base) == PERCPU_KSTACK_BASE,
	       "percpu: kstack_base");
_Static_assert(offsetof(struct percpu, kstack_top) == PERCPU_KSTACK_TOP,
	       "percpu: kstack_top");

struct percpu percpu_boot = { .self = &percpu_boot };
