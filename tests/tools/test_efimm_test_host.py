"""tools/efimm-test without booting: its command line (usage errors exit
2 with a message), missing QEMU, a C file that does not compile, target
names, the disk image of a suite (inspected with mtools), the TAP parser
fed a recorded serial stream piece by piece, and the JUnit file.  The
whole pipeline (jobs in parallel, results as they arrive, exit status,
a hung boot) runs only against the real QEMU and efimm:
tests/boot/test_efimm_test.py and tests/boot/test_suites.py."""
import os
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RUNNER = os.path.join(ROOT, "tools", "efimm-test")
sys.path.insert(0, os.path.join(ROOT, "tools"))
import efimm_test_junit  # noqa: E402
import efimm_test_run as run  # noqa: E402
from efimm_test_tap import SuiteParser  # noqa: E402

GOOD = '#include "efimm.h"\nint main(void) { efimm_test_ok(1, "fine"); return 0; }\n'


def runner(*args, env=None):
    p = subprocess.run([RUNNER, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       env=env, timeout=600, cwd=ROOT)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


@pytest.mark.parametrize("args, message", [
    ([], "the following arguments are required: TARGET"),
    (["--bogus", "x.c"], "unrecognized arguments: --bogus"),
    (["--jobs", "0", "x.c"], "--jobs: must be at least 1"),
    (["--mem", "lots", "x.c"], "--mem: not a size"),
    (["--timeout", "-3", "x.c"], "--timeout"),
    (["--opt", "colour=red", "x.c"], "unknown option 'colour'"),
    (["--opt", "evict", "x.c"], "not KEY=VALUE"),
    (["--opt", "mem=4M", "--opt", "mem=8M", "x.c"], "option 'mem' given twice"),
    (["--timeout", "5", "--opt", "timeout=6", "x.c"], "timeout given twice"),
    (["no/such/file.c"], "no/such/file.c: no such file or directory"),
    (["README.md"], "README.md: not a C file, an ELF file or a directory"),
])
def test_usage_errors_exit_2(args, message, tmp_path):
    if "x.c" in args:
        (tmp_path / "x.c").write_text(GOOD)
        args = [str(tmp_path / "x.c") if a == "x.c" else a for a in args]
    rc, out, err = runner(*args)
    assert rc == 2, (out, err)
    assert message in err


def test_empty_directory_is_a_usage_error(tmp_path):
    rc, _, err = runner(str(tmp_path))
    assert rc == 2
    assert "directory holds no C files" in err


def test_missing_qemu_exits_2(tmp_path):
    (tmp_path / "x.c").write_text(GOOD)
    env = dict(os.environ, PATH=str(tmp_path / "empty"))
    rc, _, err = runner(str(tmp_path / "x.c"), env=env)
    assert rc == 2
    assert "qemu-system-x86_64 not found on PATH" in err


def test_missing_ovmf_exits_2(tmp_path, monkeypatch):
    monkeypatch.setattr(run.efimm_qemu, "OVMF_CODE", str(tmp_path / "no.fd"))
    with pytest.raises(run.InfraError, match="OVMF firmware .*no.fd missing"):
        run.check_host()


def test_c_file_that_does_not_compile_exits_2(tmp_path):
    (tmp_path / "good.c").write_text(GOOD)
    (tmp_path / "broken.c").write_text(
        '#include "efimm.h"\nint main(void)\n{\n\treturn no_such_thing;\n}\n')
    rc, out, err = runner(str(tmp_path))
    assert rc == 2, (out, err)
    assert f"{tmp_path}/broken.c does not compile" in err
    assert "no_such_thing" in err and "undeclared" in err


def test_names_unique_and_directories_sorted(tmp_path):
    for d in ["a", "b"]:
        (tmp_path / d).mkdir()
        (tmp_path / d / "same.c").write_text(GOOD)
    (tmp_path / "a" / "zeta.c").write_text(GOOD)
    (tmp_path / "a" / "alpha.c").write_text(GOOD)
    (tmp_path / "a" / "notes.txt").write_text("not a payload")
    ts = run.resolve_targets([str(tmp_path / "a"), str(tmp_path / "b" / "same.c"),
                              str(tmp_path / "a" / "zeta.c")])
    assert [t.name for t in ts] == ["alpha", "a-same", "zeta", "b-same", "zeta-2"]
    assert len({t.name.lower() for t in ts}) == len(ts)


def test_sharding_keeps_the_order_within_a_job():
    assert run.shard(list(range(5)), 2) == [[0, 2, 4], [1, 3]]
    assert run.shard(list(range(2)), 8) == [[0], [1]]


def mtype(img, path):
    return subprocess.run(["mtype", "-i", f"{img}@@1M", path], check=True,
                          stdout=subprocess.PIPE).stdout.decode()


def test_suite_image_layout(tmp_path):
    """Payloads at \\efimm\\tests\\NAME.elf, the list, and a config whose
    default entry runs the suite with the defaults."""
    elf = tmp_path / "p.elf"
    elf.write_bytes(b"\x7fELF" + bytes(100))
    ts = run.resolve_targets([str(elf), str(elf)])
    img = str(tmp_path / "suite.img")
    run.pack_image(img, ts, ["mem=16M", "evict=nru", "timeout=30"])
    listing = subprocess.run(["mdir", "-b", "-i", f"{img}@@1M", "::/efimm/tests"],
                             check=True, stdout=subprocess.PIPE).stdout.decode().split()
    assert sorted(listing) == ["::/efimm/tests/p-2.elf", "::/efimm/tests/p.elf",
                               "::/efimm/tests/suite.lst"]
    assert mtype(img, "::/efimm/tests/p-2.elf").encode("latin-1") == elf.read_bytes()
    lst = [ln for ln in mtype(img, "::/efimm/tests/suite.lst").splitlines()
           if ln and not ln.startswith("#")]
    assert lst == ["efimm/tests/p.elf", "efimm/tests/p-2.elf"]
    conf = mtype(img, "::/efimm/efimm.conf")
    assert "default suite\n" in conf
    assert ("entry suite \"efimm-test\" suite mem=16M evict=nru timeout=30 "
            "@efimm/tests/suite.lst ; poweroff") in conf
    # efimm itself is on the image
    assert "BOOTX64" in subprocess.run(["mdir", "-b", "-i", f"{img}@@1M", "::/EFI/BOOT"],
                                       stdout=subprocess.PIPE).stdout.decode().upper()


# A serial stream as efimm's suite prints it (README "Suites: many payloads in one boot"), with
# the firmware's noise in front, CR LF line ends and an ANSI sequence.
RECORDED = (
    "BdsDxe: loading Boot0001\r\n\x1b[0mefimm: booting entry 'suite'\r\n"
    "TAP version 14\r\n"
    "1..4\r\n"
    "# efimm: suite: 4 payloads, baseline 120000 free frames\r\n"
    "# Subtest: efimm/tests/good.elf\r\n"
    "    # good: hello\r\n"
    "    1..2\r\n"
    "    ok 1 - first\r\n"
    "    ok 2 - second\r\n"
    "ok 1 - efimm/tests/good.elf\r\n"
    "# Subtest: efimm/tests/bad.elf\r\n"
    "    1..3\r\n"
    "    ok 1 - first\r\n"
    "    not ok 2 - second\r\n"
    "    ok 3 - third\r\n"
    "not ok 2 - efimm/tests/bad.elf\r\n"
    "  ---\r\n"
    "  message: \"1 of 3 test points failed\"\r\n"
    "  ...\r\n"
    "# Subtest: efimm/tests/skip.elf\r\n"
    "    ok 1 - no IOMMU # SKIP not on q35\r\n"
    "    1..1\r\n"
    "ok 3 - efimm/tests/skip.elf # SKIP no IOMMU\r\n"
    "# Subtest: efimm/tests/quiet.elf\r\n"
    "    not ok 1 - checked \"x\"\r\n"
    "    1..1\r\n"
    "not ok 4 - efimm/tests/quiet.elf\r\n"
    "efimm: suite: 1 passed, 2 failed, 1 skipped\r\n"
    "efimm: powering off, status 1 (payload failure)\r\n")


def parse_in_pieces(text, size):
    ticks = iter(range(10 ** 6))
    p = SuiteParser(clock=lambda: float(next(ticks)))
    done = []
    for i in range(0, len(text), size):
        done += p.feed(run.efimm_qemu.strip_ansi(text[i:i + size].encode()).decode())
    done += p.finish()
    return p, done


@pytest.mark.parametrize("size", [1, 7, 4096])
def test_parser_reads_the_recorded_stream(size):
    p, done = parse_in_pieces(RECORDED, size)
    assert p.started and p.plan == 4 and not p.problems
    assert [(r.index, r.path, r.status, r.reason) for r in done] == [
        (1, "efimm/tests/good.elf", "PASS", ""),
        (2, "efimm/tests/bad.elf", "FAIL", "1 of 3 test points failed"),
        (3, "efimm/tests/skip.elf", "SKIP", "no IOMMU"),
        (4, "efimm/tests/quiet.elf", "FAIL", 'not ok 1 - checked "x"'),
    ]
    assert p.summary == (1, 2, 1) and p.status == 1
    bad = done[1]
    assert bad.lines[0] == "# Subtest: efimm/tests/bad.elf"
    assert "    not ok 2 - second" in bad.lines and bad.lines[-1] == "  ..."
    assert all(r.seconds > 0 for r in done)


def test_parser_reports_each_payload_as_it_finishes():
    """A result is complete when its line (and a failure's YAML block)
    has arrived, before anything of the next payload."""
    p = SuiteParser()
    upto = RECORDED.index("# Subtest: efimm/tests/bad.elf")
    done = p.feed(RECORDED[:upto])
    assert [r.status for r in done] == ["PASS"]
    upto2 = RECORDED.index("# Subtest: efimm/tests/skip.elf")
    assert [r.reason for r in p.feed(RECORDED[upto:upto2])] == ["1 of 3 test points failed"]


def test_parser_notices_a_stream_that_stops():
    cut = RECORDED.index("    not ok 2 - second")
    p, done = parse_in_pieces(RECORDED[:cut], 4096)
    assert len(done) == 1 and p.summary is None
    assert p.open_path == "efimm/tests/bad.elf"
    assert "    1..3" in p.open_lines


def test_junit_file_counts(tmp_path):
    p, done = parse_in_pieces(RECORDED, 4096)
    entries = [{"name": r.path.split("/")[-1][:-4], "file": f"t/{r.index}.c",
                "status": r.status, "reason": r.reason, "seconds": r.seconds,
                "lines": r.lines + ["\x1b[31mcontrol\x00characters"]} for r in done]
    out = tmp_path / "j.xml"
    efimm_test_junit.write(str(out), entries, 12.5)
    suites = ET.parse(out).getroot()
    suite = suites.find("testsuite")
    assert (suite.get("tests"), suite.get("failures"), suite.get("skipped"),
            suite.get("errors")) == ("4", "2", "1", "0")
    cases = suite.findall("testcase")
    assert [c.get("name") for c in cases] == ["good", "bad", "skip", "quiet"]
    fail = cases[1].find("failure")
    assert fail.get("message") == "1 of 3 test points failed"
    assert "    not ok 2 - second" in fail.text
    assert cases[2].find("skipped").get("message") == "no IOMMU"
    assert cases[0].find("failure") is None and cases[0].find("skipped") is None
