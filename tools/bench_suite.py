#!/usr/bin/python3
"""tools/bench_suite.py - 20 small payloads as one `suite` boot against
20 single boots (`run`, one payload each): host wall time and guest
instructions.  Each payload maps 16 pages, touches and checks them,
unmaps them, records one test point and, last, prints the TSC.

Wall time: the 20 single boots and the suite boot as the tests run them
(TCG without -icount), QEMU's time only.  Instructions: under -icount
shift=0,sleep=off the TSC counts the guest's instructions since QEMU
started (the firmware's included; an idle wait is skipped ahead, not
executed), so a boot's count is its payload's last TSC and the suite's is
its last payload's; between two payloads of the suite is what one more
payload costs there (load, run, teardown, the check against the
baseline).  An -icount boot of OVMF takes minutes of host time, so only
SAMPLES of the single boots run under -icount and the 20 boots' count is
20 times their mean (the table says so); `--all` runs all 20.  The
issue's goal: the suite at least 8x faster than the 20 boots.

With timing=1 efimm prints each payload's teardown as
`efimm: teardown: N cycles (copy-4k M)`; when the suite's output has
those lines, a row gives the teardown against the 4 KiB copy (one
`rep movsb`, measured in the same boot); without them the row is left
out and the table says so.  Prints a markdown table.  Boots two at a
time (bench_readme.py runs them in its pool)."""
import os
import re
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import efimm_qemu  # noqa: E402
import efimm_test_run  # noqa: E402

COUNT = 20
SAMPLES = (0, COUNT - 1)    # the single boots also run under -icount
GOAL = 8.0
TSC = re.compile(r"bench_suite: (\d+) tsc (\d+)")
TEARDOWN = re.compile(r"efimm: teardown: (\d+) cycles \(copy-4k (\d+)\)")
SUMMARY = re.compile(r"efimm: suite: (\d+) passed, (\d+) failed, (\d+) skipped")
BOOT_LIMIT = 1800           # host load slows a boot, not its -icount figures

SOURCE = r'''
#include "efimm.h"

#define PAGES 16

static uint64_t tsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

int main(void)
{
	uint8_t *p = k_mem_map(PAGES * PAGE_SIZE, K_MEM_PERM_RW);
	int bad = p == NULL;

	for (int i = 0; p && i < PAGES; i++)
		p[i * PAGE_SIZE] = (uint8_t)(i + INDEX);
	for (int i = 0; p && i < PAGES; i++)
		bad |= p[i * PAGE_SIZE] != (uint8_t)(i + INDEX);
	if (p)
		k_mem_unmap(p, PAGES * PAGE_SIZE);
	efimm_test_ok(!bad, "payload %d: %d pages mapped, touched, unmapped", INDEX, PAGES);
	printk("bench_suite: %d tsc %llu\n", INDEX, (unsigned long long)tsc());
	return 0;
}
'''


def prepare(workdir):
    """Builds the 20 payloads (bench_00 ... bench_19) with the SDK;
    returns their targets."""
    sdk = efimm_test_run.prepare(True)
    targets = []
    for i in range(COUNT):
        src = os.path.join(workdir, f"bench_{i:02d}.c")
        with open(src, "w") as f:
            f.write(f"#define INDEX {i}\n" + SOURCE)
        targets.append(efimm_test_run.Target("c", src, src))
    efimm_test_run.assign_names(targets)
    efimm_test_run.build_targets(targets, sdk, workdir)
    return targets


def timed_boot(img, files, config, icount):
    """Builds the image, boots it; (wall seconds, Result).  The wall
    time is QEMU's alone, not the image's."""
    efimm_qemu.build_image(img, files, config)
    try:
        t0 = time.monotonic()
        res = efimm_qemu.boot(img, timeout=BOOT_LIMIT, icount=icount)
        return time.monotonic() - t0, res
    finally:
        os.remove(img)


def boot_single(workdir, t, icount):
    """One `run` boot of target t: {wall, tsc}."""
    cfg = ("timeout 0\ndefault b\n"
           f'entry b "bench" run {t.esp_path} ; poweroff\n')
    img = os.path.join(workdir, f"{t.name}-{int(icount)}.img")
    wall, res = timed_boot(img, {t.esp_path: t.elf}, cfg, icount)
    m = TSC.search(res.text)
    if res.status != 0 or not m:
        raise RuntimeError(f"bench_suite: single boot of {t.name} gave no figure "
                           f"(status {res.status})\n{res.text[-2000:]}")
    return {"wall": wall, "tsc": int(m.group(2))}


def boot_suite(workdir, targets, icount):
    """One `suite timing=1` boot of every target: {wall, tscs (in order),
    teardown [(cycles, copy)]}."""
    files, cfg = efimm_test_run.suite_files(targets, ["timing=1"])
    img = os.path.join(workdir, f"suite-{int(icount)}.img")
    wall, res = timed_boot(img, files, cfg, icount)
    tscs = [int(m.group(2)) for m in TSC.finditer(res.text)]
    summary = SUMMARY.search(res.text)
    if res.status != 0 or len(tscs) != len(targets) or not summary:
        raise RuntimeError(f"bench_suite: the suite boot gave {len(tscs)} of {len(targets)} "
                           f"figures (status {res.status})\n{res.text[-2000:]}")
    teardown = [(int(a), int(b)) for a, b in TEARDOWN.findall(res.text)]
    return {"wall": wall, "tscs": tscs, "teardown": teardown}


def submit(ex, workdir, samples=SAMPLES):
    """Builds the payloads, then queues the boots on executor ex (the
    -icount ones first: they take longest); returns a function that
    waits for them and gives the results."""
    targets = prepare(workdir)
    suite_i = ex.submit(boot_suite, workdir, targets, True)
    single_i = [ex.submit(boot_single, workdir, targets[i], True) for i in samples]
    suite = ex.submit(boot_suite, workdir, targets, False)
    singles = [ex.submit(boot_single, workdir, t, False) for t in targets]
    return lambda: {"suite": suite.result(), "suite_icount": suite_i.result(),
                    "single": [f.result() for f in singles],
                    "single_icount": [f.result() for f in single_i]}


def collect(samples=SAMPLES):
    with tempfile.TemporaryDirectory() as tmp, ThreadPoolExecutor(max_workers=2) as ex:
        return submit(ex, tmp, samples)()


def ratio(a, b):
    return f"{a / b:.1f}x"


def tables(r):
    s, si, singles, sampled = r["suite"], r["suite_icount"], r["single"], r["single_icount"]
    boots_wall = sum(b["wall"] for b in singles)
    boot_tsc = statistics.mean(b["tsc"] for b in sampled)
    boots_tsc = boot_tsc * COUNT
    suite_tsc = si["tscs"][-1]
    step = statistics.median(b - a for a, b in zip(si["tscs"], si["tscs"][1:]))
    how = ("20 measured" if len(sampled) == COUNT else
           f"20 x the mean of {len(sampled)} measured")
    goal = f">= {GOAL:.0f}x"
    out = ["| | 20 single boots (`run`) | one suite boot of 20 | suite faster by | goal |",
           "| --- | ---: | ---: | ---: | ---: |",
           f"| wall time (QEMU TCG, host seconds) | {boots_wall:,.1f} | {s['wall']:,.1f} | "
           f"{ratio(boots_wall, s['wall'])} | {goal} |",
           f"| guest instructions (TSC under -icount at the last payload's end; "
           f"boots: {how}) | {boots_tsc:,.0f} | {suite_tsc:,} | "
           f"{ratio(boots_tsc, suite_tsc)} | {goal} |",
           f"| instructions per payload: a whole boot (mean) / one more payload in "
           f"the suite (median) | {boot_tsc:,.0f} | {step:,.0f} | "
           f"{ratio(boot_tsc, step)} | - |"]
    if si["teardown"]:
        cyc = [c for c, _ in si["teardown"]]
        copy = statistics.median(k for _, k in si["teardown"])
        out.append(f"| teardown per payload (cycles median / mean; x 4 KiB copy) | - | "
                   f"{statistics.median(cyc):,.0f} / {statistics.mean(cyc):,.0f} | "
                   f"{statistics.median(cyc) / copy:.2f}x / "
                   f"{statistics.mean(cyc) / copy:.2f}x | - |")
        note = (f"\nTeardown: the `efimm: teardown:` lines of {len(cyc)} payloads (-icount "
                f"suite boot); the 4 KiB copy (rep movsb) took {copy:,.0f} cycles there.")
    else:
        note = ("\nNo teardown row: this efimm prints no `efimm: teardown: N cycles "
                "(copy-4k M)` line with `timing=1`.")
    return "\n".join(out) + "\n" + note


def main(argv):
    samples = range(COUNT) if "--all" in argv else SAMPLES
    print(tables(collect(samples)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
