#!/usr/bin/python3
"""tools/bench_boot.py - cycles from efimm's entry to a payload's first
instruction, per phase, under QEMU -icount shift=0,sleep=off (the TSC
counts instructions, so the figures repeat exactly), with 256 MiB, 4 GiB
and 8 GiB of RAM, and the cost of each further GiB of RAM (8 GiB less
4 GiB, divided by the 4 GiB between them, and by their frames).  Each
phase is also given as a multiple of one 4 KiB memcpy (rep movsb)
measured in the same boot.

The `load` phase reads the ELF file through the firmware's disk driver:
its count includes the firmware's disk I/O and changes from run to run,
so the exact figures leave it out (`total less load`); `total` keeps it
for reference.  Prints markdown tables.  Three boots, two at a time."""
import os
import re
import sys
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import efimm_qemu  # noqa: E402

PHASES = ["load", "exit-boot-services", "frame-database", "page-tables",
          "paging-setup", "payload-map"]
LABELS = {"load": "load (read + check the ELF; firmware disk I/O, varies)",
          "exit-boot-services": "exit-boot-services (+ console switch, GDT/IDT)",
          "frame-database": "frame-database",
          "page-tables": "page-tables (build + CR3)",
          "paging-setup": "paging-setup (backing store, the policy's tables)",
          "payload-map": "payload-map (segments, stack, arguments)",
          "exact": "**total less load** (entry -> payload, repeats exactly)",
          "total": "total (with load)"}
SIZES = [("256M", "256 MiB"), ("4G", "4 GiB"), ("8G", "8 GiB")]
STEP = ("4G", "8G", 4)      # the per-GiB figure: between these, GiB apart
LINE = re.compile(r"efimm: timing \(TSC cycles\):(.*) copy-4k (\d+)")


def measure(mem):
    res = efimm_qemu.bench_boot("run efimm/payloads/hello.elf timing=1", mem=mem)
    m = LINE.search(res.text)
    if not m or res.status != 0:
        sys.exit(f"bench_boot: no timing line with {mem} (status {res.status})")
    words = m.group(1).split()
    vals = {words[i]: int(words[i + 1]) for i in range(0, len(words), 2)}
    vals["exact"] = vals["total"] - vals["load"]
    return vals, int(m.group(2))


def collect():
    """{mem: (phase cycles, copy cycles)} for every size in SIZES."""
    with ThreadPoolExecutor(max_workers=2) as ex:
        return dict(zip([s for s, _ in SIZES],
                        ex.map(measure, [s for s, _ in SIZES])))


def per_gib(rows):
    """(cycles per further GiB, per frame, x copy, {phase: per GiB})
    between the two sizes of STEP, total less load."""
    lo, hi, gib = STEP
    (vlo, clo), (vhi, _) = rows[lo], rows[hi]
    cyc = (vhi["exact"] - vlo["exact"]) / gib
    phases = {ph: (vhi[ph] - vlo[ph]) / gib for ph in PHASES[1:]}
    return cyc, cyc / 262144, cyc / clo, phases


def tables(rows):
    head = " | ".join(f"{name}: cycles | x 4 KiB copy" for _, name in SIZES)
    out = [f"| phase | {head} |", "| --- |" + " ---: | ---: |" * len(SIZES)]
    for ph in PHASES + ["exact", "total"]:
        cells = []
        for mem, _ in SIZES:
            vals, copy = rows[mem]
            cells += [f"{vals[ph]:,}", f"{vals[ph] / copy:,.0f}"]
        out.append(f"| {LABELS[ph]} | " + " | ".join(cells) + " |")
    cyc, frame, x, phases = per_gib(rows)
    lo, hi, _ = STEP
    out.append(f"\nEach further GiB of RAM ({lo} to {hi}, total less load): "
               f"{cyc:,.0f} cycles ({x:,.0f}x the 4 KiB copy), {frame:.1f} "
               "per 4 KiB frame; by phase, per GiB: "
               + ", ".join(f"{ph} {v:,.0f}" for ph, v in phases.items()) + ".")
    out.append("\n4 KiB memcpy (rep movsb) in the boots: "
               + ", ".join(f"{rows[m][1]:,} cycles ({n})" for m, n in SIZES) + ".")
    return "\n".join(out)


def main():
    print(tables(collect()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
