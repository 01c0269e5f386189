#!/usr/bin/python3
"""tools/bench_syscall.py - cycles of a null system call round trip and of
k_mem_map / k_mem_unmap of one 4 KiB page (alone, and beside a touched
page so that its page tables stay), from ring 3 and from ring 0, next to
Linux 6.1's getpid, mmap and munmap of one page, all under QEMU
-icount shift=0,sleep=off (the TSC counts instructions, so figures
repeat) with the same yardstick: one 4 KiB rep movsb copy in the same
boot.

efimm: payload/syscall_bench.c, one boot per ring (`run
syscall_bench.elf`, ring 3 by default, and `run syscall_bench.elf
ring=0`).  Linux: tests/bench/linux/linux_bench.c's "call" lines
(tools/bench_linux.py, one boot).  Each call is timed alone, 1,000 times;
the table gives the median / mean per call.  The issue's goal: a null
call no dearer than Linux's getpid.  Prints a markdown table; each efimm
boot's serial output stays in build/bench/syscall_ringN.log.  Usage:
bench_syscall.py (three boots, two at a time; the Linux one takes
minutes)."""
import os
import re
import sys
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_linux  # noqa: E402
import efimm_qemu  # noqa: E402

RINGS = (3, 0)
LOGS = os.path.join(efimm_qemu.ROOT, "build", "bench")  # each boot's serial output
CALL = re.compile(r"syscall_bench: call (\S+) median (\d+) cycles, mean (\d+) cycles, "
                  r"(\d+) calls")
COPY = re.compile(r"syscall_bench: copy-4k (\d+) cycles")
TIMER = re.compile(r"syscall_bench: timer (\d+) cycles")
RING = re.compile(r"syscall_bench: ring (\d+)")
CALLS = ("null", "k_mem_map-4k", "k_mem_unmap-4k", "k_mem_map-4k-kept",
         "k_mem_unmap-4k-kept")
# (efimm call, Linux call, row label, Linux's name in the cell, goal)
ROWS = [("null", "getpid", "null system call round trip", "`getpid`",
         "<= Linux `getpid`"),
        ("k_mem_map-4k", "mmap-4k",
         "`k_mem_map` 4 KiB, untouched, alone (efimm: makes its page tables)",
         "`mmap`", "-"),
        ("k_mem_unmap-4k", "munmap-4k", "`k_mem_unmap` of it (efimm: frees them)",
         "`munmap`", "-"),
        ("k_mem_map-4k-kept", "mmap-4k-kept",
         "`k_mem_map` 4 KiB, untouched, beside a touched page (tables kept)",
         "`mmap`", "-"),
        ("k_mem_unmap-4k-kept", "munmap-4k-kept", "`k_mem_unmap` of it",
         "`munmap`", "-")]


def parse(text, ring):
    """{ring, copy, timer, calls: {CALLS name: [median, mean, n]}} from
    one boot's output; exits naming the boot
    when a figure is missing, a call failed or the payload ran in
    another ring than asked."""
    fail = re.search(r"syscall_bench: FAIL.*", text)
    copy, timer, got = COPY.search(text), TIMER.search(text), RING.search(text)
    calls = {m.group(1): [int(x) for x in m.groups()[1:]]
             for m in CALL.finditer(text)}
    if fail or not copy or not timer or not got or set(calls) != set(CALLS):
        sys.exit(f"bench_syscall: no figures for ring {ring}: "
                 f"{fail.group(0) if fail else 'lines missing'}\n{text[-2000:]}")
    if int(got.group(1)) != ring:
        sys.exit(f"bench_syscall: asked for ring {ring}, the payload ran in "
                 f"ring {got.group(1)}")
    return {"ring": ring, "copy": int(copy.group(1)),
            "timer": int(timer.group(1)), "calls": calls}


def measure(ring):
    """One boot of payload/syscall_bench.c in `ring` (3 or 0)."""
    opt = " ring=0" if ring == 0 else ""
    res = efimm_qemu.bench_boot(f"run efimm/payloads/syscall_bench.elf{opt}")
    os.makedirs(LOGS, exist_ok=True)
    with open(os.path.join(LOGS, f"syscall_ring{ring}.log"), "w") as f:
        f.write(res.text)
    if res.status != 0:
        sys.exit(f"bench_syscall: ring {ring} boot ended with status "
                 f"{res.status}\n{res.text[-2000:]}")
    return parse(res.text, ring)


def cell(fig, copy):
    """("median / mean" cycles, "median / mean" x copy) of [median, mean, n]."""
    med, mean = fig[0], fig[1]
    return (f"{med:,} / {mean:,}",
            f"{med / copy:.3f}x / {mean / copy:.3f}x")


def verdict(efimm, linux):
    """The goal's sentence: each ring's null call median against getpid's."""
    lp = linux["calls"]["getpid"][0]
    parts = []
    for ring in RINGS:
        n = efimm[ring]["calls"]["null"][0]
        parts.append(f"ring {ring} {n:,} against {lp:,} "
                     f"({'met' if n <= lp else 'not met'}, {n / lp:.2f}x getpid)")
    return "Goal (null call median <= Linux `getpid` median): " + "; ".join(parts) + "."


def tables(efimm, linux):
    """The README table: efimm ({ring: parse()}) against Linux (bench_linux)."""
    out = ["| operation (median / mean per call) | ring 3: cycles | x 4 KiB copy "
           "| ring 0: cycles | x 4 KiB copy | Linux 6.1: cycles | x 4 KiB copy "
           "| goal |",
           "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for key, lkey, label, lname, goal in ROWS:
        cells = []
        for ring in RINGS:
            cells += cell(efimm[ring]["calls"][key], efimm[ring]["copy"])
        lcyc, lx = cell(linux["calls"][lkey], linux["copy"])
        cells += [f"{lname} {lcyc}", lx, goal]
        out.append(f"| {label} | " + " | ".join(cells) + " |")
    copies = ", ".join(f"{efimm[r]['copy']:,} (ring {r})" for r in RINGS)
    timers = ", ".join(f"{efimm[r]['timer']} (ring {r})" for r in RINGS)
    bugs = "; ".join(f"{k}: {v}" for k, v in sorted(linux.get("bugs", {}).items()))
    out += ["", verdict(efimm, linux), "",
            f"4 KiB copy (`rep movsb`) in the same boots: {copies}, "
            f"{linux['copy']:,} (Linux). An empty timed interval, in every figure "
            f"once: {timers}, {linux['timer']} (Linux)."]
    if bugs:
        out[-1] += f" Linux's view of the emulated CPU: {bugs}."
    return "\n".join(out)


def collect():
    """({ring: parse()}, bench_linux.collect()): three boots, two at a time."""
    with ThreadPoolExecutor(max_workers=2) as ex:
        linux = ex.submit(bench_linux.collect)
        efimm = {r: ex.submit(measure, r) for r in RINGS}
        return {r: f.result() for r, f in efimm.items()}, linux.result()


def main():
    print(tables(*collect()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
