# efimm - every entry point: build, image, run, test, bench.
#
#   make            build build/efimm.efi and stage it in esp/
#   make image      build/efimm.img: GPT disk, one FAT32 ESP holding esp/
#   make run        boot the image in QEMU/OVMF (MEM=, ARGS=, PAYLOAD=)
#   make gdb        the same boot under gdb: efimm's and the payload's symbols
#   make test       layer check, unit tests, fuzz smoke runs, QEMU boot tests
#   make layers     the layer rules over the built objects (tools/check-layers.py)
#   make bench      benchmarks (host and QEMU -icount)
#   make payload SRC=path/test.c OUT=path/test.elf
#   make sdk        the SDK directory build/sdk (SDK_OUT=dir) for a user's
#                   own build (rules in payload/sdk/sdk.mk)
#
# `make run` and `make test` install missing Debian packages first
# (tools/deps.sh).  Build outputs go to build/ (git-ignored).

.DEFAULT_GOAL := all
SHELL := /bin/bash
BUILD := build

# --- policies: one file each, chosen here --------------------------------
# Eviction: every mm/evict_*.c is built; `evict=NAME` on the run line picks
# one at run time and EVICT is the default (clock: see tests/bench).
EVICT ?= clock
POLICY_CFLAGS := -DEVICT_DEFAULT=$(EVICT)

# --- target (UEFI application) -------------------------------------------
EFI_INC := /usr/include/efi
EFI_LIB := /usr/lib
CC      := gcc
LD      := ld
OBJCOPY := objcopy

WARN := -Wall -Wextra -Werror
EFI_CFLAGS := -std=gnu11 -O2 -g $(WARN) -ffreestanding -fno-stack-protector \
	-fno-stack-check -fno-omit-frame-pointer -fpic -fshort-wchar -mno-red-zone \
	-maccumulate-outgoing-args -mgeneral-regs-only -fno-strict-aliasing \
	-DGNU_EFI_USE_MS_ABI -DEFIMM_TARGET -I$(EFI_INC) -I$(EFI_INC)/x86_64 -I. \
	-Iarch/x86_64/include \
	$(POLICY_CFLAGS)
EFI_LDFLAGS := -nostdlib -znocombreloc -shared -Bsymbolic --no-undefined \
	-T efi/efimm.lds $(EFI_LIB)/crt0-efi-x86_64.o

LIB_SRCS   := $(wildcard lib/*.c)
EFI_SRCS   := $(wildcard efi/*.c efi/*/*.c)
PURE_SRCS  := $(wildcard pure/*.c)
MACHINE_SRCS := $(wildcard machine/*.c)
MM_SRCS    := $(wildcard mm/*.c)
ARCH_SRCS  := $(wildcard arch/x86_64/*.c)
ARCH_ASM   := $(wildcard arch/x86_64/*.S)
TARGET_SRCS := $(LIB_SRCS) $(EFI_SRCS) $(PURE_SRCS) $(MACHINE_SRCS) \
	$(MM_SRCS) $(ARCH_SRCS)
TARGET_OBJS := $(patsubst %.c,$(BUILD)/efi-obj/%.o,$(TARGET_SRCS)) \
	$(patsubst %.S,$(BUILD)/efi-obj/%.o,$(ARCH_ASM))

$(BUILD)/efi-obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(EFI_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/efi-obj/%.o: %.S
	@mkdir -p $(dir $@)
	$(CC) $(EFI_CFLAGS) -MMD -MP -c $< -o $@

# efimm's version, recorded in snapshot files (pure/snapfile.h).
EFIMM_VERSION := $(shell git describe --always --dirty 2>/dev/null || echo unknown)
$(BUILD)/efi-obj/efi/cmd/cmd_snapshot.o: EFI_CFLAGS += -DEFIMM_VERSION='"efimm-$(EFIMM_VERSION)"'

# gnu-efi's libefi.a with its byte-loop memset/memcpy made weak, so that
# lib/string.c's versions are the ones linked (no --allow-multiple-definition).
$(BUILD)/libefi.a: $(EFI_LIB)/libefi.a
	@mkdir -p $(dir $@)
	$(OBJCOPY) --weaken-symbol=memset --weaken-symbol=memcpy $< $@

# efimm carries its own symbol table for symbolized backtraces: the first
# link (efimm.pre.so) has an empty one; tools/ksyms.py turns its function
# symbols into build/gen/ksyms.c for the second link, and checks that no
# function moved between the two (the table sits after .text).
EFI_LINK = $(LD) $(EFI_LDFLAGS) $(TARGET_OBJS) $(1) $(BUILD)/libefi.a \
	-L$(EFI_LIB) -lgnuefi -o $(2)

$(BUILD)/gen/ksyms_empty.c: tools/ksyms.py
	@mkdir -p $(dir $@)
	/usr/bin/python3 tools/ksyms.py --empty $@

$(BUILD)/gen/%.o: $(BUILD)/gen/%.c
	$(CC) $(EFI_CFLAGS) -c $< -o $@

$(BUILD)/efimm.pre.so: $(TARGET_OBJS) efi/efimm.lds $(BUILD)/libefi.a $(BUILD)/gen/ksyms_empty.o
	$(call EFI_LINK,$(BUILD)/gen/ksyms_empty.o,$@)

$(BUILD)/gen/ksyms.c: $(BUILD)/efimm.pre.so tools/ksyms.py
	/usr/bin/python3 tools/ksyms.py $< $@

$(BUILD)/efimm.so: $(BUILD)/efimm.pre.so $(BUILD)/gen/ksyms.o
	$(call EFI_LINK,$(BUILD)/gen/ksyms.o,$@)
	/usr/bin/python3 tools/ksyms.py --check $(BUILD)/efimm.pre.so $@
	tools/check-relocs.sh $@

# Keep every .rela* section: gnu-efi's _relocate applies them at start-up.
$(BUILD)/efimm.efi: $(BUILD)/efimm.so
	$(OBJCOPY) -j .text -j .sdata -j .rodata -j .data -j .dynamic -j .dynsym \
		-j .rel -j .rela -j '.rel.*' -j '.rela.*' -j .reloc \
		--target efi-app-x86_64 --subsystem=10 $< $@

esp/EFI/BOOT/BOOTX64.EFI: $(BUILD)/efimm.efi
	@mkdir -p $(dir $@)
	cp $< $@

# --- payload SDK and the in-tree payloads (staged in esp/efimm/payloads) ---
include payload/sdk/sdk.mk
ESP_PAYLOADS := $(patsubst $(PAYLOAD_BUILD)/%.elf,esp/efimm/payloads/%.elf,$(PAYLOAD_ELFS))

esp/efimm/payloads/%.elf: $(PAYLOAD_BUILD)/%.elf
	@mkdir -p $(dir $@)
	cp $< $@

.PHONY: all
all: esp/EFI/BOOT/BOOTX64.EFI $(ESP_PAYLOADS)

# --- host build: unit tests of pure/, mm/, arch/ and lib/ -------------------
HOST_CC := gcc
# arch_direct_map.h (arch_phys_to_ptr) of the host builds: the arena's.
HOST_INC := -Itests/host/include
HOST_CFLAGS := -std=gnu11 -O1 -g $(WARN) -fno-omit-frame-pointer \
	-fsanitize=address,undefined -fno-sanitize-recover=undefined -I. \
	$(HOST_INC) -DEFIMM_HOST $(POLICY_CFLAGS)
CHECK_LIBS := $(shell pkg-config --libs check 2>/dev/null || echo -lcheck)
# pure/ never touches firmware, so the whole folder runs on the host.
HOST_SRCS := lib/printf.c lib/console.c lib/errno.c lib/strutil.c lib/symtab.c lib/page.c \
	$(PURE_SRCS) $(MM_SRCS) $(filter-out %_hw.c,$(ARCH_SRCS)) \
	$(wildcard tests/host/*.c)
# The SDK's benchmark figures: pure, and unit-tested (test_sdk_stats.c).
HOST_SRCS += payload/sdk/sdk_stats.c
# The list of efimm's stacks and its limit (test_symbols_stacks.c).
HOST_SRCS += machine/symbols_stacks.c
HOST_SRCS := $(filter $(wildcard $(HOST_SRCS)),$(HOST_SRCS))
HOST_OBJS := $(patsubst %.c,$(BUILD)/host-obj/%.o,$(HOST_SRCS))
UNIT_OBJS := $(patsubst %.c,$(BUILD)/host-obj/%.o,$(wildcard tests/unit/*.c))

$(BUILD)/host-obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/unit_tests: $(HOST_OBJS) $(UNIT_OBJS)
	$(HOST_CC) $(HOST_CFLAGS) $^ $(CHECK_LIBS) -o $@

.PHONY: unit
unit: $(BUILD)/unit_tests
	CK_DEFAULT_TIMEOUT=60 $(BUILD)/unit_tests

# --- tools/efimm-replay: efimm's code over a snapshot file, on the host ----
# The unit tests' host objects (console and panic its own) and
# machine/mmboot.c; cpu_read_pat wrapped so the tables use the file's PAT.
REPLAY_OBJS := $(filter-out $(BUILD)/host-obj/tests/host/con_host.o \
	$(BUILD)/host-obj/tests/host/panic_host.o,$(HOST_OBJS)) \
	$(BUILD)/host-obj/machine/mmboot.o $(BUILD)/host-obj/tools/efimm-replay.o \
	$(BUILD)/host-obj/tools/efimm-replay-io.o $(BUILD)/host-obj/tools/efimm-replay-json.o

$(BUILD)/efimm-replay: $(REPLAY_OBJS)
	$(HOST_CC) $(HOST_CFLAGS) $^ -Wl,--wrap=cpu_read_pat -o $@

.PHONY: replay
replay: $(BUILD)/efimm-replay

# --- fuzz targets (libFuzzer, clang from Debian) ---------------------------
comma := ,
FUZZ_CC := clang
FUZZ_CFLAGS := -std=gnu11 -O1 -g -I. $(HOST_INC) -DEFIMM_HOST $(POLICY_CFLAGS) \
	-fsanitize=fuzzer,address,undefined
FUZZ_SRCS := $(filter-out tests/fuzz/fuzz_host.c,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BINS := $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz/%,$(FUZZ_SRCS))
FUZZ_LIB_SRCS := $(filter-out tests/host/con_host.c tests/host/panic_host.c,$(HOST_SRCS)) tests/fuzz/fuzz_host.c
FUZZ_RUNS ?= 20000

# The sources under test are compiled once (coverage-instrumented, no
# libFuzzer main) and linked into every target.
FUZZ_LIB_OBJS := $(patsubst %.c,$(BUILD)/fuzz-obj/%.o,$(FUZZ_LIB_SRCS))
FUZZ_OBJ_CFLAGS := $(subst -fsanitize=fuzzer$(comma),-fsanitize=fuzzer-no-link$(comma),$(FUZZ_CFLAGS))

$(BUILD)/fuzz-obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_OBJ_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/fuzz/%: tests/fuzz/%.c $(FUZZ_LIB_OBJS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $< $(FUZZ_LIB_OBJS) -o $@

.PHONY: fuzz
fuzz: $(FUZZ_BINS)
	@for f in $(FUZZ_BINS); do \
		n=$$(basename $$f); rm -rf $(BUILD)/fuzz/$$n.work; \
		mkdir -p $(BUILD)/fuzz/$$n.work; \
		echo "fuzz: $$n ($(FUZZ_RUNS) runs)"; \
		$$f -runs=$(FUZZ_RUNS) -seed=1 -max_len=8192 $(BUILD)/fuzz/$$n.work \
			$$(ls -d tests/fuzz/corpus/$$n 2>/dev/null) \
			>$(BUILD)/fuzz/$$n.log 2>&1 || \
			{ tail -40 $(BUILD)/fuzz/$$n.log; exit 1; }; \
	done

# --- disk image, QEMU ------------------------------------------------------
MEM ?= 512M
CPUS ?= 1
MACHINE ?= q35
ARGS ?=
PAYLOAD ?=
IMG_EXTRA ?=

.PHONY: image
image: all
	tools/mkimage.sh $(BUILD)/efimm.img esp $(IMG_EXTRA)

# MEM, CPUS, MACHINE, ARGS and PAYLOAD reach the runner through the
# environment, verbatim (ARGS may hold quotes: ARGS='a "b c"').
.PHONY: run
run: export EFIMM_MEM = $(MEM)
run: export EFIMM_CPUS = $(CPUS)
run: export EFIMM_MACHINE = $(MACHINE)
run: export EFIMM_ARGS = $(ARGS)
run: export EFIMM_PAYLOAD = $(PAYLOAD)
run:
	@tools/deps.sh run
	@$(MAKE) --no-print-directory all
	@tools/run.sh

# `make run`'s boot with QEMU's gdb stub and gdb attached before efimm runs
# (tools/efimm_gdb.py); the same inputs.
.PHONY: gdb
gdb: export EFIMM_MEM = $(MEM)
gdb: export EFIMM_CPUS = $(CPUS)
gdb: export EFIMM_MACHINE = $(MACHINE)
gdb: export EFIMM_ARGS = $(ARGS)
gdb: export EFIMM_PAYLOAD = $(PAYLOAD)
gdb:
	@tools/deps.sh run
	@$(MAKE) --no-print-directory all
	@tools/run.sh --gdb

# --- tests -------------------------------------------------------------------
PYTHON := /usr/bin/python3
PYTEST_ARGS ?=

.PHONY: test
test:
	@tools/deps.sh test
	@$(MAKE) --no-print-directory -j2 all test-images
	@$(MAKE) --no-print-directory layers
	@$(MAKE) --no-print-directory -j2 unit
	@$(MAKE) --no-print-directory -j2 $(FUZZ_BINS)
	@$(MAKE) --no-print-directory fuzz
	@$(MAKE) --no-print-directory replay
	$(PYTHON) -m pytest -q -n 2 tests/boot $(PYTEST_ARGS)

# The layer rules (order in tools/check-layers.py and README "Source
# layout"): its fault-injection tests first, then the check of efimm.
.PHONY: layers
layers: all
	$(PYTHON) -m pytest -q tests/tools
	$(PYTHON) tools/check-layers.py $(BUILD)/efi-obj . $(TARGET_OBJS)

.PHONY: test-images
test-images: all
include tests/efi-apps/apps.mk

# --- benchmarks ----------------------------------------------------------------
# Host benchmarks link the host sources without sanitizers.
BENCH_SRCS := lib/printf.c lib/console.c lib/errno.c lib/strutil.c lib/page.c \
	$(MM_SRCS) arch/x86_64/hooks.c arch/x86_64/pt.c arch/x86_64/insn.c \
	arch/x86_64/pt_deny.c tests/host/con_host.c \
	tests/host/panic_host.c tests/host/physmem_host.c tests/host/cpu_host.c \
	tests/host/mmu_host.c arch/x86_64/trap.c arch/x86_64/ptdump.c \
	tests/host/trap_host.c tests/host/trap_resume_host.c tests/host/kstack_host.c \
	arch/x86_64/tlb.c arch/x86_64/percpu.c tests/host/percpu_host.c

$(BUILD)/bench/%: tests/bench/%.c $(BENCH_SRCS)
	@mkdir -p $(dir $@)
	$(HOST_CC) -std=gnu11 -O2 $(WARN) -I. $(HOST_INC) -DEFIMM_HOST $(POLICY_CFLAGS) \
		$(BENCH_SRCS) $< -o $@

BENCH_BINS := $(patsubst tests/bench/%.c,$(BUILD)/bench/%,$(wildcard tests/bench/bench_*.c))

.PHONY: bench
# The QEMU figures (tools/bench_readme.py: bench_paging.py, bench_boot.py,
# bench_suite.py, bench_syscall.py, bench_linux.py); BENCH_README=1 also
# rewrites the README's tables.
bench:
	@tools/deps.sh bench
	@$(MAKE) --no-print-directory all test-images $(BENCH_BINS)
	@for b in $(BENCH_BINS); do echo "== $$b"; $$b || exit 1; done
	@echo "== QEMU -icount: efimm's map/unmap, faults, boot, system calls (ring 3, ring 0), several CPUs, Linux 6.1 (tools/bench_readme.py)"
	@$(PYTHON) tools/bench_readme.py $(if $(BENCH_README),--write)

.PHONY: clean
clean:
	rm -rf $(BUILD) esp/EFI/BOOT/BOOTX64.EFI

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
