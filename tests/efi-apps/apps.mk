# tests/efi-apps/apps.mk - EFI images the chainload boot tests load.
# Included by the top Makefile after its EFI_* variables; `make
# test-images` builds them into build/tests/:
#
#   argecho.efi       x86_64 EFI application (same gnu-efi flags and link
#                     as efimm) that prints its LoadOptions and returns
#                     the status asked for (tests/efi-apps/argecho.c)
#   argecho-ia32.efi  the same source built for IA-32: a valid PE32 image
#                     for another machine (Machine 0x14C)
#   notpe.efi         argecho's ELF file under an .efi name: not a PE image

APPS_DIR := $(BUILD)/tests
TEST_APPS := $(APPS_DIR)/argecho.efi $(APPS_DIR)/argecho-ia32.efi \
	$(APPS_DIR)/notpe.efi

IA32_CFLAGS := -m32 -std=gnu11 -O2 $(WARN) -ffreestanding -fno-stack-protector \
	-fpic -fshort-wchar -mno-sse -mno-mmx -I$(EFI_INC) -I$(EFI_INC)/ia32
IA32_LIB := /usr/lib32

$(APPS_DIR)/obj/argecho.o: tests/efi-apps/argecho.c
	@mkdir -p $(dir $@)
	$(CC) $(EFI_CFLAGS) -c $< -o $@

$(APPS_DIR)/argecho.so: $(APPS_DIR)/obj/argecho.o efi/efimm.lds
	$(LD) $(EFI_LDFLAGS) $< -L$(EFI_LIB) -lefi -lgnuefi -o $@
	tools/check-relocs.sh $@

$(APPS_DIR)/argecho.efi: $(APPS_DIR)/argecho.so
	$(OBJCOPY) -j .text -j .sdata -j .rodata -j .data -j .dynamic -j .dynsym \
		-j .rel -j .rela -j '.rel.*' -j '.rela.*' -j .reloc \
		--target efi-app-x86_64 --subsystem=10 $< $@

$(APPS_DIR)/obj/argecho-ia32.o: tests/efi-apps/argecho.c
	@mkdir -p $(dir $@)
	$(CC) $(IA32_CFLAGS) -c $< -o $@

$(APPS_DIR)/argecho-ia32.so: $(APPS_DIR)/obj/argecho-ia32.o
	$(LD) -m elf_i386 -nostdlib -znocombreloc -shared -Bsymbolic \
		-T $(IA32_LIB)/elf_ia32_efi.lds $(IA32_LIB)/crt0-efi-ia32.o $< \
		-L$(IA32_LIB) -lefi -lgnuefi -o $@

$(APPS_DIR)/argecho-ia32.efi: $(APPS_DIR)/argecho-ia32.so
	$(OBJCOPY) -j .text -j .sdata -j .data -j .dynamic -j .dynsym -j .rel \
		-j .rela -j .reloc --target efi-app-ia32 --subsystem=10 $< $@

$(APPS_DIR)/notpe.efi: $(APPS_DIR)/argecho.so
	cp $< $@

.PHONY: test-apps
test-apps: $(TEST_APPS)
test-images: $(TEST_APPS)
