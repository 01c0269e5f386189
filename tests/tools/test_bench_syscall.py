"""tools/bench_syscall.py's parser and table, and the README markers
tools/bench_readme.py rewrites: host only, against the output of
payload/syscall_bench.c and of the Linux program (no boot; `make bench`
runs them; the Linux program's parser: test_bench_linux.py)."""
import os
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import bench_readme  # noqa: E402
import bench_syscall  # noqa: E402

# Captured: the efimm lines of the two boots of a real run (tools/
# bench_syscall.py, QEMU -icount; build/bench/syscall_ringN.log).
EFIMM_RING3 = """\
efimm: booting entry 'b' (bench): run efimm/payloads/syscall_bench.elf ; poweroff
efimm: entering efimm/payloads/syscall_bench.elf at 0x500000000000 in ring 3
syscall_bench: ring 3
syscall_bench: copy-4k 4110 cycles
syscall_bench: timer 4 cycles
syscall_bench: call null median 103 cycles, mean 103 cycles, 1000 calls
syscall_bench: call k_mem_map-4k median 15049 cycles, mean 15049 cycles, 1000 calls
syscall_bench: call k_mem_unmap-4k median 25078 cycles, mean 25078 cycles, 1000 calls
syscall_bench: call k_mem_map-4k-kept median 2482 cycles, mean 2482 cycles, 1000 calls
syscall_bench: call k_mem_unmap-4k-kept median 1783 cycles, mean 1783 cycles, 1000 calls
efimm: payload exited with status 0
efimm: powering off, status 0 (EFI_SUCCESS)
"""

EFIMM_RING0 = """\
efimm: booting entry 'b' (bench): run efimm/payloads/syscall_bench.elf ring=0 ; poweroff
efimm: entering efimm/payloads/syscall_bench.elf at 0x500000000000 in ring 0
syscall_bench: ring 0
syscall_bench: copy-4k 4110 cycles
syscall_bench: timer 4 cycles
syscall_bench: call null median 103 cycles, mean 103 cycles, 1000 calls
syscall_bench: call k_mem_map-4k median 15043 cycles, mean 15043 cycles, 1000 calls
syscall_bench: call k_mem_unmap-4k median 25078 cycles, mean 25078 cycles, 1000 calls
syscall_bench: call k_mem_map-4k-kept median 2491 cycles, mean 2491 cycles, 1000 calls
syscall_bench: call k_mem_unmap-4k-kept median 1810 cycles, mean 1810 cycles, 1000 calls
efimm: payload exited with status 0
efimm: powering off, status 0 (EFI_SUCCESS)
"""


def linux():
    """bench_linux.parse()'s calls of the same run (test_bench_linux.py
    checks that parser on the full output)."""
    return {"copy": 4107, "timer": 4,
            "calls": {"getpid": [315, 315, 1000], "mmap-4k": [6652, 7086, 1000],
                      "munmap-4k": [7778, 8644, 1000],
                      "mmap-4k-kept": [8384, 8612, 1000],
                      "munmap-4k-kept": [10947, 12754, 1000]},
            "bugs": {"meltdown": "Not affected"}}


def both():
    return {3: bench_syscall.parse(EFIMM_RING3, 3), 0: bench_syscall.parse(EFIMM_RING0, 0)}


def test_parse_reads_every_figure():
    r = bench_syscall.parse(EFIMM_RING3, 3)
    assert r == {"ring": 3, "copy": 4110, "timer": 4,
                 "calls": {"null": [103, 103, 1000],
                           "k_mem_map-4k": [15049, 15049, 1000],
                           "k_mem_unmap-4k": [25078, 25078, 1000],
                           "k_mem_map-4k-kept": [2482, 2482, 1000],
                           "k_mem_unmap-4k-kept": [1783, 1783, 1000]}}
    assert bench_syscall.parse(EFIMM_RING0, 0)["calls"]["k_mem_unmap-4k-kept"] == \
        [1810, 1810, 1000]


@pytest.mark.parametrize("drop", ["syscall_bench: call null", "syscall_bench: copy-4k",
                                  "syscall_bench: timer", "syscall_bench: ring",
                                  "syscall_bench: call k_mem_unmap-4k ",
                                  "syscall_bench: call k_mem_map-4k-kept"])
def test_parse_refuses_a_missing_line(drop):
    text = "\n".join(l for l in EFIMM_RING3.splitlines() if not l.startswith(drop))
    with pytest.raises(SystemExit):
        bench_syscall.parse(text, 3)


def test_parse_refuses_a_failed_call():
    text = EFIMM_RING3 + "syscall_bench: FAIL: null system call returned -38\n"
    with pytest.raises(SystemExit, match="returned -38"):
        bench_syscall.parse(text, 3)


def test_parse_refuses_the_wrong_ring():
    with pytest.raises(SystemExit, match="ring 3"):
        bench_syscall.parse(EFIMM_RING3, 0)


def test_table_rows_ratios_and_goal():
    text = bench_syscall.tables(both(), linux())
    rows = [l for l in text.splitlines() if l.startswith("| ")][2:]
    assert len(rows) == len(bench_syscall.ROWS)
    null = rows[0].split(" | ")
    assert null[1:7] == ["103 / 103", "0.025x / 0.025x", "103 / 103", "0.025x / 0.025x",
                         "`getpid` 315 / 315", "0.077x / 0.077x"]
    assert rows[0].endswith("| <= Linux `getpid` |")
    assert "| 15,049 / 15,049 | 3.662x / 3.662x | 15,043 / 15,043 |" in rows[1]
    assert "`mmap` 6,652 / 7,086" in rows[1] and "`munmap` 7,778 / 8,644" in rows[2]
    assert "| 1,783 / 1,783 | 0.434x / 0.434x | 1,810 / 1,810 |" in rows[4]
    assert "`munmap` 10,947 / 12,754" in rows[4]
    assert "ring 3 103 against 315 (met, 0.33x getpid)" in text
    assert "meltdown: Not affected" in text


def test_goal_not_met_is_said():
    efimm = both()
    efimm[3]["calls"]["null"] = [400, 400, 1000]
    assert "ring 3 400 against 315 (not met" in bench_syscall.tables(efimm, linux())


def test_readme_has_every_section_marker():
    with open(os.path.join(ROOT, "README.md")) as f:
        text = f.read()
    for name in bench_readme.SECTIONS:
        assert text.count(f"<!-- bench:{name} -->") == 1, name
        assert text.count(f"<!-- /bench:{name} -->") == 1, name


def test_write_readme_replaces_only_its_section(tmp_path, monkeypatch):
    readme = tmp_path / "README.md"
    readme.write_text("a\n<!-- bench:syscall -->\nold\n<!-- /bench:syscall -->\nb\n")
    monkeypatch.setattr(bench_readme, "README", str(readme))
    bench_readme.write_readme({"syscall": "| new |"})
    assert readme.read_text() == "a\n<!-- bench:syscall -->\n| new |\n<!-- /bench:syscall -->\nb\n"
