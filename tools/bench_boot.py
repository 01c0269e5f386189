#!/usr/bin/python3
"""tools/bench_boot.py - cycles from efimm's entry to a payload's first
instruction, per phase, under QEMU -icount shift=0,sleep=off (the TSC
counts instructions, so the figures repeat exactly), with 256 MiB and
4 GiB of RAM.  Each phase is also given as a multiple of one 4 KiB
memcpy measured in the same boot.  Prints a markdown table."""
import os
import re
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import efimm_qemu  # noqa: E402

PHASES = ["load", "exit-boot-services", "frame-database", "page-tables",
          "paging-setup", "payload-map", "total"]
LINE = re.compile(r"efimm: timing \(TSC cycles\):(.*) copy-4k (\d+)")


def measure(mem):
    cfg = ("timeout 0\ndefault b\n"
           'entry b "bench" run efimm/payloads/hello.elf timing=1 ; poweroff\n')
    with tempfile.TemporaryDirectory() as tmp:
        img = efimm_qemu.build_image(os.path.join(tmp, "b.img"), config=cfg)
        res = efimm_qemu.boot(img, mem=mem, timeout=300, icount=True)
    m = LINE.search(res.text)
    if not m or res.status != 0:
        sys.exit(f"bench_boot: no timing line with {mem} (status {res.status})")
    words = m.group(1).split()
    vals = {words[i]: int(words[i + 1]) for i in range(0, len(words), 2)}
    return vals, int(m.group(2))


def main():
    rows = {mem: measure(mem) for mem in ("256M", "4G")}
    print("| phase | 256 MiB: cycles | x 4 KiB copy | 4 GiB: cycles | x 4 KiB copy |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for ph in PHASES:
        cells = []
        for mem in ("256M", "4G"):
            vals, copy = rows[mem]
            cells += [f"{vals[ph]:,}", f"{vals[ph] / copy:,.0f}"]
        print(f"| {ph} | " + " | ".join(cells) + " |")
    for mem in ("256M", "4G"):
        print(f"\n4 KiB memcpy in the {mem} boot: {rows[mem][1]:,} cycles", end="")
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
