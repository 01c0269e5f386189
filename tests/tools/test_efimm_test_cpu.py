"""tools/efimm-test --cpu MODEL (and efimm_qemu's cpu argument): the model
reaches QEMU's -cpu, max by default, and a value that is not a model is a
usage error.  The boot itself is QEMU's business: a stand-in
qemu-system-x86_64 first on PATH records its command line and prints the
serial stream of a passing one-payload suite, so the whole runner runs
without booting.  tests/boot/test_ring3.py boots efimm with -cpu qemu64."""
import os
import re
import stat
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RUNNER = os.path.join(ROOT, "tools", "efimm-test")
sys.path.insert(0, os.path.join(ROOT, "tools"))
import efimm_qemu  # noqa: E402

GOOD = '#include "efimm.h"\nint main(void) { efimm_test_ok(1, "fine"); return 0; }\n'

# Writes its arguments, one a line, to $FAKE_QEMU_ARGS, then prints what
# efimm's suite prints for one passing payload efimm/tests/x.elf.
FAKE_QEMU = """#!/usr/bin/python3
import os, sys
with open(os.environ["FAKE_QEMU_ARGS"], "w") as f:
    f.write("\\n".join(sys.argv[1:]) + "\\n")
sys.stdout.write("TAP version 14\\r\\n1..1\\r\\n# Subtest: efimm/tests/x.elf\\r\\n"
                 "    1..1\\r\\n    ok 1 - fine\\r\\nok 1 - efimm/tests/x.elf\\r\\n"
                 "efimm: suite: 1 passed, 0 failed, 0 skipped\\r\\n"
                 "efimm: powering off, status 0 (EFI_SUCCESS)\\r\\n")
"""


def cpu_values(args):
    """The values of every -cpu in a QEMU argument list."""
    return [args[i + 1] for i, a in enumerate(args) if a == "-cpu"]


def test_qemu_command_cpu_default_and_choice():
    assert cpu_values(efimm_qemu.qemu_command("d.img", vars_file="v.fd")) == ["max"]
    assert cpu_values(efimm_qemu.qemu_command("d.img", vars_file="v.fd",
                                              cpu="qemu64")) == ["qemu64"]


def runner(tmp_path, *args):
    """Runs efimm-test ARGS x.c with the stand-in QEMU; (status, output,
    QEMU's arguments or None)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    fake = bin_dir / "qemu-system-x86_64"
    fake.write_text(FAKE_QEMU)
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    (tmp_path / "x.c").write_text(GOOD)
    record = tmp_path / "qemu-args"
    env = dict(os.environ, PATH=f"{bin_dir}:{os.environ['PATH']}",
               FAKE_QEMU_ARGS=str(record))
    p = subprocess.run([RUNNER, *args, str(tmp_path / "x.c")], cwd=ROOT, env=env,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=600)
    got = record.read_text().splitlines() if record.exists() else None
    return p.returncode, p.stdout.decode(), got


@pytest.mark.parametrize("args, want", [
    ([], "max"),
    (["--cpu", "qemu64"], "qemu64"),
    (["--cpu", "max,-smap,-smep"], "max,-smap,-smep"),
])
def test_cpu_reaches_qemu(tmp_path, args, want):
    rc, out, qemu_args = runner(tmp_path, *args)
    assert rc == 0, out
    assert qemu_args is not None, out
    assert cpu_values(qemu_args) == [want], qemu_args
    assert re.search(r"^x\s+PASS\b", out, re.M), out


@pytest.mark.parametrize("model", ["", "max;reboot", "qemu64 -S", "-S", "max,,x"])
def test_cpu_that_is_no_model_is_a_usage_error(tmp_path, model):
    rc, out, qemu_args = runner(tmp_path, f"--cpu={model}")
    assert rc == 2, out
    assert "--cpu: not a QEMU CPU model" in out or \
        "--cpu: expected one argument" in out, out
    assert qemu_args is None
