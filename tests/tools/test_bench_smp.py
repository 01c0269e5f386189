"""tools/bench_smp.py's parser and table (host only, against captured
output of payload/smp_bench.c; `make bench` runs the boots) and the
README markers tools/bench_readme.py rewrites for it."""
import os
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import bench_smp  # noqa: E402


def boot_text(cpus, unmap1, unmap64, faults):
    return (f"efimm: {cpus} CPUs online\nsmp_bench: cpus {cpus}\n"
            "smp_bench: copy-4k 4110 cycles\n"
            f"smp_bench: unmap-1 median {unmap1} cycles, mean {unmap1} cycles, 100 runs\n"
            f"smp_bench: unmap-64 median {unmap64} cycles, mean {unmap64} cycles, 100 runs\n"
            f"smp_bench: faults 1024 pages, {cpus} CPUs, {faults} cycles\n")


def test_parse_and_tables():
    res = {n: bench_smp.parse(boot_text(n, 25590 + 400 * (n - 1), 59692 + 500 * (n - 1),
                                        1118595 + 1000 * n), n)
           for n in bench_smp.CPUS}
    out = bench_smp.tables(res)
    assert "| 1 | 25,590 | 6.23x | +0 | 59,692 | 14.52x | +0 |" in out
    assert "| 4 | 26,790 | 6.52x | +1,200 | 61,192 | 14.89x | +1,500 |" in out
    assert "| 2 | 1,120,595 | 1,094 | 0.27x |" in out


def test_parse_refuses_missing_or_wrong_boots():
    with pytest.raises(SystemExit):
        bench_smp.parse("smp_bench: cpus 2\n", 2)
    with pytest.raises(SystemExit):
        bench_smp.parse(boot_text(2, 1, 2, 3), 4)


def test_readme_has_the_markers():
    text = open(os.path.join(ROOT, "README.md")).read()
    assert "<!-- bench:smp -->" in text and "<!-- /bench:smp -->" in text
