#!/usr/bin/python3
"""tools/bench_paging.py - cycles of k_mem_map / k_mem_unmap per page and
to serve a page fault under QEMU -icount shift=0,sleep=off (the TSC counts
instructions, so figures repeat), measured by payload/paging_bench.c in
one boot with mem=2M swap=8M: map (lazy, 256 pages) and unmap (256
touched pages) per page, zero-fill, page-in with a dirty eviction,
page-in with a clean eviction, each as a multiple of one 4 KiB memcpy
(rep movsb) measured in the same boot.  Prints markdown tables: the
mapping calls, then the fault service per policy.  Usage:
bench_paging.py [POLICY[:la57]...] (default: efimm's default policy only;
each policy is one boot of about a minute, two at a time; POLICY:la57
runs it with five-level paging, `la57=1`, on QEMU's -cpu max, and
labels its rows "POLICY, five levels")."""
import os
import re
import sys
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import efimm_qemu  # noqa: E402

ROWS = [("zero-fill", "zero-fill (no eviction)"),
        ("page-in-dirty", "page-in + dirty eviction"),
        ("page-in-clean", "page-in + clean eviction")]
MAP_ROWS = [("map", "`k_mem_map` per page (lazy, {n} pages)"),
            ("unmap", "`k_mem_unmap` per touched page ({n} touched pages)")]
LINE = re.compile(r"paging_bench: (\S+) median (\d+) cycles, mean (\d+) cycles, "
                  r"(\d+) faults, (\d+) clean / (\d+) dirty evictions")
MAP = re.compile(r"paging_bench: (map|unmap) (\d+) cycles per page, "
                 r"(\d+) pages, (\d+) evictions")
COPY = re.compile(r"paging_bench: copy-4k (\d+) cycles")
MOVSQ = re.compile(r"paging_bench: copy-4k-movsq (\d+) cycles")


def measure(policy):
    """One boot: {policy, copy, movsq, rows: {fault: [median, mean, n,
    clean, dirty]}, maps: {map|unmap: [cycles, pages, evictions]}}."""
    policy, _, mode = (policy or "").partition(":")
    evict = f" evict={policy}" if policy else ""
    la57 = " la57=1" if mode == "la57" else ""
    res = efimm_qemu.bench_boot(f"run efimm/payloads/paging_bench.elf mem=2M swap=8M"
                                f"{evict}{la57}")
    copy, movsq = COPY.search(res.text), MOVSQ.search(res.text)
    rows = {m.group(1): [int(x) for x in m.groups()[1:]]
            for m in LINE.finditer(res.text)}
    maps = {m.group(1): [int(x) for x in m.groups()[1:]]
            for m in MAP.finditer(res.text)}
    if (res.status != 0 or not copy or not movsq or len(rows) != len(ROWS)
            or len(maps) != len(MAP_ROWS)):
        sys.exit(f"bench_paging: no figures for {policy or 'default'} "
                 f"(status {res.status})\n{res.text[-2000:]}")
    pol = re.search(r"efimm: paging: policy (\w+)", res.text).group(1)
    pol += ", five levels" if la57 else ""
    return {"policy": pol, "copy": int(copy.group(1)),
            "movsq": int(movsq.group(1)), "rows": rows, "maps": maps}


def collect(policies=(None,)):
    with ThreadPoolExecutor(max_workers=2) as ex:
        return list(ex.map(measure, policies))


def map_table(r):
    """The mapping calls of one boot (they do not depend on the eviction
    policy: nothing is evicted while they run)."""
    out = ["| operation | cycles per page | x 4 KiB copy | evictions |",
           "| --- | ---: | ---: | ---: |"]
    for key, label in MAP_ROWS:
        cyc, pages, ev = r["maps"][key]
        out.append(f"| {label.format(n=pages)} | {cyc:,} | "
                   f"{cyc / r['copy']:.2f} | {ev} |")
    return "\n".join(out)


def fault_table(results):
    out = ["| policy | fault | median cycles | x 4 KiB copy | mean cycles "
           "| x 4 KiB copy | faults timed | clean / dirty evictions |",
           "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for r in results:
        for key, label in ROWS:
            med, mean, n, clean, dirty = r["rows"][key]
            out.append(f"| {r['policy']} | {label} | {med:,} | "
                       f"{med / r['copy']:.2f} | {mean:,} | "
                       f"{mean / r['copy']:.2f} | {n} | {clean} / {dirty} |")
    return "\n".join(out)


def copy_line(results):
    pairs = {(r["copy"], r["movsq"]) for r in results}
    if len(pairs) == 1:
        (copy, movsq), = pairs
        return (f"4 KiB copy in the same boots: {copy:,} cycles with `rep movsb` "
                f"(the yardstick), {movsq:,} with `rep movsq`.")
    return "4 KiB copy in the same boots, `rep movsb` (the yardstick) / " \
        "`rep movsq`: " + ", ".join(f"{r['copy']:,} / {r['movsq']:,} cycles "
                                    f"({r['policy']})" for r in results) + "."


def tables(results):
    return "\n\n".join([map_table(results[0]), fault_table(results),
                        copy_line(results)])


def main():
    print(tables(collect(sys.argv[1:] or [None])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
