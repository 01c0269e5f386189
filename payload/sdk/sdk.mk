# payload/sdk/sdk.mk - builds the payload SDK and payloads.
#
# Included by the top-level Makefile (`include payload/sdk/sdk.mk`) or used
# alone (`make -f payload/sdk/sdk.mk payloads`), always from the repository
# root.  It defines only SDK_* / PAYLOAD_* variables and these targets:
#
#   build/payload/libefimm.a   the SDK library (sdk.c, lib/string.c, lib/timing.c and
#                              lib/printf.c); crt0.o next to it
#   build/payload/NAME.elf     one per in-tree payload/NAME.c
#   payloads                   all of the above
#   payload                    an out-of-tree payload, one C file:
#        make payload SRC=path/test.c OUT=path/test.elf
#      (extra flags: PAYLOAD_EXTRA_CFLAGS=...; the object goes to OUT.o)
#
# A payload is compiled -fpie (RIP-relative code, so the small code model
# works at the link address 0x500000000000) but linked as a static,
# non-PIE ET_EXEC with payload/sdk/payload.ld.  --no-relax: -fpie takes a
# function's address from the GOT (mov f@GOTPCREL(%rip)), which ld would
# rewrite for a non-PIE link into a 32-bit immediate that cannot hold an
# address at 0x500000000000 (the link failed); kept as a GOT load, the
# GOT is filled at link time and lives in the read-only segment.
#
# The SDK's header efimm.h includes efimm_abi.h, the one definition of the
# ABI efimm is built against too; both stay in payload/sdk/, which is on
# the include path of every payload build (in-tree and `make payload`).

# Used alone, build every payload by default; included, leave the
# including Makefile's default goal alone.
ifeq ($(.DEFAULT_GOAL),)
.DEFAULT_GOAL := payloads
endif

SDK_DIR       := payload/sdk
PAYLOAD_BUILD ?= build/payload
PAYLOAD_CC    ?= gcc
PAYLOAD_AR    ?= ar

PAYLOAD_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -ffreestanding \
	-fpie -fno-stack-protector -fno-stack-check -mno-red-zone \
	-mgeneral-regs-only -fno-asynchronous-unwind-tables \
	-fno-omit-frame-pointer -I$(SDK_DIR) $(PAYLOAD_EXTRA_CFLAGS)
PAYLOAD_LDFLAGS := -nostdlib -static -no-pie -Wl,-T,$(SDK_DIR)/payload.ld \
	-Wl,-z,max-page-size=4096 -Wl,-z,noexecstack -Wl,--build-id=none \
	-Wl,--no-dynamic-linker -Wl,--no-relax

SDK_LIB_SRCS  := $(SDK_DIR)/sdk.c $(SDK_DIR)/sdk_test.c lib/string.c lib/printf.c lib/timing.c
SDK_LIB_OBJS  := $(patsubst %.c,$(PAYLOAD_BUILD)/sdk-obj/%.o,$(SDK_LIB_SRCS))
SDK_LIB       := $(PAYLOAD_BUILD)/libefimm.a
SDK_CRT0      := $(PAYLOAD_BUILD)/crt0.o
SDK_LINK_DEPS := $(SDK_CRT0) $(SDK_LIB) $(SDK_DIR)/payload.ld

PAYLOAD_SRCS  := $(wildcard payload/*.c)
PAYLOAD_ELFS  := $(patsubst payload/%.c,$(PAYLOAD_BUILD)/%.elf,$(PAYLOAD_SRCS))

# Links object $(1) into payload $(2).
define PAYLOAD_LINK
	$(PAYLOAD_CC) $(PAYLOAD_LDFLAGS) $(SDK_CRT0) $(1) $(SDK_LIB) -lgcc -o $(2)
endef

$(PAYLOAD_BUILD)/sdk-obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(PAYLOAD_CC) $(PAYLOAD_CFLAGS) -MMD -MP -c $< -o $@

$(SDK_CRT0): $(SDK_DIR)/crt0.S
	@mkdir -p $(dir $@)
	$(PAYLOAD_CC) $(PAYLOAD_CFLAGS) -c $< -o $@

$(SDK_LIB): $(SDK_LIB_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@
	$(PAYLOAD_AR) rcs $@ $^

$(PAYLOAD_BUILD)/obj/%.o: payload/%.c
	@mkdir -p $(dir $@)
	$(PAYLOAD_CC) $(PAYLOAD_CFLAGS) -MMD -MP -c $< -o $@

$(PAYLOAD_BUILD)/%.elf: $(PAYLOAD_BUILD)/obj/%.o $(SDK_LINK_DEPS)
	$(call PAYLOAD_LINK,$<,$@)

.PHONY: payloads payload
payloads: $(PAYLOAD_ELFS)

payload: $(SDK_LINK_DEPS)
	@test -n "$(SRC)" -a -n "$(OUT)" || \
		{ echo "usage: make payload SRC=path/test.c OUT=path/test.elf"; exit 2; }
	@mkdir -p $(dir $(OUT))
	$(PAYLOAD_CC) $(PAYLOAD_CFLAGS) -c $(SRC) -o $(OUT).o
	$(call PAYLOAD_LINK,$(OUT).o,$(OUT))

-include $(wildcard $(PAYLOAD_BUILD)/sdk-obj/*/*.d $(PAYLOAD_BUILD)/sdk-obj/*/*/*.d \
	$(PAYLOAD_BUILD)/obj/*.d)
