# payload/sdk/sdk.mk - builds the payload SDK and payloads.
#
# Included by the top-level Makefile (`include payload/sdk/sdk.mk`) or used
# alone (`make -f payload/sdk/sdk.mk payloads`), always from the repository
# root.  It defines only SDK_* / PAYLOAD_* variables and these targets:
#
#   build/payload/libefimm.a   the SDK library (sdk.c, sdk_test.c, sdk_stats.c, sdk_fault.S,
#                              lib/string.c, lib/timing.c, lib/printf.c); crt0.o next to it
#   build/payload/NAME.elf     one per in-tree payload/NAME.c
#   payloads                   all of the above
#   payload                    an out-of-tree payload, one C file:
#        make payload SRC=path/test.c OUT=path/test.elf
#      (extra flags: PAYLOAD_EXTRA_CFLAGS=...; the object goes to OUT.o)
#   sdk                        the SDK as a self-contained directory for a
#                              user's own build: make sdk [SDK_OUT=dir]
#        SDK_OUT/include/      efimm.h, efimm_abi.h
#        SDK_OUT/lib/          libefimm.a, crt0.o, payload.ld
#        SDK_OUT/efimm-sdk.mk  include it: EFIMM_CFLAGS, EFIMM_LDFLAGS,
#                              EFIMM_LIBS, efimm_link, a %.elf rule
#        SDK_OUT/efimm-sdk.pc  the same for pkg-config (paths from
#                              ${pcfiledir})
#      Both find the directory from their own location, so it works
#      wherever it is copied (tools/efimm-test builds with it too).
#
# Warnings: efimm's own payloads are built -Werror; a user's (`make
# payload`, the SDK directory) get -Wall -Wextra without it, so a test
# that recurses forever on purpose (-Winfinite-recursion) still builds.
# The SDK library is compiled with -DEFIMM_SDK_BUILD, which is what makes
# efimm.h declare main(argc, argv) for sdk.c; a payload may define
# main as int main(void) or int main(int argc, char **argv).
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

# What every payload is compiled and linked with, whoever builds it (the
# SDK directory's efimm-sdk.mk and efimm-sdk.pc carry these same words).
PAYLOAD_USER_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -ffreestanding \
	-fpie -fno-stack-protector -fno-stack-check -mno-red-zone \
	-mgeneral-regs-only -fno-asynchronous-unwind-tables \
	-fno-omit-frame-pointer
PAYLOAD_BASE_LDFLAGS := -nostdlib -static -no-pie \
	-Wl,-z,max-page-size=4096 -Wl,-z,noexecstack -Wl,--build-id=none \
	-Wl,--no-dynamic-linker -Wl,--no-relax

# efimm's own payloads and the SDK library: -Werror.
PAYLOAD_CFLAGS := $(PAYLOAD_USER_CFLAGS) -Werror -I$(SDK_DIR) \
	$(PAYLOAD_EXTRA_CFLAGS)
PAYLOAD_LDFLAGS := $(PAYLOAD_BASE_LDFLAGS) -Wl,-T,$(SDK_DIR)/payload.ld

SDK_LIB_SRCS  := $(SDK_DIR)/sdk.c $(SDK_DIR)/sdk_test.c $(SDK_DIR)/sdk_stats.c \
	lib/string.c lib/printf.c lib/timing.c
SDK_LIB_ASM   := $(SDK_DIR)/sdk_fault.S $(SDK_DIR)/sdk_smp.S
SDK_LIB_OBJS  := $(patsubst %.c,$(PAYLOAD_BUILD)/sdk-obj/%.o,$(SDK_LIB_SRCS)) \
	$(patsubst %.S,$(PAYLOAD_BUILD)/sdk-obj/%.o,$(SDK_LIB_ASM))
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
	$(PAYLOAD_CC) $(PAYLOAD_CFLAGS) -DEFIMM_SDK_BUILD -MMD -MP -c $< -o $@

$(PAYLOAD_BUILD)/sdk-obj/%.o: %.S
	@mkdir -p $(dir $@)
	$(PAYLOAD_CC) $(PAYLOAD_CFLAGS) -c $< -o $@

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
	$(PAYLOAD_CC) $(PAYLOAD_USER_CFLAGS) -I$(SDK_DIR) $(PAYLOAD_EXTRA_CFLAGS) \
		-c $(SRC) -o $(OUT).o
	$(call PAYLOAD_LINK,$(OUT).o,$(OUT))

# --- the SDK directory (make sdk) ---------------------------------------------
SDK_OUT ?= build/sdk
SDK_OUT_FILES := $(SDK_OUT)/include/efimm.h $(SDK_OUT)/include/efimm_abi.h \
	$(SDK_OUT)/lib/libefimm.a $(SDK_OUT)/lib/crt0.o \
	$(SDK_OUT)/lib/payload.ld $(SDK_OUT)/efimm-sdk.mk $(SDK_OUT)/efimm-sdk.pc

# Copies $(1) to $(2) through a temporary name, so that a concurrent
# reader (two runners at once) never sees half a file.
define SDK_INSTALL
	@mkdir -p $(dir $(2))
	cp $(1) $(2).tmp$$$$ && mv -f $(2).tmp$$$$ $(2)
endef

# Fills the flags into a template (@EFIMM_CFLAGS@, @EFIMM_LDFLAGS@).
define SDK_SUBST
	@mkdir -p $(dir $(2))
	sed -e 's|@EFIMM_CFLAGS@|$(PAYLOAD_USER_CFLAGS)|' \
		-e 's|@EFIMM_LDFLAGS@|$(PAYLOAD_BASE_LDFLAGS)|' $(1) > $(2).tmp$$$$ \
		&& mv -f $(2).tmp$$$$ $(2)
endef

$(SDK_OUT)/include/%.h: $(SDK_DIR)/%.h
	$(call SDK_INSTALL,$<,$@)
$(SDK_OUT)/lib/libefimm.a: $(SDK_LIB)
	$(call SDK_INSTALL,$<,$@)
$(SDK_OUT)/lib/crt0.o: $(SDK_CRT0)
	$(call SDK_INSTALL,$<,$@)
$(SDK_OUT)/lib/payload.ld: $(SDK_DIR)/payload.ld
	$(call SDK_INSTALL,$<,$@)
$(SDK_OUT)/efimm-sdk.mk: $(SDK_DIR)/efimm-sdk.mk.in $(SDK_DIR)/sdk.mk
	$(call SDK_SUBST,$<,$@)
$(SDK_OUT)/efimm-sdk.pc: $(SDK_DIR)/efimm-sdk.pc.in $(SDK_DIR)/sdk.mk
	$(call SDK_SUBST,$<,$@)

.PHONY: sdk
sdk: $(SDK_OUT_FILES)

-include $(wildcard $(PAYLOAD_BUILD)/sdk-obj/*/*.d $(PAYLOAD_BUILD)/sdk-obj/*/*/*.d \
	$(PAYLOAD_BUILD)/obj/*.d)
