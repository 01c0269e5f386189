"""QEMU tests of payloads in ring 3 (README "Ring 3 tests"): the suite
tests/suites/ring3/ through tools/efimm-test, and single `run` boots for
what ends a boot.

- The ring-3 suite, once on `-cpu max` (SMEP and SMAP) and once on
  `-cpu qemu64` (neither): every payload passes but contained.c, which
  writes efimm's data outside an expected fault and must fail alone, with
  the #PF report (mode: user, the page walk's `denied:` line naming U/S),
  while the payloads after it still run.  info.c's line says which
  protections efimm reports.
- badptrs, info and paging again under `ring=0` (privileged.c would
  rightly not fault there; contained.c would write efimm's data).
- `run` with inject=smap and inject=smep: efimm's own access to user
  memory ends in the fatal report naming SMAP / SMEP.
- `run` of privileged.c executing wrmsr outside an expected fault: the
  report names the mode and the instruction; and making its write call
  with RFLAGS.AC set under inject=smap: SMAP must still catch efimm.

Seven boots in all."""
import os
import re
import subprocess

import pytest

from conftest import once_per_session

from test_suites import efimm_test, junit_cases, summaries, POWEROFF, EFIMM_BEFORE, \
    EFIMM_AFTER

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RING3 = os.path.join(ROOT, "tests", "suites", "ring3")
TIMEOUT = 120           # per payload; not under test
FEAT_SMEP, FEAT_SMAP = 1 << 1, 1 << 2       # EFIMM_FEAT_* (efimm_abi.h)

PF_IN_PAYLOAD = r"^#PF page fault (\(vector 14\) )?at RIP 0x0*5[0-9a-f]{11}\b"
# The ring-3 suite: each payload's verdict and the pattern of its reason.
RING3_EXPECT = {
    "badptrs": ("PASS", None),
    "contained": ("FAIL", PF_IN_PAYLOAD),
    "info": ("PASS", None),
    "paging": ("PASS", None),
    "privileged": ("PASS", None),
}
RING0_PAYLOADS = ["badptrs", "info", "paging"]
INFO_LINE = re.compile(r"info: ring (\d) features 0x([0-9a-f]+)")


def info_lines(run):
    """(ring, features) of every info.c line in the serial stream."""
    return [(int(r), int(f, 16)) for r, f in INFO_LINE.findall(run.serial)]


@pytest.fixture(scope="module", params=["max", "qemu64"])
def ring3(request, tmp_path_factory):
    """One boot of tests/suites/ring3/ (sorted: contained.c runs third)
    on the CPU model of the parameter."""
    cpu = request.param

    def boot(tmp):
        return efimm_test(f"suites-ring3-{cpu}", ["--cpu", cpu, "--timeout", str(TIMEOUT),
                                                  RING3], str(tmp / "ring3.xml"))

    # its tests may run on both pytest-xdist workers: one boot
    _, run = once_per_session(tmp_path_factory, f"suites-ring3-{cpu}", boot)
    run.cpu = cpu
    return run


def test_ring3_suite_verdicts(ring3):
    assert list(ring3.results) == sorted(RING3_EXPECT), ring3.tail()
    for name, (status, reason) in RING3_EXPECT.items():
        got_status, _, got_reason = ring3.results[name]
        assert got_status == status, (ring3.cpu, name, got_status, got_reason)
        if reason:
            assert re.search(reason, got_reason), (name, got_reason)
        else:
            assert got_reason == "", (name, got_reason)
    assert ring3.rc == 1, ring3.tail()          # contained.c failed, no error
    assert summaries(ring3) == [(len(RING3_EXPECT) - 1, 1, 0)]
    assert POWEROFF.findall(ring3.serial) == ["1"]


def test_ring3_fault_is_contained_and_reported(ring3):
    """contained.c's block holds the #PF report of a user-mode access
    that the page walk shows denied by U/S; the suite went on and
    efimm's free frames after the last payload equal those before the
    first."""
    block = junit_cases(ring3.junit)["contained"][2]
    assert "efimm: FATAL: #PF page fault (vector 14)" in block, block
    assert re.search(r"efimm: error code 0x[0-9a-f]+: .*write, user", block), block
    assert "efimm: mode: user (ring 3)" in block, block
    assert re.search(r"^ *(# )?efimm: denied: .*U/S", block, re.M), block
    assert "went through" not in block
    names = list(ring3.results)
    assert all(ring3.results[n][0] == "PASS" for n in names[names.index("contained") + 1:])
    before, after = EFIMM_BEFORE.findall(ring3.serial), EFIMM_AFTER.findall(ring3.serial)
    assert len(before) == 1 and after == before, (before, after)


def test_ring3_info_reports_the_cpu_protections(ring3):
    """info.c runs in ring 3; SMEP and SMAP are on with -cpu max, absent
    with -cpu qemu64 (info.c itself checks them against CPUID)."""
    lines = info_lines(ring3)
    assert len(lines) == 1, ring3.tail()
    ring, features = lines[0]
    assert ring == 3
    want = FEAT_SMEP | FEAT_SMAP if ring3.cpu == "max" else 0
    assert features & (FEAT_SMEP | FEAT_SMAP) == want, hex(features)


def test_ring0_keeps_ring_0(tmp_path):
    """ring=0 for every payload: the ring-independent payloads pass and
    info.c finds itself in ring 0."""
    run = efimm_test("suites-ring3-ring0",
                     ["--opt", "ring=0", "--timeout", str(TIMEOUT)] +
                     [os.path.join(RING3, n + ".c") for n in RING0_PAYLOADS],
                     str(tmp_path / "ring0.xml"))
    assert run.rc == 0, run.tail()
    assert {n: r[0] for n, r in run.results.items()} == \
        {n: "PASS" for n in RING0_PAYLOADS}, run.tail()
    assert [ring for ring, _ in info_lines(run)] == [0], run.tail()


def fatal_run(efimm_boot, args, files=None):
    """A `run` boot that must end in efimm's fatal report: powered off
    once, by efimm, with a non-zero status, the payload never exiting."""
    res = efimm_boot(args=args, files=files, timeout=120)
    assert not res.timed_out
    assert res.qemu_rc == 0, "QEMU did not exit by power-off"
    assert "efimm: FATAL: " in res.text
    assert res.text.count("efimm: powering off") == 1
    assert res.status not in (0, 124), res.status
    assert "efimm: payload exited" not in res.text
    return res


@pytest.mark.parametrize("what", ["smap", "smep"])
def test_inject_ends_in_a_fatal_report_naming_it(efimm_boot, what):
    """inject=smap: efimm reads the first write()'s buffer without its
    copy helper; inject=smep: efimm calls the payload's entry from kernel
    mode.  Either is a fault in efimm, reported and fatal."""
    res = fatal_run(efimm_boot, f"run efimm/payloads/hello.elf inject={what}")
    report = res.text[res.text.index("efimm: FATAL: "):]
    assert "efimm: FATAL: #PF page fault (vector 14)" in report
    assert "efimm: mode: kernel (ring 0)\n" in report
    assert re.search(rf"^efimm: .*\b{what.upper()}\b", report, re.M), report
    if what == "smap":
        efimm_frames_named(report)


def efimm_frames_named(report):
    """The backtrace of a fault in efimm names efimm's own functions
    from its built-in table, at the addresses build/efimm.so has them
    plus the image base the gdb line gives."""
    base = int(re.search(r"^efimm: gdb: add-symbol-file build/efimm.so -o 0x([0-9a-f]+)$",
                         report, re.M).group(1), 16)
    frames = re.findall(r"^efimm:   #\d+ 0x([0-9a-f]{16}) (\w+)\+0x([0-9a-f]+) \(efimm\)$",
                        report, re.M)
    names = [f[1] for f in frames]
    assert names[:2] == ["prun_inject_fault", "sys_write"], names
    assert "payload_syscall" in names and "trap_dispatch" in names, names
    nm = subprocess.run(["nm", os.path.join(ROOT, "build", "efimm.so")], check=True,
                        capture_output=True, text=True).stdout
    at = {n: int(a, 16) for a, _, n in (l.split() for l in nm.splitlines()
                                       if len(l.split()) == 3)}
    for pc, name, off in frames:
        assert int(pc, 16) == base + at[name] + int(off, 16), (pc, name, off)
    # then the payload's side of the system call (write is number 1)
    during = report.split("efimm: during the payload's system call 1, from:\n", 1)
    assert len(during) == 2, report
    assert re.search(r"^efimm:   #\d+ 0x[0-9a-f]{16} main\+0x[0-9a-f]+ \(hello\.elf\)$",
                     during[1], re.M), during[1]


def privileged_elf(tmp_path):
    """{ESP path: host path} of privileged.c built with `make payload`."""
    elf = tmp_path / "privileged.elf"
    subprocess.run(["make", "-s", "--no-print-directory", "-C", ROOT, "payload",
                    f"SRC={os.path.join(RING3, 'privileged.c')}", f"OUT={elf}"],
                   check=True, timeout=300)
    return {"efimm/tests/privileged.elf": str(elf)}


def test_inject_smap_with_ac_set_by_the_payload(efimm_boot, tmp_path):
    """A ring-3 payload may set RFLAGS.AC (what STAC sets) before its
    system call, and an interrupt gate keeps it: efimm's entry clears it
    (isr.S), or SMAP would let efimm's stray access through (this test
    failed before that fix)."""
    res = fatal_run(efimm_boot, "run efimm/tests/privileged.elf ac-write inject=smap",
                    files=privileged_elf(tmp_path))
    report = res.text[res.text.index("efimm: FATAL: "):]
    assert "efimm: denied: SMAP" in report, report


def test_privileged_instruction_outside_expect_fault(efimm_boot, tmp_path):
    """privileged.c with `wrmsr` executes wrmsr in ring 3 outside an
    expected fault: #GP, and the report says user mode and names wrmsr."""
    res = fatal_run(efimm_boot, "run efimm/tests/privileged.elf wrmsr",
                    files=privileged_elf(tmp_path))
    assert "privileged: wrmsr outside an expected fault" in res.text
    assert "efimm: FATAL: #GP general protection (vector 13)" in res.text
    assert "efimm: mode: user (ring 3)\n" in res.text
    assert "efimm: privileged instruction in user mode: wrmsr\n" in res.text
    assert "privileged: wrmsr returned" not in res.text
    assert res.status == 128 + 13
