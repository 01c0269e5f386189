"""tools/bench_linux.py's parser against the serial output of a real run
of tests/bench/linux/linux_bench.c (Linux 6.1.0-57, QEMU -icount; the
kernel's own boot messages cut): host only, no boot."""
import os
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import bench_linux  # noqa: E402

SERIAL = """\
[    0.000000] Linux version 6.1.0-57-amd64
linux_bench: copy-4k 4107 cycles
linux_bench: copy-4k-movsq 522 cycles
linux_bench: map 25 cycles per page, 256 pages, 0 evictions
linux_bench: unmap 1083 cycles per page, 256 pages, 0 evictions
linux_bench: zero-fill median 6508 cycles, mean 7029 cycles, 64 faults, 0 pages swapped in, 0 pages swapped out
linux_bench: page-in-dirty median 9202 cycles, mean 25106 cycles, 2048 faults, 2053 pages swapped in, 2027 pages swapped out
linux_bench: page-in-clean median 9261 cycles, mean 25828 cycles, 2048 faults, 2053 pages swapped in, 2070 pages swapped out
linux_bench: cpu-bug meltdown: Not affected
linux_bench: cpu-bug spectre_v2: Mitigation: Retpolines; STIBP: disabled; RSB filling; PBRSB-eIBRS: Not affected; BHI: Not affected
linux_bench: timer 4 cycles
linux_bench: call getpid median 315 cycles, mean 315 cycles, 1000 calls
linux_bench: call mmap-4k median 6652 cycles, mean 7086 cycles, 1000 calls
linux_bench: call munmap-4k median 7778 cycles, mean 8644 cycles, 1000 calls
linux_bench: call mmap-4k-kept median 8384 cycles, mean 8612 cycles, 1000 calls
linux_bench: call munmap-4k-kept median 10947 cycles, mean 12754 cycles, 1000 calls
linux_bench: copy-4k 4107 cycles
linux_bench: done
"""


def test_parse_reads_every_figure():
    r = bench_linux.parse(SERIAL)
    assert (r["copy"], r["movsq"], r["timer"]) == (4107, 522, 4)
    assert r["maps"] == {"map": [25, 256, 0], "unmap": [1083, 256, 0]}
    assert r["rows"]["page-in-dirty"] == [9202, 25106, 2048, 2053, 2027]
    assert r["calls"] == {"getpid": [315, 315, 1000], "mmap-4k": [6652, 7086, 1000],
                          "munmap-4k": [7778, 8644, 1000],
                          "mmap-4k-kept": [8384, 8612, 1000],
                          "munmap-4k-kept": [10947, 12754, 1000]}
    assert r["bugs"] == {"meltdown": "Not affected",
                         "spectre_v2": "Mitigation: Retpolines; STIBP: disabled; "
                         "RSB filling; PBRSB-eIBRS: Not affected; BHI: Not affected"}


@pytest.mark.parametrize("drop", ["linux_bench: call getpid", "linux_bench: call munmap-4k ",
                                  "linux_bench: call mmap-4k-kept",
                                  "linux_bench: timer", "linux_bench: map",
                                  "linux_bench: page-in-clean", "linux_bench: copy-4k-movsq"])
def test_parse_refuses_a_missing_line(drop):
    text = "\n".join(l for l in SERIAL.splitlines() if not l.startswith(drop))
    with pytest.raises(SystemExit):
        bench_linux.parse(text)


def test_tables_keep_their_rows():
    text = bench_linux.tables(dict(bench_linux.parse(SERIAL), version="6.1.0-57-amd64"))
    assert "| `munmap` per touched page (256 touched pages) | 1,083 | 0.26 | 0 |" in text
    assert "| page-in + dirty eviction (write pass) | 9,202 | 2.24 | 25,106 | 6.11 |" in text
