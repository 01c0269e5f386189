"""tools/bench_syscall.py's parser and table, and the README markers
tools/bench_readme.py rewrites: host only, against the output of
payload/syscall_bench.c and of the Linux program (no boot; `make bench`
runs them; the Linux program's parser: test_bench_linux.py)."""
import os
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import bench_linux  # noqa: E402
import bench_readme  # noqa: E402
import bench_syscall  # noqa: E402

# HAND-WRITTEN PARSER SAMPLE, not a measurement: payload/syscall_bench.c's
# line format (made before efimm's side of the system calls was on main),
# inside the noise of a boot's serial output.
EFIMM_RING3 = """\
efimm: run efimm/payloads/syscall_bench.elf
syscall_bench: ring 3
syscall_bench: copy-4k 4110 cycles
syscall_bench: timer 4 cycles
syscall_bench: call null median 200 cycles, mean 201 cycles, 1000 calls
syscall_bench: call k_mem_map-4k median 900 cycles, mean 950 cycles, 1000 calls
syscall_bench: call k_mem_unmap-4k median 700 cycles, mean 720 cycles, 1000 calls
efimm: payload exited with status 0
"""

def efimm_ring0():
    return EFIMM_RING3.replace("ring 3", "ring 0").replace(
        "median 200 cycles, mean 201", "median 150 cycles, mean 151")


def linux():
    return {"copy": 4107, "timer": 4,
            "calls": {"getpid": [315, 315, 1000], "mmap-4k": [6652, 6731, 1000],
                      "munmap-4k": [7778, 9029, 1000]},
            "bugs": {"meltdown": "Not affected"}}


def test_parse_reads_every_figure():
    r = bench_syscall.parse(EFIMM_RING3, 3)
    assert r == {"ring": 3, "copy": 4110, "timer": 4,
                 "calls": {"null": [200, 201, 1000],
                           "k_mem_map-4k": [900, 950, 1000],
                           "k_mem_unmap-4k": [700, 720, 1000]}}


@pytest.mark.parametrize("drop", ["syscall_bench: call null", "syscall_bench: copy-4k",
                                  "syscall_bench: timer", "syscall_bench: ring",
                                  "syscall_bench: call k_mem_unmap-4k"])
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
    efimm = {3: bench_syscall.parse(EFIMM_RING3, 3),
             0: bench_syscall.parse(efimm_ring0(), 0)}
    text = bench_syscall.tables(efimm, linux())
    rows = [l for l in text.splitlines() if l.startswith("| ")][2:]
    assert len(rows) == len(bench_syscall.ROWS)
    null = rows[0].split(" | ")
    assert null[1:7] == ["200 / 201", "0.049x / 0.049x", "150 / 151",
                         "0.036x / 0.037x", "`getpid` 315 / 315", "0.077x / 0.077x"]
    assert "`mmap` 6,652 / 6,731" in rows[1] and "`munmap` 7,778 / 9,029" in rows[2]
    assert "ring 3 200 against 315 (met, 0.63x getpid)" in text
    assert "meltdown: Not affected" in text


def test_goal_not_met_is_said():
    slow = EFIMM_RING3.replace("median 200 cycles", "median 400 cycles")
    efimm = {3: bench_syscall.parse(slow, 3), 0: bench_syscall.parse(efimm_ring0(), 0)}
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
