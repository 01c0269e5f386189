#!/bin/bash
# tools/mkimage.sh OUT.img ESPDIR [EXTRA-DIR...]
# Writes a GPT disk image with one EFI System Partition (FAT32, made with
# mtools: no loop devices, no root) holding the tree ESPDIR, then every
# EXTRA-DIR copied over it (later trees win).  OVMF boots it through the
# removable-media path \EFI\BOOT\BOOTX64.EFI.
set -euo pipefail
out=$1; shift
esp=$1; shift
MB=${IMG_MB:-64}
part_sectors=$((MB * 2048))
first=2048
total=$((first + part_sectors + 2048))
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The FAT32 file system, built on its own, then placed at sector 2048.
truncate -s $((part_sectors * 512)) "$tmp/esp.fat"
mformat -i "$tmp/esp.fat" -F -v EFIMM -T "$part_sectors" -h 64 -s 32 ::
for dir in "$esp" "$@"; do
	[ -d "$dir" ] || continue
	(cd "$dir" && find . -mindepth 1 -type d | sort) | while read -r d; do
		mmd -D s -i "$tmp/esp.fat" "::/${d#./}" 2>/dev/null || true
	done
	(cd "$dir" && find . -type f | sort) | while read -r f; do
		mcopy -o -i "$tmp/esp.fat" "$dir/$f" "::/${f#./}"
	done
done

rm -f "$out"
truncate -s $((total * 512)) "$out"
sgdisk -o -n "1:$first:$((first + part_sectors - 1))" -t 1:EF00 -c 1:"EFI System" "$out" >/dev/null
dd if="$tmp/esp.fat" of="$out" bs=512 seek=$first conv=notrunc status=none
