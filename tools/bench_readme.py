#!/usr/bin/python3
"""tools/bench_readme.py - every QEMU benchmark figure in one run: efimm's
mapping calls and fault service (tools/bench_paging.py, one boot per
policy), its boot phases at 256 MiB, 4 GiB and 8 GiB (tools/bench_boot.py),
its system call round trip and one-page k_mem_map / k_mem_unmap from ring
3 and ring 0 (tools/bench_syscall.py, one boot per ring) and Debian's
Linux 6.1 doing the same operations in the same emulator
(tools/bench_linux.py), several CPUs (tools/bench_smp.py), plus the summary table that sets them side by
side, and 20 payloads as one suite boot against 20 single boots
(tools/bench_suite.py).  All under QEMU -icount shift=0,sleep=off, where
the TSC counts instructions, except the suite comparison's wall times;
eight boots and the suite comparison's 24, two at a time.

Prints the tables.  With --write it also replaces the README's tables
between the markers <!-- bench:NAME --> and <!-- /bench:NAME --> (NAME:
SECTIONS below) with this run's: `make bench
BENCH_README=1`.  Usage: bench_readme.py [--write] [POLICY...] (default
policies: clock nru clock:la57, the last under five-level paging)."""
import os
import re
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_boot  # noqa: E402
import bench_linux  # noqa: E402
import bench_paging  # noqa: E402
import bench_smp  # noqa: E402
import bench_suite  # noqa: E402
import bench_syscall  # noqa: E402

README = os.path.join(bench_linux.ROOT, "README.md")
# The marked sections this run rewrites, in the README's order.
SECTIONS = ("summary", "paging", "boot", "suite", "linux", "syscall", "smp")
# The goals of the hardening issue, as multiples of the 4 KiB copy
# (None: no goal set), for the summary's last column.
GOALS = {"map": "<= 0.35x", "unmap": "<= 0.35x", "zero-fill": "<= 1.08x",
         "page-in-clean": "<= 1.15x", "page-in-dirty": "<= 2.2x",
         "boot": "<= 5,000x", "gib": "<= 1.5M instructions"}


def run_all(policies):
    """All boots on one pool of two: (paging results, boot rows, linux,
    suite against single boots, {ring: system call figures})."""
    with ThreadPoolExecutor(max_workers=2) as ex, \
            tempfile.TemporaryDirectory() as tmp:
        linux = ex.submit(bench_linux.collect)
        paging = [ex.submit(bench_paging.measure, p) for p in policies]
        boots = {m: ex.submit(bench_boot.measure, m) for m, _ in bench_boot.SIZES}
        calls = {r: ex.submit(bench_syscall.measure, r) for r in bench_syscall.RINGS}
        smp = {n: ex.submit(bench_smp.measure, n) for n in bench_smp.CPUS}
        suite = bench_suite.submit(ex, tmp)
        return ([f.result() for f in paging],
                {m: f.result() for m, f in boots.items()}, linux.result(), suite(),
                {r: f.result() for r, f in calls.items()},
                {n: f.result() for n, f in smp.items()})


def x(cyc, copy):
    return f"{cyc / copy:.2f}x"


def fault_cells(r, key, copy):
    med, mean = r[key][0], r[key][1]
    return f"{med:,} / {mean:,}", f"{x(med, copy)} / {x(mean, copy)}"


def summary(paging, boots, linux):
    """The hardening issue's table: efimm (first policy) against Linux."""
    e, ec, lc = paging[0], paging[0]["copy"], linux["copy"]
    out = [f"| operation | efimm ({e['policy']}): cycles | x 4 KiB copy "
           "| Linux 6.1: cycles | x 4 KiB copy | goal |",
           "| --- | ---: | ---: | ---: | ---: | ---: |"]
    for key, label, lname in [
            ("map", "`k_mem_map` per page (lazy, 256 pages)", "`mmap`"),
            ("unmap", "`k_mem_unmap` per touched page", "`munmap`")]:
        a, b = e["maps"][key][0], linux["maps"][key][0]
        out.append(f"| {label} | {a:,} | {x(a, ec)} | {lname} {b:,} | "
                   f"{x(b, lc)} | {GOALS[key]} |")
    faults = [("zero-fill", "zero-fill fault", "zero-fill"),
              ("page-in-clean", "clean page-in with a clean eviction",
               "page-in-clean"),
              ("page-in-dirty", "dirty page-in with a dirty eviction",
               "page-in-dirty")]
    for key, label, lkey in faults:
        ecyc, ex_ = fault_cells(e["rows"], key, ec)
        lcyc, lx = fault_cells(linux["rows"], lkey, lc)
        if key == "page-in-clean":
            lcyc, lx = f"({lcyc})", f"({lx})"
        out.append(f"| {label} (median / mean) | {ecyc} | {ex_} | {lcyc} | "
                   f"{lx} | {GOALS[key]} |")
    vals, copy = boots["4G"]
    out.append(f"| efimm entry -> payload, 4 GiB RAM (less `load`) | "
               f"{vals['exact']:,} | {vals['exact'] / copy:,.0f}x | - | - | "
               f"{GOALS['boot']} |")
    cyc, frame, xg, _ = bench_boot.per_gib(boots)
    out.append(f"| each further GiB of RAM at boot (4 to 8 GiB) | {cyc:,.0f} "
               f"({frame:.1f} per frame) | {xg:,.0f}x | - | - | {GOALS['gib']} |")
    return "\n".join(out)


def sections(policies):
    paging, boots, linux, suite, calls, smp = run_all(policies)
    secs = {"summary": summary(paging, boots, linux),
            "paging": bench_paging.tables(paging),
            "boot": bench_boot.tables(boots),
            "syscall": bench_syscall.tables(calls, linux),
            "suite": bench_suite.tables(suite),
            "linux": bench_linux.tables(linux),
            "smp": bench_smp.tables(smp)}
    return {name: secs[name] for name in SECTIONS}


def write_readme(secs):
    with open(README) as f:
        text = f.read()
    for name, body in secs.items():
        pat = re.compile(rf"(<!-- bench:{name} -->\n)(?:.*?\n)?(<!-- /bench:{name} -->)",
                         re.S)
        if not pat.search(text):
            sys.exit(f"bench_readme: README.md has no <!-- bench:{name} --> markers")
        text = pat.sub(lambda m: m.group(1) + body + "\n" + m.group(2), text)
    with open(README, "w") as f:
        f.write(text)


def main(argv):
    write = "--write" in argv
    policies = [a for a in argv if not a.startswith("--")] or ["clock", "nru", "clock:la57"]
    secs = sections(policies)
    for name, body in secs.items():
        print(f"== {name}\n{body}\n")
    if write:
        write_readme(secs)
        print("bench_readme: README.md tables rewritten")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
