#!/bin/sh
# tools/check-relocs.sh IMAGE.so - fails the build if the linked image
# has relocations gnu-efi's _relocate() cannot apply at start-up (it
# handles R_X86_64_RELATIVE only) or text relocations.
set -e
so=$1
if readelf -d "$so" | grep -q TEXTREL; then
	echo "check-relocs: $so has text relocations (DT_TEXTREL)" >&2
	exit 1
fi
bad=$(readelf -rW "$so" | awk '/^[0-9a-f]+ +[0-9a-f]+ +R_X86_64_/ && $3 != "R_X86_64_RELATIVE" && $3 != "R_X86_64_NONE" {print $3}' | sort -u)
if [ -n "$bad" ]; then
	echo "check-relocs: $so has relocations _relocate cannot apply: $bad" >&2
	exit 1
fi
