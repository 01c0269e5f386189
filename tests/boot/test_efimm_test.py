"""tools/efimm-test end to end, booting QEMU/OVMF: a directory of
payloads that pass, fail a check, skip and exit non-zero (exit 1, one
line per payload, the serial echo of -v, the JUnit file parsed and
counted), the same directory with --jobs 2 (the same per-payload
results), run options and an ELF target (exit 0), and the infrastructure
errors: a boot that hangs and a QEMU that does not start (exit 2, the
serial log named).  Four suite boots in all; the two error runs boot
nothing."""
import os
import re
import subprocess
import xml.etree.ElementTree as ET

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RUNNER = os.path.join(ROOT, "tools", "efimm-test")
# efimm's side of `suite` (efi/cmd/cmd_suite.c, machine/suite.c)
needs_suite = pytest.mark.skipif(
    not os.path.exists(os.path.join(ROOT, "efi", "cmd", "cmd_suite.c")),
    reason="efimm has no suite command yet")

PAYLOADS = {
    "pass.c": r'''
#include "efimm.h"
int main(void)
{
	efimm_test_plan(2);
	efimm_test_ok(1 + 1 == 2, "arithmetic");
	efimm_test_ok(k_mem_free_get() > 0, "free memory: %zu bytes", k_mem_free_get());
	return 0;
}
''',
    "fail.c": r'''
#include "efimm.h"
int main(void)
{
	efimm_test_plan(2);
	efimm_test_ok(true, "fine");
	efimm_test_ok(false, "wrong on purpose");
	return 0;
}
''',
    "skip.c": r'''
#include "efimm.h"
int main(void)
{
	efimm_test_skip("no such hardware");
	return 0;
}
''',
    "status.c": r'''
#include "efimm.h"
int main(int argc, char **argv)
{
	printk("status: %s exits with 3\n", argv[argc - 1]);
	return 3;
}
''',
}
EXPECTED = {"fail": "FAIL", "pass": "PASS", "skip": "SKIP", "status": "FAIL"}
LINE = re.compile(r"^(\S+)\s+(PASS|FAIL|SKIP)\s+(\d+\.\d+) s(?:  (.*))?$", re.M)


def runner(*args, env=None, timeout=1200):
    p = subprocess.run([RUNNER, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       cwd=ROOT, env=env, timeout=timeout)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def results(out):
    """{name: (status, reason)} from the runner's per-payload lines."""
    return {m.group(1): (m.group(2), m.group(4) or "") for m in LINE.finditer(out)}


@pytest.fixture
def bed(tmp_path):
    d = tmp_path / "bed"
    d.mkdir()
    for name, text in PAYLOADS.items():
        (d / name).write_text(text)
    return d


@needs_suite
def test_directory_one_job_then_two_jobs(bed, tmp_path):
    junit = tmp_path / "results.xml"
    rc, out, err = runner("-v", "--junit", str(junit), str(bed))
    assert rc == 1, out + err
    one = results(out)
    assert {n: s for n, (s, _) in one.items()} == EXPECTED, out
    assert "1 of 2 test points failed" in one["fail"][1]
    assert "status 3" in one["status"][1]
    assert one["skip"][1]                               # efimm's skip reason
    assert "TAP version 14" in out                      # -v echoes the console
    assert "status: efimm/tests/status.elf exits with 3" in out
    assert re.search(r"1 passed, 2 failed, 1 skipped .*serial log: build/efimm-test/\S+"
                     r"/job1\.log", out)

    suite = ET.parse(junit).getroot().find("testsuite")
    assert (suite.get("tests"), suite.get("failures"), suite.get("skipped"),
            suite.get("errors")) == ("4", "2", "1", "0")
    cases = {c.get("name"): c for c in suite.findall("testcase")}
    assert sorted(cases) == sorted(EXPECTED)
    fail = cases["fail"].find("failure")
    assert "1 of 2 test points failed" in fail.get("message")
    assert "not ok 2 - wrong on purpose" in fail.text
    assert "# Subtest: efimm/tests/fail.elf" in fail.text
    assert cases["skip"].find("skipped").get("message") == one["skip"][1]
    assert "# SKIP no such hardware" in cases["skip"].find("system-out").text
    assert cases["pass"].find("failure") is None
    assert cases["pass"].get("file").endswith("bed/pass.c")

    rc2, out2, err2 = runner("--jobs", "2", str(bed))
    assert rc2 == 1, out2 + err2
    assert results(out2) == one
    assert re.search(r"serial logs: \S+/job1\.log, \S+/job2\.log", out2)


OPTIONS = r'''
#include "efimm.h"
int main(void)
{
	size_t free = k_mem_free_get();

	efimm_test_ok(free <= (16ul << 20), "mem=16M reached the payload: %zu bytes free", free);
	return 0;
}
'''


@needs_suite
def test_options_and_an_elf_target_pass(bed, tmp_path):
    (tmp_path / "options.c").write_text(OPTIONS)
    elf = tmp_path / "prebuilt.elf"
    subprocess.run(["make", "-s", "payload", f"SRC={bed / 'pass.c'}", f"OUT={elf}"],
                   cwd=ROOT, check=True, timeout=300)
    rc, out, err = runner("--mem", "256M", "--cpus", "2", "--opt", "mem=16M",
                          "--timeout", "30", str(tmp_path / "options.c"), str(elf))
    assert rc == 0, out + err
    assert results(out) == {"options": ("PASS", ""), "prebuilt": ("PASS", "")}
    log = re.search(r"serial log: (\S+\.log)", out).group(1)
    with open(os.path.join(ROOT, log)) as f:
        text = f.read()
    assert "-m 256M" in text and "-smp 2" in text     # the QEMU command, logged
    assert "suite mem=16M timeout=30 @efimm/tests/suite.lst" in text


def test_boot_that_hangs_exits_2_naming_the_log(bed):
    """QEMU started paused (-S) says nothing: the wall-clock limit ends
    it, the message names the serial log."""
    env = dict(os.environ, EFIMM_TEST_BOOT_LIMIT="3")
    rc, out, err = runner("--qemu-arg", "-S", str(bed / "pass.c"), env=env)
    assert rc == 2, out + err
    m = re.search(r"boot hung: no suite summary after 3 s; serial log: (\S+\.log)", err)
    assert m, err
    assert os.path.isfile(os.path.join(ROOT, m.group(1)))
    assert re.search(r"^pass\s+ERROR", out, re.M)


def test_qemu_that_fails_exits_2(bed, tmp_path):
    junit = tmp_path / "j.xml"
    rc, out, err = runner("--junit", str(junit), "--qemu-arg=-no-such-option",
                          str(bed / "pass.c"))
    assert rc == 2, out + err
    assert "efimm printed no TAP" in err and "serial log:" in err
    log = re.search(r"serial log: (\S+\.log)", err).group(1)
    with open(os.path.join(ROOT, log)) as f:
        assert "no-such-option" in f.read()
    suite = ET.parse(junit).getroot().find("testsuite")
    assert suite.get("errors") == "1"
