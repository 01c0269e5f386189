#!/usr/bin/python3
"""tools/bench_paging.py - cycles to serve a page fault under QEMU -icount
shift=0,sleep=off (the TSC counts instructions, so figures repeat),
measured by payload/paging_bench.c in one boot with mem=2M swap=8M:
zero-fill, page-in with a dirty eviction, page-in with a clean eviction,
each as a multiple of one 4 KiB memcpy measured in the same boot.
Prints a markdown table.  Usage: bench_paging.py [POLICY...] (default:
efimm's default policy only; each policy is one boot of about a minute)."""
import os
import re
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import efimm_qemu  # noqa: E402

ROWS = [("zero-fill", "zero-fill (no eviction)"),
        ("page-in-dirty", "page-in + dirty eviction"),
        ("page-in-clean", "page-in + clean eviction")]
LINE = re.compile(r"paging_bench: (\S+) median (\d+) cycles, (\d+) faults, "
                  r"(\d+) clean / (\d+) dirty evictions")
COPY = re.compile(r"paging_bench: copy-4k (\d+) cycles")


def measure(policy):
    evict = f" evict={policy}" if policy else ""
    cfg = ("timeout 0\ndefault b\nentry b \"bench\" run "
           f"efimm/payloads/paging_bench.elf mem=2M swap=8M{evict} ; poweroff\n")
    with tempfile.TemporaryDirectory() as tmp:
        img = efimm_qemu.build_image(os.path.join(tmp, "b.img"), config=cfg)
        res = efimm_qemu.boot(img, mem="512M", timeout=600, icount=True)
    copy = COPY.search(res.text)
    rows = {m.group(1): m.groups()[1:] for m in LINE.finditer(res.text)}
    if res.status != 0 or not copy or len(rows) != len(ROWS):
        sys.exit(f"bench_paging: no figures for {policy or 'default'} "
                 f"(status {res.status})\n{res.text[-2000:]}")
    pol = re.search(r"efimm: paging: policy (\w+)", res.text).group(1)
    return pol, int(copy.group(1)), rows


def main():
    policies = sys.argv[1:] or [None]
    with ThreadPoolExecutor(max_workers=2) as ex:
        results = list(ex.map(measure, policies))
    print("| policy | fault | median cycles | x 4 KiB copy | faults timed "
          "| clean / dirty evictions |")
    print("| --- | --- | ---: | ---: | ---: | ---: |")
    for pol, copy, rows in results:
        for key, label in ROWS:
            cyc, n, clean, dirty = (int(x) for x in rows[key])
            print(f"| {pol} | {label} | {cyc:,} | {cyc / copy:.2f} | {n} "
                  f"| {clean} / {dirty} |")
    for pol, copy, _ in results:
        print(f"\n4 KiB memcpy in the {pol} boot: {copy:,} cycles", end="")
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
