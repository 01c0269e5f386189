"""QEMU tests of starting every CPU (README "Multiple CPUs").

- `-smp 1, 2, 4, 8` on q35 and `-smp 4, 8` on pc: efimm prints
  `efimm: N CPUs online` with N the count QEMU was given, and the payload
  still runs to its end.
- `-smp 2,maxcpus=4`: the MADT lists two more CPUs as disabled (hot-plug
  slots); efimm starts the two enabled ones and says so.
- inject=ap-stuck (fault injection) on `-smp 4`: the last AP is started
  into a halt, so efimm must name it as not started within its time and
  go on with three.
- inject=ap-late: the first AP arrives after its time, while the next
  starts: the trampoline must see that the data is not its own and halt
  it, so that it cannot take the next one's stack.
"""
import re

import pytest

HELLO = "run efimm/payloads/hello.elf"
ONLINE = re.compile(r"^efimm: (\d+) CPUs? online$", re.M)


def online(res):
    found = ONLINE.findall(res.text)
    assert len(found) == 1, "no single `CPUs online` line"
    return int(found[0])


@pytest.mark.parametrize("machine,cpus", [("q35", 1), ("q35", 2), ("q35", 8),
                                          ("pc", 4)])
def test_all_cpus_online(efimm_boot, machine, cpus):
    res = efimm_boot(args=HELLO, cpus=cpus, machine=machine, timeout=240)
    assert online(res) == cpus
    assert "left out" not in res.text
    assert "efimm: payload exited with status 0" in res.text
    assert res.status == 0


def test_disabled_cpus_are_named(efimm_boot):
    res = efimm_boot(args=HELLO, cpus="2,maxcpus=4", timeout=240)
    assert online(res) == 2
    assert ("efimm: the MADT lists 2 more CPU(s) as disabled (hot-plug slots): "
            "not started") in res.text
    assert res.status == 0


def test_stuck_ap_is_left_out(efimm_boot):
    res = efimm_boot(args=f"{HELLO} inject=ap-stuck", cpus=4, timeout=240)
    assert re.search(r"^efimm: CPU with APIC id 3 did not start within 1000 ms: "
                     r"left out$", res.text, re.M)
    assert online(res) == 3
    assert res.status == 0


# --- payload functions on the other CPUs (tests/suites/smp/) --------------

import os  # noqa: E402
import subprocess  # noqa: E402
import xml.etree.ElementTree as ET  # noqa: E402

from test_suites import efimm_test, junit_cases  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SMP = os.path.join(ROOT, "tests", "suites", "smp")


TLB = re.compile(r"efimm: tlb: (\d+) shootdowns since boot \((\d+) pages, (\d+) full "
                 r"flushes\), (\d+) IPIs, (\d+) skipped by shootdown=off")


def smp_suite(tmp_path, name, cpus, files, *extra):
    junit = str(tmp_path / f"{name}.xml")
    run = efimm_test(name, ["--cpus", str(cpus), *extra] +
                     [os.path.join(SMP, f) for f in files], junit)
    return run, junit_cases(ET.parse(junit).getroot())


def check_points(case, cpus):
    """points.c: every CPU's 40 points numbered 1..N once each, lines
    whole; then the one failure it must have, CPU 1's expected fault."""
    kind, msg, out = case
    assert kind == "failure" and msg == "1 of %d test points failed" % (cpus * 40 + 2), case
    nums = [int(n) for n in re.findall(r"^    (?:not )?ok (\d+) ", out, re.M)]
    assert nums == list(range(1, cpus * 40 + 3)), nums
    for c in range(cpus):
        got = re.findall(r"^    ok \d+ - CPU %d point (\d+)$" % c, out, re.M)
        assert sorted(map(int, got)) == list(range(40)), (c, got)
    assert re.search(r"^    not ok %d - efimm_test_expect_fault: called on CPU 1 "
                     r"\(expected faults are CPU 0's\)$" % (cpus * 40 + 1), out, re.M), out


@pytest.mark.parametrize("cpus", [2, 4])
def test_smp_suite(tmp_path, cpus):
    """basic, batch and torture pass on 2 and 4 CPUs (batch: a 64-page
    page-out is one shootdown round, 65 pages two; torture: zero stale reads);
    points: test points from every CPU at once, numbered once each;
    fault_ap fails with its CPU named, stress (on 2: four times memory,
    every CPU paging at once) passes, leave_running passes with CPU 1 stopped at main's end,
    and every payload after them still runs."""
    # the 4x-memory stress with every CPU once, on 2 (each round of IPIs
    # costs the emulator more with more CPUs); the hangs: the NMI test
    more = ["stress.c"] if cpus == 2 else []
    run, cases = smp_suite(tmp_path, f"smp{cpus}", cpus,
                           ["fault_ap.c"] + more + ["leave_running.c", "basic.c",
                                                    "batch.c", "points.c", "torture.c"],
                           "--timeout", "120", "--opt", "paging=1")
    assert cases["basic"][0] == "pass", cases["basic"]
    assert cases["batch"][0] == "pass", cases["batch"]
    check_points(cases["points"], cpus)
    assert cases["torture"][0] == "pass", cases["torture"]
    assert cases["leave_running"][0] == "pass"
    kind, msg, _ = cases["fault_ap"]
    assert kind == "failure" and re.search(r"^#PF page fault at RIP 0x5\w+, CR2 0x0 "
                                           r"on CPU 1$", msg), msg
    assert re.search(r"efimm: cpu: 1 of %d" % cpus, run.serial)
    if cpus == 2:
        assert cases["stress"][0] == "pass", cases["stress"]
    assert re.search(r"efimm: CPU 1 stopped at RIP 0x0*5\w+", run.serial)
    assert "efimm: CPU 1 still runs a payload function: stopping it" in run.serial
    m = re.search(r"torture: (\d+) reads by (\d+) CPUs, (\d+) stale", run.serial)
    assert m and int(m.group(1)) > 0 and int(m.group(2)) == cpus - 1 and m.group(3) == "0"
    tlb = TLB.findall(run.serial)
    assert tlb, "no `efimm: tlb:` line in the paging reports"
    shootdowns, pages, full, ipis, skipped = map(int, tlb[-1])
    assert shootdowns > 0 and pages > 0 and skipped == 0
    assert ipis >= shootdowns * (cpus - 1)      # one IPI per other CPU per round


def test_torture_sees_stale_reads_without_shootdowns(tmp_path):
    """Fault injection: shootdown=off skips the remote invalidations, and
    the same torture payload must then read stale frames and fail."""
    run, cases = smp_suite(tmp_path, "smp-noshootdown", 4, ["torture.c"],
                           "--opt", "shootdown=off", "--opt", "paging=1")
    assert "efimm: shootdown=off: other CPUs keep stale translations" in run.serial
    kind, msg, _ = cases["torture"]
    assert kind == "failure", cases["torture"]
    m = re.search(r"torture: (\d+) reads by 3 CPUs, (\d+) stale", run.serial)
    assert m and int(m.group(2)) > 0, "no stale read without shootdowns"
    shootdowns, _, _, _, skipped = map(int, TLB.findall(run.serial)[-1])
    assert skipped > 0


def test_ap_fault_under_run(efimm_boot, tmp_path):
    """`run` (one payload, faults not contained): a fault on CPU 1 is
    reported with its CPU and powers off with 128 + 14."""
    elf = str(tmp_path / "fault_ap.elf")
    subprocess.run(["make", "-s", "--no-print-directory", "-C", ROOT, "payload",
                    f"SRC={os.path.join(SMP, 'fault_ap.c')}", f"OUT={elf}"], check=True)
    res = efimm_boot(args="run efimm/payloads/fault_ap.elf", cpus=2, timeout=240,
                     files={"efimm/payloads/fault_ap.elf": elf})
    assert "efimm: cpu: 1 of 2" in res.text
    assert "efimm: payload faulted on CPU 1" in res.text
    assert res.status == 142


def test_late_ap_is_parked_before_the_next_starts(efimm_boot, tmp_path):
    """inject=ap-late on `-smp 4`: the first AP is held in the trampoline
    past its 1000 ms, not parked by INIT, and let go while the next AP
    starts.  The trampoline's APIC id check must halt it, or it would run
    on the next AP's stack and area; so the first is left out, the other
    two come up, and basic (functions and shared faults on every CPU, so
    IPIs to each) passes."""
    elf = str(tmp_path / "basic.elf")
    subprocess.run(["make", "-s", "--no-print-directory", "-C", ROOT, "payload",
                    f"SRC={os.path.join(SMP, 'basic.c')}", f"OUT={elf}"], check=True)
    res = efimm_boot(args="run efimm/payloads/basic.elf inject=ap-late", cpus=4,
                     timeout=240, files={"efimm/payloads/basic.elf": elf})
    assert re.search(r"^efimm: CPU with APIC id 1 did not start within 1000 ms: "
                     r"left out$", res.text, re.M), res.text[-3000:]
    assert online(res) == 3
    assert "not ok" not in res.text
    assert res.status == 0


def test_hangs_on_another_cpu_end_in_the_time_limit(tmp_path):
    """hang_ap: a function spinning on CPU 1 while main waits ends in the
    time limit, CPU 1 stopped by the wake IPI where it was; hang_ap_cli: a
    ring-0 function that turned interrupts off takes no IPI, so efimm stops
    it with an NMI.  The next payload runs with CPU 1 free.  (ring=0 for
    all three: cli needs it; the IPI stop works in either ring.)"""
    run, cases = smp_suite(tmp_path, "smp-hangs", 2,
                           ["hang_ap.c", "hang_ap_cli.c", "basic.c"],
                           "--timeout", "5", "--opt", "ring=0")
    for name in ("hang_ap", "hang_ap_cli"):
        kind, msg, _ = cases[name]
        assert kind == "failure" and msg.startswith("timed out after 5 s"), (name, msg)
    assert re.search(r"efimm: CPU 1 stopped at RIP 0x0*5\w+\n", run.serial)
    assert re.search(r"efimm: CPU 1 stopped by NMI at RIP 0x0*5\w+ \(interrupts "
                     r"were off\)", run.serial)
    assert cases["basic"][0] == "pass", cases["basic"]
