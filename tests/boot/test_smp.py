"""QEMU tests of starting every CPU (README "Multiple CPUs").

- `-smp 1, 2, 4, 8` on q35 and `-smp 4, 8` on pc: efimm prints
  `efimm: N CPUs online` with N the count QEMU was given, and the payload
  still runs to its end.
- `-smp 2,maxcpus=4`: the MADT lists two more CPUs as disabled (hot-plug
  slots); efimm starts the two enabled ones and says so.
- inject=ap-stuck (fault injection) on `-smp 4`: the last AP is started
  into a halt, so efimm must name it as not started within its time and
  go on with three.
"""
import re

import pytest

HELLO = "run efimm/payloads/hello.elf"
ONLINE = re.compile(r"^efimm: (\d+) CPUs? online$", re.M)


def online(res):
    found = ONLINE.findall(res.text)
    assert len(found) == 1, "no single `CPUs online` line"
    return int(found[0])


@pytest.mark.parametrize("machine,cpus", [("q35", 1), ("q35", 2), ("q35", 4),
                                          ("q35", 8), ("pc", 4), ("pc", 8)])
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
    assert re.search(r"^efimm: CPU with APIC id 3 did not start within 200 ms: "
                     r"left out$", res.text, re.M)
    assert online(res) == 3
    assert res.status == 0
