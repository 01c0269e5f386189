"""QEMU tests of efimm failing on one CPU while others run (README
"Multiple CPUs", machine/smp_run.c smp_panic_stop): the CPU that fails
stops every other CPU by NMI before it reports, and the report is its
alone.  The payload (tests/boot/panic_smp.c) keeps the CPUs busy; a run
option injects the failure into efimm's own write call.

- inject=ap-efimm-fault on -smp 2 and 4: CPUs 2.. and main print without
  end when CPU 1's write call faults in efimm (a NULL read): one report
  naming CPU 1, the line saying the others stopped, status 255 (an efimm
  fault), and no payload line after the report starts.
- inject=efimm-panic with ring=0: every AP spins with interrupts off (only
  an NMI reaches it) when main's write call panics on the boot CPU: the
  APs are stopped all the same, status 21 (EFI_ABORTED).
"""
import os
import re
import subprocess

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PAYLOAD = "efimm/payloads/panic_smp.elf"
STOPPED = r"^efimm: CPU %d failed: stopped the other CPUs by NMI \(%d of %d\)$"


@pytest.fixture(scope="module")
def panic_elf(tmp_path_factory):
    elf = str(tmp_path_factory.mktemp("panic_smp") / "panic_smp.elf")
    subprocess.run(["make", "-s", "--no-print-directory", "-C", ROOT, "payload",
                    f"SRC={os.path.join(ROOT, 'tests', 'boot', 'panic_smp.c')}",
                    f"OUT={elf}"], check=True)
    return elf


def boot(efimm_boot, elf, cpus, line):
    """Boots the payload; returns the result and the CPUs online (a loaded
    host may leave an AP out: its start has 1000 ms)."""
    res = efimm_boot(args=f"run {PAYLOAD} {line}", cpus=cpus, timeout=240,
                     files={PAYLOAD: elf})
    assert not res.timed_out
    assert res.qemu_rc == 0, "QEMU did not exit by power-off"
    assert res.text.count("efimm: powering off") == 1
    online = re.search(r"^efimm: (\d+) CPUs online$", res.text, re.M)
    assert online and 2 <= int(online.group(1)) <= cpus
    return res, int(online.group(1))


def after_stop(res, cpu, cpus):
    """The log from the stop line on, which must be the failing CPU's
    alone."""
    m = re.search(STOPPED % (cpu, cpus - 1, cpus - 1), res.text, re.M)
    assert m, "no line saying the other CPUs were stopped"
    assert "did not stop within" not in res.text
    return res.text[m.start():]


@pytest.mark.parametrize("cpus", [2, 4])
def test_efimm_fault_on_an_ap_stops_the_others(efimm_boot, panic_elf, cpus):
    res, cpus = boot(efimm_boot, panic_elf, cpus, "busy inject=ap-efimm-fault")
    assert len(re.findall(r"panic_smp: CPU 0 line", res.text)) > 0, "main never printed"
    if cpus > 2:
        assert re.search(r"panic_smp: CPU %d line" % (cpus - 1), res.text)
    assert "efimm: inject=ap-efimm-fault: CPU 1 reads address 0" in res.text
    report = after_stop(res, 1, cpus)
    assert "panic_smp:" not in report and not re.search(r"CPU \d+ line \d", report), \
        "another CPU printed into the report"
    assert all(line.startswith(("efimm: ", "PML", "PDPTE", "PDE", "PTE", "PML5"))
               for line in report.splitlines() if line), "a line not efimm's in the report"
    assert report.count("efimm: FATAL:") == 1
    assert "efimm: FATAL: #PF page fault (vector 14)" in report
    assert "efimm: mode: kernel (ring 0)" in report
    assert f"efimm: cpu: 1 of {cpus}\n" in report
    assert "efimm: CR2 is in page 0 (NULL pointer dereference)" in report
    assert "efimm: powering off, status 255 (efimm fault)" in report
    assert res.status == 255


@pytest.mark.parametrize("cpus", [2, 4])
def test_panic_on_the_boot_cpu_stops_aps_with_interrupts_off(efimm_boot, panic_elf,
                                                              cpus):
    res, cpus = boot(efimm_boot, panic_elf, cpus, "cli ring=0 inject=efimm-panic")
    # the panic is in main's first write call (its line never prints),
    # made once every AP spins with interrupts off
    assert "efimm: entering efimm/payloads/panic_smp.elf at 0x500000000000 in ring 0" \
        in res.text
    report = after_stop(res, 0, cpus)
    assert report.count("efimm: PANIC:") == 1
    assert ("efimm: PANIC: machine: inject=efimm-panic: efimm panics in the write "
            "call on CPU 0 (fault injection)") in report
    assert "efimm: powering off, status 21 (EFI_ABORTED)" in report
    assert res.status == 21
