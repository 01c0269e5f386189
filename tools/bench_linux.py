#!/usr/bin/python3
"""tools/bench_linux.py - Debian's Linux 6.1 measured the way efimm is, for
the comparison in the README: the same QEMU (TCG, -cpu max, -icount
shift=0,sleep=off, so the TSC counts instructions), the same operations
and the same yardstick (one 4 KiB rep movsb copy in the same boot), by
tests/bench/linux/linux_bench.c running as /init of an initramfs.

Steps (all under build/linux/, kept, so a rerun is offline):
  1. `apt-get download` of Debian's kernel package (linux-image-amd64's
     dependency linux-image-6.1.0-N-amd64), unpacked with dpkg-deb -x (no
     root needed): vmlinuz and brd.ko (the RAM disk the swap lives on)
  2. gcc -static of linux_bench.c as init
  3. cpio -H newc of init and brd.ko
  4. qemu-system-x86_64 -kernel vmlinuz -initrd ... under -icount, the
     serial port read until the program powers the machine off
Prints markdown tables in the format of tools/bench_paging.py's.
Usage: bench_linux.py [--raw] (--raw: also print the program's lines)."""
import glob
import os
import re
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORK = os.path.join(ROOT, "build", "linux")
SRC = os.path.join(ROOT, "tests", "bench", "linux", "linux_bench.c")
MEM = "256M"
TIMEOUT = 1800
LINE = re.compile(r"linux_bench: (\S+) median (\d+) cycles, mean (\d+) cycles, "
                  r"(\d+) faults, (\d+) pages swapped in, (\d+) pages swapped out")
MAP = re.compile(r"linux_bench: (map|unmap) (\d+) cycles per page, (\d+) pages, "
                 r"(\d+) evictions")
COPY = re.compile(r"linux_bench: copy-4k (\d+) cycles")
MOVSQ = re.compile(r"linux_bench: copy-4k-movsq (\d+) cycles")
CALL = re.compile(r"linux_bench: call (\S+) median (\d+) cycles, mean (\d+) cycles, "
                  r"(\d+) calls")
TIMER = re.compile(r"linux_bench: timer (\d+) cycles")
CPU_BUG = re.compile(r"linux_bench: cpu-bug (\S+): (.*)")
# the system calls timed one by one (tools/bench_syscall.py's table)
CALLS = ("getpid", "mmap-4k", "munmap-4k", "mmap-4k-kept", "munmap-4k-kept")
ROWS = [("zero-fill", "zero-fill (first touch)"),
        ("page-in-dirty", "page-in + dirty eviction (write pass)"),
        ("page-in-clean", "page-in on a read pass (its evictions write too)")]
MAP_ROWS = [("map", "`mmap` per page (lazy, {n} pages)"),
            ("unmap", "`munmap` per touched page ({n} touched pages)")]


def run(cmd, **kw):
    subprocess.run(cmd, check=True, **kw)


def depends():
    """The match naming the kernel package behind linux-image-amd64."""
    deps = subprocess.run(["apt-cache", "depends", "linux-image-amd64"],
                          capture_output=True, text=True).stdout
    return re.search(r"Depends: (linux-image-6\.1\.\S+-amd64)", deps)


def kernel_package():
    """The cached kernel .deb, downloaded once with apt-get."""
    debs = sorted(glob.glob(os.path.join(WORK, "linux-image-6.1.*-amd64_*.deb")))
    if debs:
        return debs[-1]
    m = depends()
    if not m and os.getuid() == 0:
        run(["apt-get", "update", "-qq"])
        m = depends()
    if not m:
        sys.exit("bench_linux: apt-cache names no linux-image-6.1 package "
                 "behind linux-image-amd64 (run apt-get update)")
    run(["apt-get", "download", "-q", m.group(1)], cwd=WORK,
        stdout=subprocess.DEVNULL)
    debs = glob.glob(os.path.join(WORK, m.group(1) + "_*.deb"))
    if not debs:
        sys.exit(f"bench_linux: apt-get download {m.group(1)} left no .deb")
    return debs[0]


def unpack(deb):
    """vmlinuz and brd.ko from the package (dpkg-deb -x, once)."""
    tree = os.path.join(WORK, "pkg")
    stamp = os.path.join(tree, ".from")
    if not os.path.exists(stamp) or open(stamp).read() != deb:
        shutil.rmtree(tree, ignore_errors=True)
        run(["dpkg-deb", "-x", deb, tree])
        with open(stamp, "w") as f:
            f.write(deb)
    vmlinuz = glob.glob(os.path.join(tree, "boot", "vmlinuz-*"))
    brd = glob.glob(os.path.join(tree, "lib", "modules", "*", "kernel",
                                 "drivers", "block", "brd.ko"))
    if not vmlinuz or not brd:
        sys.exit(f"bench_linux: {deb} has no vmlinuz or brd.ko")
    version = os.path.basename(vmlinuz[0])[len("vmlinuz-"):]
    return vmlinuz[0], brd[0], version


def initramfs(brd):
    """init (linux_bench.c, static) and brd.ko packed with cpio."""
    tree = os.path.join(WORK, "initramfs")
    shutil.rmtree(tree, ignore_errors=True)
    os.makedirs(tree)
    run(["gcc", "-static", "-O2", "-Wall", "-Wextra", "-Werror", "-o",
         os.path.join(tree, "init"), SRC])
    shutil.copyfile(brd, os.path.join(tree, "brd.ko"))
    out = os.path.join(WORK, "initramfs.cpio")
    with open(out, "wb") as f:
        run(["cpio", "--quiet", "-o", "-H", "newc", "-R", "0:0"], cwd=tree,
            input=b"init\nbrd.ko\n", stdout=f)
    return out


def boot(vmlinuz, initrd):
    """The serial output of one boot under -icount."""
    cmd = ["qemu-system-x86_64", "-machine", "q35", "-accel", "tcg",
           "-cpu", "max", "-m", MEM, "-smp", "1",
           "-icount", "shift=0,sleep=off",
           "-kernel", vmlinuz, "-initrd", initrd,
           "-append", "console=ttyS0 quiet panic=-1 rdinit=/init nokaslr norandmaps",
           "-display", "none", "-serial", "stdio", "-monitor", "none",
           "-net", "none", "-no-reboot"]
    try:
        res = subprocess.run(cmd, stdin=subprocess.DEVNULL,
                             capture_output=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired as e:
        sys.exit(f"bench_linux: no power-off within {TIMEOUT} s\n"
                 f"{(e.stdout or b'').decode(errors='replace')[-2000:]}")
    return res.stdout.decode(errors="replace").replace("\r", "")


def parse(text):
    """{copy, movsq, rows: {fault: [median, mean, n, in, out]}, maps:
    {map|unmap: [cycles, pages, evictions]}, calls: {CALLS name:
    [median, mean, n]}, timer, bugs: {name: text}} from the
    serial output; exits naming what is missing."""
    copy, movsq, timer = COPY.search(text), MOVSQ.search(text), TIMER.search(text)
    rows = {m.group(1): [int(x) for x in m.groups()[1:]]
            for m in LINE.finditer(text)}
    maps = {m.group(1): [int(x) for x in m.groups()[1:]]
            for m in MAP.finditer(text)}
    calls = {m.group(1): [int(x) for x in m.groups()[1:]]
             for m in CALL.finditer(text)}
    if (not copy or not movsq or not timer or len(rows) != len(ROWS)
            or len(maps) != len(MAP_ROWS) or set(calls) != set(CALLS)):
        sys.exit(f"bench_linux: no figures in the serial output\n{text[-3000:]}")
    return {"copy": int(copy.group(1)), "movsq": int(movsq.group(1)),
            "rows": rows, "maps": maps, "calls": calls,
            "timer": int(timer.group(1)),
            "bugs": {m.group(1): m.group(2).strip() for m in CPU_BUG.finditer(text)}}


def tables(r):
    copy = r["copy"]
    out = [f"Linux {r['version']} (Debian's package), QEMU -icount "
           f"shift=0,sleep=off, -cpu max, -m {MEM}; swap on a brd RAM disk, "
           "memory.max 4 MiB, arena 8 MiB:", "",
           "| operation | cycles per page | x 4 KiB copy | evictions |",
           "| --- | ---: | ---: | ---: |"]
    for key, label in MAP_ROWS:
        cyc, pages, ev = r["maps"][key]
        out.append(f"| {label.format(n=pages)} | {cyc:,} | {cyc / copy:.2f} | {ev} |")
    out += ["", "| fault | median cycles | x 4 KiB copy | mean cycles | "
            "x 4 KiB copy | faults timed | pages swapped in / out |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for key, label in ROWS:
        med, mean, n, sin, sout = r["rows"][key]
        out.append(f"| {label} | {med:,} | {med / copy:.2f} | {mean:,} | "
                   f"{mean / copy:.2f} | {n} | {sin} / {sout} |")
    out.append(f"\n4 KiB copy in the Linux boot: {copy:,} cycles with `rep movsb` "
               f"(the yardstick), {r['movsq']:,} with `rep movsq`.")
    return "\n".join(out)


def collect(raw=False):
    os.makedirs(WORK, exist_ok=True)
    vmlinuz, brd, version = unpack(kernel_package())
    text = boot(vmlinuz, initramfs(brd))
    with open(os.path.join(WORK, "serial.log"), "w") as f:
        f.write(text)
    if raw:
        print("\n".join(l for l in text.splitlines() if "linux_bench" in l))
    if "linux_bench: FAIL" in text:
        sys.exit(re.search(r"linux_bench: FAIL.*", text).group(0))
    return dict(parse(text), version=version)


def main(argv):
    print(tables(collect("--raw" in argv)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
