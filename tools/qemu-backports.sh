#!/bin/sh
# tools/qemu-backports.sh - Debian bookworm-backports' QEMU (10.x) beside
# the system's, for the tests that need what bookworm's QEMU 7.2 cannot
# emulate under TCG: x2APIC mode (tests/boot/test_x2apic.py).
#   usage: tools/qemu-backports.sh [DIR]     (default build/qemu-backports)
# Downloads qemu-system-x86 and qemu-system-data from bookworm-backports
# with apt-get (a private source list and cache in DIR: the system's apt
# setup and packages stay as they are), unpacks them with dpkg-deb -x, and
# writes DIR/qemu-system-x86_64, a wrapper that runs that QEMU with its own
# firmware directory first and the system's second (the backports data
# links some ROMs to packages it does not unpack).  Once done it only
# prints the wrapper's path; the libraries it links are bookworm's.
# Callers at the same time wait for one another (flock on DIR.lock).
set -e
dir=${1:-build/qemu-backports}
wrapper="$dir/qemu-system-x86_64"
# One fetch at a time: parallel test workers call this together.
mkdir -p "$dir"
exec 9>"$dir.lock"
flock 9
if [ -x "$wrapper" ] && "$wrapper" --version >/dev/null 2>&1; then
	echo "$wrapper"
	exit 0
fi
mkdir -p "$dir/apt/lists/partial" "$dir/apt/cache" "$dir/debs"
abs=$(cd "$dir" && pwd)
echo "deb http://deb.debian.org/debian bookworm-backports main" >"$abs/apt/sources.list"
apt() {
	apt-get -q -o Dir::Etc::SourceList="$abs/apt/sources.list" \
		-o Dir::Etc::SourceParts=/dev/null -o Dir::State::Lists="$abs/apt/lists" \
		-o Dir::Cache="$abs/apt/cache" -o APT::Sandbox::User=root "$@"
}
apt update >"$abs/apt/update.log" 2>&1 ||
	{ cat "$abs/apt/update.log" >&2; echo "qemu-backports: apt-get update failed" >&2; exit 1; }
rm -f "$abs"/debs/*.deb
(cd "$abs/debs" && apt download qemu-system-x86/bookworm-backports \
	qemu-system-data/bookworm-backports) >"$abs/apt/download.log" 2>&1 ||
	{ cat "$abs/apt/download.log" >&2; echo "qemu-backports: apt-get download failed" >&2; exit 1; }
rm -rf "$abs/root"
for deb in "$abs"/debs/*.deb; do
	dpkg-deb -x "$deb" "$abs/root"
done
cat >"$wrapper" <<WRAP
#!/bin/sh
exec "$abs/root/usr/bin/qemu-system-x86_64" -L "$abs/root/usr/share/qemu" -L /usr/share/qemu "\$@"
WRAP
chmod +x "$wrapper"
"$wrapper" --version >/dev/null || { echo "qemu-backports: $wrapper does not run" >&2; exit 1; }
echo "$wrapper"
