"""QEMU tests of `run`: payload exit statuses, the fault reports, the
malformed-ELF corpus, a missing file, and a machine with RAM above 4 GiB."""
import os
import re

import pytest

import elf_corpus
from shellcases import check, shell_cases
from test_timeout import fault_report_has_backtrace_and_if_set

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PAYLOADS = os.path.join(ROOT, "build", "payload")


def test_hello_args_and_exit_status(efimm_boot):
    res = efimm_boot(args='run efimm/payloads/hello.elf one "two words" exit=7 --')
    assert "argv[0] = efimm/payloads/hello.elf" in res.text
    assert "argv[2] = two words" in res.text
    assert "efimm: payload exited with status 7\n" in res.text
    assert res.status == 7
    assert "efimm: boot services exited" in res.text
    assert "SMEP" in res.text


def test_default_boot_runs_demo(efimm_boot):
    """No command line: the config's default entry ('demo') runs, and its
    `poweroff` reports 0 (this boot is also test_commands_and_config's)."""
    res = efimm_boot()
    assert not res.timed_out
    assert "efimm: booting entry 'demo'" in res.text
    assert "efimm: powering off, status 0 (EFI_SUCCESS)" in res.text
    # k_mem_map is lazy: fresh pages have no frame yet, and say so
    pages = re.findall(r"^demo:   0x[0-9a-f]{16} -> (.*)$", res.text, re.M)
    assert pages[:4] == ["(not yet populated)"] * 4, pages
    assert all(re.fullmatch(r"0x[0-9a-f]+ RW NX", p) for p in pages[4:]), pages
    assert len(pages) == 8, pages
    assert "efimm: memory map:" in res.text
    assert "Page tables: efimm's, live (CR3)" in res.text
    assert "W+X audit: 0 W+X pages (PASS)" in res.text
    assert "demo: all checks passed" in res.text
    assert res.status == 0
    # the IST stacks' guard pages (in efimm's .data) are holes in its tables
    data = res.text.split("---[ efimm .data ]---")[1].split("---[")[0]
    runs = [(int(a, 16), int(b, 16)) for a, b in
            re.findall(r"^([0-9a-f]{16})-([0-9a-f]{16}) ", data, re.M)]
    holes = [nxt[0] - cur[1] - 1 for cur, nxt in zip(runs, runs[1:])]
    assert holes.count(4096) >= 4, runs


def test_exit_boot_services_retries_a_stale_map_key(efimm_boot):
    """stale-keys=2: the first two ExitBootServices calls present a key the
    firmware refuses (EFI_INVALID_PARAMETER, as for a changed map); efimm
    re-reads the map into the same buffer and succeeds on the third."""
    res = efimm_boot(args="run efimm/payloads/hello.elf exit=5 -- stale-keys=2")
    assert re.search(r"efimm: boot services exited \(\d+ map entries, 3 attempts\)", res.text)
    assert "efimm: payload exited with status 5" in res.text
    assert res.status == 5


@pytest.mark.parametrize("status,code", [(256, 1), (512, 1), (-2147483648, 1), (-1, 255),
                                         (257, 1), (255, 255)])
def test_exit_status_never_turns_failure_into_success(efimm_boot, status, code):
    """A non-zero status whose low byte is 0 used to power off with 0."""
    res = efimm_boot(args=f"run efimm/payloads/hello.elf exit={status} --")
    suffix = "" if status == code else f" (payload status {status})"
    assert f"efimm: payload exited with status {code}{suffix}\n" in res.text
    assert f"efimm: powering off, status {code} (payload failure)" in res.text
    assert res.status == code


def test_bad_pointers_fail_the_call_not_efimm(efimm_boot):
    """NULL, wrapping, read-only and guard-page pointers given to efimm's
    services return -EFAULT; good pointers into lazy pages still work."""
    res = efimm_boot(args="run efimm/payloads/badptr.elf")
    assert "efimm: FATAL" not in res.text
    assert "FAILED" not in res.text
    assert "badptr: written from a lazy page\n" in res.text
    assert "badptr: all checks passed" in res.text
    assert res.status == 0


def test_payload_takes_sdk_function_addresses(efimm_boot):
    res = efimm_boot(args="run efimm/payloads/fnaddr.elf")
    assert re.search(r"fnaddr: k_mem_unpin at 0x00005000[0-9a-f]+, k_mem_pin at "
                     r"0x00005000[0-9a-f]+, free \d+ KiB: ok", res.text)
    assert res.status == 0


def test_many_live_regions(efimm_boot):
    """255 live k_mem_map regions were the limit: 257 and 3000 now map."""
    res = efimm_boot(args="run efimm/payloads/regions.elf")
    assert "regions: 257 of 257 regions mapped, 0 bad" in res.text
    assert res.status == 0
    res = efimm_boot(args="run efimm/payloads/regions.elf 3000")
    assert "regions: 3000 of 3000 regions mapped, 0 bad" in res.text
    assert res.status == 0


def test_memtour(efimm_boot):
    res = efimm_boot(args="run efimm/payloads/memtour.elf")
    assert "FAIL" not in res.text.split("efimm: entering")[1]
    assert "efimm: payload exited with status 0" in res.text
    assert res.status == 0


FAULTS = [
    ("fault_null", 14, [r"efimm: FATAL: #PF page fault \(vector 14\)",
                        r"CR2 0x0000000000000000",
                        r"efimm: CR2 is in page 0 \(NULL pointer dereference\)"]),
    ("fault_rodata", 14, [r"#PF page fault", r"protection violation \(present\), write",
                          r"efimm: CR2 0x[0-9a-f]+: permission fault \(page present\)"]),
    ("fault_nx", 14, [r"#PF page fault", r"instruction fetch",
                      r"efimm: CR2 0x[0-9a-f]+: permission fault \(page present\)"]),
    ("fault_stack", 14, [r"#PF page fault",
                         r"efimm: CR2 is in the stack guard page below the payload stack"]),
    ("fault_noncanon", 13, [r"efimm: FATAL: #GP general protection"]),
    ("fault_unmapped", 14, [r"#PF page fault", r"not-present",
                            r"efimm: CR2 0x[0-9a-f]+: unmapped"]),
]


@pytest.mark.parametrize("name,vector,patterns", FAULTS, ids=[f[0] for f in FAULTS])
def test_fault_reports(efimm_boot, name, vector, patterns):
    res = efimm_boot(args=f"run efimm/payloads/{name}.elf")
    assert not res.timed_out
    assert "efimm: FATAL" in res.text
    for p in patterns:
        assert re.search(p, res.text), p
    for reg in ("RIP 0x", "RSP 0x", "CR2 0x", "CR3 0x", "RAX 0x", "R15 0x"):
        assert reg in res.text
    assert re.search(r"PML4E: ", res.text), "no page walk"
    assert res.status == 128 + vector
    assert "efimm: payload exited" not in res.text
    if name == "fault_null":        # the same boot test_timeout.py would make
        fault_report_has_backtrace_and_if_set(res)


def test_malformed_elf_corpus_and_missing_payload_from_the_shell(efimm_boot, tmp_path):
    """Each bad file is refused with one line, and control returns to the
    UEFI Shell with boot services still up (the Shell runs the next line);
    a missing payload says so with EFI_NOT_FOUND.  One Shell boot."""
    expected = elf_corpus.write_corpus(str(tmp_path), os.path.join(PAYLOADS, "hello.elf"))
    names = sorted(expected)
    files = {f"bad/{name}": str(tmp_path / name) for name in names}
    cmds = [f"run bad/{name}" for name in names] + ["run efimm/payloads/nope.elf"]
    res, parts = shell_cases(efimm_boot, cmds, files=files, timeout=200)
    for name, case in zip(names, parts):
        line = re.search(rf"^efimm: bad/{re.escape(name)}: (.*)$", case.text, re.M)
        assert line, f"no error line for {name} ({case!r})"
        assert expected[name] in line.group(1), (case, line.group(1))
        assert case.status, f"{case!r}: status {case.raw_status}"
    check(parts[-1], 14,        # EFI_NOT_FOUND
          lines=["efimm: efimm/payloads/nope.elf: cannot read: no such file"],
          absent=["boot services exited"])
    assert "boot services exited" not in res.text


def test_ram_above_4g(efimm_boot):
    res = efimm_boot(args="run efimm/payloads/demo.elf", mem="6G", timeout=150)
    assert res.status == 0
    m = re.search(r"page tables loaded \(root 0x[0-9a-f]+\), (\d+) KiB free", res.text)
    assert m and int(m.group(1)) > 5 * 1024 * 1024
    ranges = re.findall(r"^([0-9a-f]{16})-([0-9a-f]{16}) .* (RW|RO) ", res.text, re.M)
    assert any(int(end, 16) >= 0x100000000 for _, end, _ in ranges), "nothing mapped above 4 GiB"
