#!/bin/sh
# tools/deps.sh - makes sure the Debian packages efimm needs are installed.
# As root it installs the missing ones; otherwise it prints the one
# apt-get line to run and fails.
#   usage: tools/deps.sh run|test|bench|build
# run includes gdb for `make gdb` (tools/run.sh --gdb); test includes chromium
# (headless) for tests/boot/test_report.py.  bench adds what
# tools/bench_linux.py needs to build the Linux comparison's initramfs (a
# static C program, cpio); the kernel itself it fetches with apt-get
# download.
set -e
build="gcc make binutils gnu-efi mtools gdisk"
run="$build ovmf qemu-system-x86 python3 gdb"
test="$run python3 python3-pytest python3-pytest-xdist check pkg-config clang libclang-rt-14-dev chromium"
bench="$test libc6-dev cpio"
case "${1:-build}" in
	build) want=$build ;;
	run) want=$run ;;
	test) want=$test ;;
	bench) want=$bench ;;
	*) echo "deps.sh: unknown set '$1' (build, run, test, bench)" >&2; exit 2 ;;
esac
missing=""
for p in $want; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ]; then
	echo "deps: installing$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends $missing >/dev/null
else
	echo "deps: missing Debian packages; run:"
	echo "  sudo apt-get install -y$missing"
	exit 1
fi
