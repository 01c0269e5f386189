#!/usr/bin/python3
"""tools/bench_smp.py - what TLB shootdowns and several CPUs cost:
payload/smp_bench.c booted with QEMU -smp 1, 2, 4 and 8 under -icount
shift=0,sleep=off (the TSC counts instructions; figures repeat), each
boot with its own 4 KiB copy as the yardstick.  The shootdown's cost is
the k_mem_unmap of a touched page (and of 64 in one call) with N CPUs
against the same call with one CPU, where no round is sent; fault
throughput is 1,024 zero-fill faults shared by 1, 2 and 4 CPUs.  Under
TCG with -icount the CPUs are run one at a time and time is the sum of
their instructions, so several CPUs cannot show a speed-up here: the
figures show what coordination costs, not parallel gain.  Prints a
markdown table; each boot's serial output stays in build/bench/smpN.log.
Usage: bench_smp.py (four boots, two at a time)."""
import os
import re
import sys
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import efimm_qemu  # noqa: E402

CPUS = (1, 2, 4, 8)
FAULT_CPUS = (1, 2, 4)
LOGS = os.path.join(efimm_qemu.ROOT, "build", "bench")
FIG = re.compile(r"smp_bench: (unmap-1|unmap-64) median (\d+) cycles, mean (\d+) cycles")
COPY = re.compile(r"smp_bench: copy-4k (\d+) cycles")
ONLINE = re.compile(r"smp_bench: cpus (\d+)")
FAULTS = re.compile(r"smp_bench: faults (\d+) pages, (\d+) CPUs, (\d+) cycles")


def parse(text, cpus):
    figs = {m.group(1): (int(m.group(2)), int(m.group(3))) for m in FIG.finditer(text)}
    copy, online, faults = COPY.search(text), ONLINE.search(text), FAULTS.search(text)
    if not copy or not online or not faults or set(figs) != {"unmap-1", "unmap-64"}:
        sys.exit(f"bench_smp: no figures with {cpus} CPUs\n{text[-2000:]}")
    if int(online.group(1)) != cpus:
        sys.exit(f"bench_smp: asked for {cpus} CPUs, {online.group(1)} online")
    return {"cpus": cpus, "copy": int(copy.group(1)), "figs": figs,
            "faults": (int(faults.group(1)), int(faults.group(3)))}


def measure(cpus):
    res = efimm_qemu.bench_boot("run efimm/payloads/smp_bench.elf", cpus=cpus)
    os.makedirs(LOGS, exist_ok=True)
    with open(os.path.join(LOGS, f"smp{cpus}.log"), "w") as f:
        f.write(res.text)
    if res.status != 0:
        sys.exit(f"bench_smp: {cpus}-CPU boot ended with status {res.status}\n"
                 f"{res.text[-2000:]}")
    return parse(res.text, cpus)


def tables(results):
    """The README's two tables from {cpus: parse()}."""
    one = results[1]["figs"]
    out = ["| CPUs online | `k_mem_unmap` 1 touched page: cycles | x 4 KiB copy "
           "| the round (over 1 CPU) | 64 touched pages, one call | x 4 KiB copy "
           "| the round (over 1 CPU) |",
           "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for n in CPUS:
        r = results[n]
        a, b = r["figs"]["unmap-1"][0], r["figs"]["unmap-64"][0]
        out.append(f"| {n} | {a:,} | {a / r['copy']:.2f}x | {a - one['unmap-1'][0]:+,} "
                   f"| {b:,} | {b / r['copy']:.2f}x | {b - one['unmap-64'][0]:+,} |")
    out += ["", "| CPUs sharing 1,024 zero-fill faults | cycles in all | per fault "
            "| x 4 KiB copy |", "| ---: | ---: | ---: | ---: |"]
    for n in FAULT_CPUS:
        pages, cyc = results[n]["faults"]
        out.append(f"| {n} | {cyc:,} | {cyc / pages:,.0f} | "
                   f"{cyc / pages / results[n]['copy']:.2f}x |")
    copies = ", ".join(f"{results[n]['copy']:,}" for n in CPUS)
    out += ["", f"Medians of 100 runs (the boot CPU's TSC). 4 KiB copy (`rep movsb`) "
            f"in the same boots: {copies} (1, 2, 4, 8 CPUs)."]
    return "\n".join(out)


def collect():
    with ThreadPoolExecutor(max_workers=2) as ex:
        futs = {n: ex.submit(measure, n) for n in CPUS}
        return {n: f.result() for n, f in futs.items()}


def main():
    print(tables(collect()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
