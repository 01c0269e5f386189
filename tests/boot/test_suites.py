"""QEMU tests of the in-tree suites, run the way CI runs them: through
tools/efimm-test (README "Suites: many payloads in one boot" and "Running tests"), reading its result lines
("NAME  PASS|FAIL|SKIP  SECONDS s  REASON"), its JUnit file and, with -v,
the serial console it echoes (efimm's TAP stream).

tests/suites/paging/ is the demand-paging plan; it must pass under every
eviction policy, one boot each, two of them with efimm's mem= cap (the
payloads also squeeze memory themselves, so every boot evicts).  The
clock boot is sharded over two QEMUs (--jobs 2).

tests/suites/bed/ holds the bed's self-tests, mixed on purpose: one boot
runs them all (free_mem_first.c first, free_mem_last.c last, and an ELF
file efimm must refuse) with a 3 s per-payload limit, and the tests below check each payload's verdict and
reason, the suite summary, the JUnit file, the timeout and that free
memory after the last payload equals that before the first."""
import os
import re
import subprocess
import xml.etree.ElementTree as ET

import pytest

from conftest import once_per_session

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RUNNER = os.path.join(ROOT, "tools", "efimm-test")
PAGING = os.path.join(ROOT, "tests", "suites", "paging")
BED = os.path.join(ROOT, "tests", "suites", "bed")
LOG_DIR = os.path.join(ROOT, "build", "test-logs")

RESULT = re.compile(r"^(?P<name>[A-Za-z0-9_.-]+)\s+(?P<status>PASS|FAIL|SKIP|ERROR)\s+"
                    r"(?P<secs>[0-9]+(?:\.[0-9]+)?)\s*s?(?:\s+(?P<reason>.*?))?\s*$")
SUMMARY = re.compile(r"efimm: suite: (\d+) passed, (\d+) failed, (\d+) skipped")
POWEROFF = re.compile(r"efimm: powering off, status (\d+)")
EFIMM_BEFORE = re.compile(r"^# efimm: suite: \d+ payloads, (\d+) free frames before "
                          r"the first$", re.M)
EFIMM_AFTER = re.compile(r"^# efimm: suite: (\d+) free frames after the last$", re.M)
FREE_MEM = re.compile(r"bed: free_mem (first|last): free KiB (\d+), "
                      r"store slots free (\d+) of (\d+)")

BED_TIMEOUT = 3         # seconds, efimm's per-payload limit in the bed boot

# What each bed payload is designed to end with: verdict, and a pattern
# its reason must match (None: no reason required).
BED_EXPECT = {
    "free_mem_first": ("PASS", None),
    "pass": ("PASS", None),
    "no_plan": ("PASS", None),
    "bad_elf": ("FAIL", r"^bad ELF: "),
    "fail_check": ("FAIL", r"^1 of 3 test points failed$"),
    "miss_plan": ("FAIL", r"^planned 5 test points, ran 3$"),
    "exit_nonzero": ("FAIL", r"^exited with status 3$"),
    "fault_unexpected": ("FAIL", r"^#PF page fault (\(vector 14\) )?at RIP "
                                 r"0x0*5[0-9a-f]{11}\b"),
    "hang": ("FAIL", rf"^timed out after {BED_TIMEOUT} s\b"),
    "skip": ("SKIP", r"\S"),
    "leave_behind": ("PASS", None),
    "expect_fault_right": ("PASS", None),
    "expect_fault_returns": ("FAIL", r"^1 of 2 test points failed$"),
    "expect_fault_other_vector": ("FAIL", r"^1 of 2 test points failed$"),
    "expect_fault_wrong_address": ("FAIL", r"^1 of 2 test points failed$"),
    "free_mem_last": ("PASS", None),
}


class Run:
    """One tools/efimm-test run: exit status, output, the parsed result
    lines (name -> (status, seconds, reason)), the JUnit root."""

    def __init__(self, rc, out, err, junit):
        self.rc, self.out, self.err = rc, out, err
        self.results = {}
        for line in out.splitlines():
            m = RESULT.match(line)
            if m and not line.startswith("[job"):
                self.results[m["name"]] = (m["status"], float(m["secs"]),
                                           m["reason"] or "")
        self.serial = "\n".join(re.sub(r"^\[job\d+\] ", "", line)
                                for line in out.splitlines())
        self.junit = ET.parse(junit).getroot() if os.path.exists(junit) else None

    def tail(self, n=60):
        return "\n".join((self.out + self.err).splitlines()[-n:])


def efimm_test(name, args, junit, timeout=1800):
    """Runs tools/efimm-test -v --junit JUNIT ARGS; keeps its output in
    build/test-logs/NAME.log."""
    assert os.access(RUNNER, os.X_OK), f"{RUNNER} missing"
    p = subprocess.run([RUNNER, "-v", "--junit", junit] + args, cwd=ROOT,
                       capture_output=True, text=True, timeout=timeout)
    os.makedirs(LOG_DIR, exist_ok=True)
    with open(os.path.join(LOG_DIR, f"{name}.log"), "w") as f:
        f.write(p.stdout + "\n----- stderr -----\n" + p.stderr)
    return Run(p.returncode, p.stdout, p.stderr, junit)


def stems(directory):
    return sorted(f[:-2] for f in os.listdir(directory) if f.endswith(".c"))


def junit_cases(root):
    """name -> (kind, message, text) with kind pass/failure/skipped/error."""
    cases = {}
    for tc in root.iter("testcase"):
        kind, message, text = "pass", "", ""
        for child in tc:
            if child.tag in ("failure", "skipped", "error"):
                kind, message = child.tag, child.get("message", "")
                text = child.text or ""
        cases[tc.get("name")] = (kind, message, text)
    return cases


def summaries(run):
    return [tuple(int(x) for x in m) for m in SUMMARY.findall(run.serial)]


# --- the paging suite -----------------------------------------------------

# Seconds a paging payload may take: the squeezes and arenas take a few
# seconds under TCG, more on a loaded host; the limit is not under test.
PAGING_TIMEOUT = 300

PAGING_BOOTS = [
    pytest.param("clock", [], 2, id="clock-all-ram-2-jobs"),
    pytest.param("nru", ["--opt", "mem=4M"], 1, id="nru-mem4M"),
    pytest.param("lru", ["--opt", "mem=6M"], 1, id="lru-mem6M"),
]


@pytest.mark.parametrize("policy,opts,jobs", PAGING_BOOTS)
def test_paging_suite_passes(tmp_path, policy, opts, jobs):
    names = stems(PAGING)
    run = efimm_test(f"suites-paging-{policy}",
                     ["--jobs", str(jobs), "--timeout", str(PAGING_TIMEOUT),
                      "--opt", f"evict={policy}"] + opts + [PAGING],
                     str(tmp_path / "paging.xml"))
    assert run.rc == 0, run.tail()
    assert {n: r[0] for n, r in run.results.items()} == {n: "PASS" for n in names}, \
        run.tail()
    # one suite per QEMU; together they ran every payload once
    sums = summaries(run)
    assert len(sums) == jobs, sums
    assert tuple(map(sum, zip(*sums))) == (len(names), 0, 0)
    assert all(s == "0" for s in POWEROFF.findall(run.serial)), run.tail()
    assert f"policy {policy}" in run.serial
    # efimm's free frames after each suite's last payload: as before its first
    before, after = EFIMM_BEFORE.findall(run.serial), EFIMM_AFTER.findall(run.serial)
    assert len(before) == jobs and sorted(after) == sorted(before), (before, after)
    assert run.junit is not None
    cases = junit_cases(run.junit)
    assert sorted(cases) == names
    assert all(kind == "pass" for kind, _, _ in cases.values()), cases
    assert run.junit.get("failures") == "0" and run.junit.get("errors") == "0"
    assert run.junit.get("tests") == str(len(names))


# --- the bed's self-tests ---------------------------------------------------

@pytest.fixture(scope="module")
def bed(tmp_path_factory):
    """One boot of every bed payload, free_mem_first first and
    free_mem_last last, timeout=3; after pass.c an ELF file efimm must
    refuse (a 32-bit ELF header), reported with its reason while the
    rest still run."""
    middle = [n for n in stems(BED) if not n.startswith("free_mem_")]
    middle.insert(middle.index("pass") + 1, "bad_elf")
    order = ["free_mem_first"] + middle + ["free_mem_last"]

    def boot(tmp):
        bad = tmp / "bad_elf.elf"
        bad.write_bytes(b"\x7fELF\x01\x01\x01" + bytes(57))
        paths = [str(bad) if n == "bad_elf" else os.path.join(BED, n + ".c")
                 for n in order]
        return efimm_test("suites-bed", ["--timeout", str(BED_TIMEOUT)] + paths,
                          str(tmp / "bed.xml"))

    # the bed's tests may run on both pytest-xdist workers: one boot
    _, run = once_per_session(tmp_path_factory, "suites-bed", boot)
    run.order = order
    return run


def test_bed_payloads_all_ran_in_order(bed):
    assert sorted(bed.order) == sorted(BED_EXPECT), \
        "tests/suites/bed/ and BED_EXPECT disagree"
    assert list(bed.results) == bed.order, bed.tail()


@pytest.mark.parametrize("name", list(BED_EXPECT))
def test_bed_verdict_and_reason(bed, name):
    status, reason = BED_EXPECT[name]
    assert name in bed.results, bed.tail()
    got_status, _, got_reason = bed.results[name]
    assert got_status == status, (name, got_status, got_reason)
    if reason:
        assert re.search(reason, got_reason), (name, got_reason)
    else:
        assert got_reason == "", (name, got_reason)


def test_bed_suite_summary_and_exit_status(bed):
    count = {s: sum(1 for v, _ in BED_EXPECT.values() if v == s)
             for s in ("PASS", "FAIL", "SKIP")}
    assert bed.rc == 1, bed.tail()              # a payload failed, no error
    assert summaries(bed) == [(count["PASS"], count["FAIL"], count["SKIP"])]
    assert POWEROFF.findall(bed.serial) == ["1"]


def test_bed_junit_file(bed):
    root = bed.junit
    assert root is not None, bed.tail()
    failed = [n for n, (v, _) in BED_EXPECT.items() if v == "FAIL"]
    skipped = [n for n, (v, _) in BED_EXPECT.items() if v == "SKIP"]
    assert root.get("tests") == str(len(BED_EXPECT))
    assert root.get("failures") == str(len(failed))
    assert root.get("skipped") == str(len(skipped))
    assert root.get("errors") == "0"
    cases = junit_cases(root)
    assert sorted(cases) == sorted(BED_EXPECT)
    for name, (status, reason) in BED_EXPECT.items():
        kind, message, _ = cases[name]
        assert kind == {"PASS": "pass", "FAIL": "failure", "SKIP": "skipped"}[status], name
        if status == "FAIL":
            assert re.search(reason, message), (name, message)
    # a failure carries the payload's serial lines: the failed point, the report
    assert "bed: this check fails on purpose" in cases["fail_check"][2]
    assert "#PF" in cases["fault_unexpected"][2]


def test_bed_hang_is_stopped_by_the_timeout(bed):
    status, secs, reason = bed.results["hang"]
    assert status == "FAIL" and f"timed out after {BED_TIMEOUT} s" in reason
    # stopped near its limit (wall clock under TCG; the report takes a moment)
    assert BED_TIMEOUT - 1 <= secs <= BED_TIMEOUT + 30, secs
    # and the suite went on: the payloads after it have results
    after = bed.order[bed.order.index("hang") + 1:]
    assert all(n in bed.results for n in after)


def test_bed_unexpected_exception_report_is_printed(bed):
    """expect_fault_other_vector expects #GP and gets #PF: the point
    fails and the #PF's report is printed in the payload's block."""
    block = junit_cases(bed.junit)["expect_fault_other_vector"][2]
    assert re.search(r"#PF page fault", block), block
    assert "CR2" in block, block


def test_bed_description_cut_at_200_bytes(bed):
    """pass.c's fourth point hands efimm a 201-byte description: the
    TAP line carries its first 200 bytes and not the 201st."""
    assert "\n    ok 4 - " + "x" * 200 + "\n" in bed.serial, bed.tail()


def test_bed_free_memory_after_last_equals_before_first(bed):
    """Between free_mem_first and free_mem_last the suite ran payloads
    that faulted, timed out and left maps, pins and paged-out pages
    behind; free memory and store slots are what they were, as the
    payloads see them and as efimm counts its free frames."""
    found = {m[0]: m[1:] for m in FREE_MEM.findall(bed.serial)}
    assert set(found) == {"first", "last"}, bed.tail()
    assert found["last"] == found["first"]
    assert "left behind" not in bed.results["leave_behind"][2]
    before = EFIMM_BEFORE.findall(bed.serial)
    after = EFIMM_AFTER.findall(bed.serial)
    assert len(before) == 1 and after == before, (before, after)
