"""QEMU tests of the memory-core dumps: ptdump (both views, both sets of
tables), ptdump ADDR, frames: every command in one UEFI Shell boot
(tests/boot/shellcases.py), each check on what its own command printed."""
import re

from shellcases import about, check, shell_cases

RANGE = re.compile(r"^([0-9a-f]{16})-([0-9a-f]{16})\s+\S+\s+(RW|RO)\s+(X|NX)\s+([US])\s+(\S+)\s+(4K|2M|1G)$", re.M)


def section(text, start, end=None):
    i = text.index(start)
    j = text.index(end, i) if end else len(text)
    return text[i:j]


def ptdump_firmware_then_efimm(res):
    check(res, 0)
    fw_hdr = "Page tables: the firmware's, live from CR3"
    ours_hdr = "Page tables: efimm's, built from the memory map"
    assert res.text.index(fw_hdr) < res.text.index(ours_hdr)
    ours = section(res.text, ours_hdr)
    assert "W+X audit: 0 W+X pages (PASS)" in ours
    rows = [(int(a, 16), int(b, 16), rw, x, cache, ps)
            for a, b, rw, x, _, cache, ps in RANGE.findall(ours)]
    assert rows, "no range lines in efimm's view"
    # page 0 unmapped; nothing is both writable and executable
    assert all(start >= 0x1000 for start, *_ in rows)
    assert not any(rw == "RW" and x == "X" for _, _, rw, x, _, _ in rows)
    # efimm's own code is RX: the line right after the .text marker
    after_text = section(ours, "---[ efimm .text ]---", "---[ efimm .rodata ]---")
    m = RANGE.search(after_text)
    assert m and m.group(3) == "RO" and m.group(4) == "X"
    # large pages are used where RAM is uniform
    assert any(ps == "2M" for *_, ps in rows)


def ptdump_grid_of_the_firmware(res):
    # OVMF maps 1 TiB in 2 MiB pages: identical rows are collapsed
    check(res, 0)
    assert "Page tables: the firmware's, live from CR3" in res.text
    assert "efimm's" not in res.text
    assert re.search(r"^PML4 at 0x[0-9a-f]+: entire address space$", res.text, re.M)
    assert re.search(r"^  \.\.\. 7 identical rows$", res.text, re.M)
    # OVMF's own tables are W+X: 'a' (RW+X) leaves appear
    assert any("a" in r for r in re.findall(r"^[.wrxaWRXAsS]{64}$", res.text, re.M))


def ptdump_grid_views(res):
    check(res, 0)
    assert "the firmware's" not in res.text
    assert re.search(r"^PML4 at 0x[0-9a-f]+: entire address space$", res.text, re.M)
    assert re.search(r"^PT at 0x[0-9a-f]+: for 0x[0-9a-f]+ - 0x[0-9a-f]+$", res.text, re.M)
    rows = re.findall(r"^[.wrxaWRXAsS]{64}$", res.text, re.M)
    assert len(rows) > 16
    ours = section(res.text, "Page tables: efimm's")
    ours_rows = re.findall(r"^[.wrxaWRXAsS]{64}$", ours, re.M)
    # efimm's code shows as read-only executable 4 KiB leaves ('x'), its
    # data as 'w'; page 0 is not present (first character of the first PT)
    assert any("x" in r for r in ours_rows) and any("w" in r for r in ours_rows)
    first_pt = re.search(r"^PT at 0x[0-9a-f]+: for 0x0+ - .*\n(.)", ours, re.M)
    assert first_pt and first_pt.group(1) == "."


def ptdump_walks_one_address(res):
    check(res, 0)
    walks = res.text.split("walk of 0x")
    assert len(walks) == 5          # firmware + efimm, for each address
    ours_zero = walks[2]
    assert "not present" in ours_zero.split("\n\n")[0]
    ours_1m = walks[4]
    assert re.search(r"PML4E: 0x0+ -> 0x[0-9a-f]+: P RW", ours_1m)
    assert re.search(r"(PTE|PDE): 0x0*100000 -> 0x0*100000: P RW .*XD", ours_1m)


def ptdump_rejects_bad_address(res):
    assert "efimm: ptdump: bad argument '0x800000000000': not a canonical address" in res.text
    check(res, 2)


def frames_grid_and_counts(res):
    check(res, 0)
    assert re.search(r"Physical memory from 0x[0-9a-f]+ to 0x[0-9a-f]+", res.text)
    rows = re.findall(r"^[RBP.M]{1,64}$", res.text, re.M)
    assert len(rows) > 4
    assert any("." in r for r in rows) and any("R" in r for r in rows)
    assert any("P" in r for r in rows)


# (command line, its check): `res` in each check is the case (its .text).
CASES = [("ptdump --ranges", ptdump_firmware_then_efimm),
         ("ptdump --grid --efimm", ptdump_grid_views),
         ("ptdump 0x0 ; ptdump 0x100000", ptdump_walks_one_address),
         ("ptdump 0x800000000000", ptdump_rejects_bad_address),
         ("frames", frames_grid_and_counts)]


def test_dumps_from_the_shell(efimm_boot):
    """One Shell boot for the dumps but the firmware's grid; a failure
    names its case."""
    _, parts = shell_cases(efimm_boot, [cmd for cmd, _ in CASES])
    for (_, checks), case in zip(CASES, parts):
        with about(case):
            checks(case)


def test_ptdump_grid_of_the_firmware(efimm_boot):
    """Its own Shell boot, without a display adapter (-vga none): the
    3,000 lines of OVMF's grid scrolled OVMF's graphics console for some
    25 s of TCG time (the serial port takes them in 1 s); the firmware's
    tables are walked all the same."""
    _, parts = shell_cases(efimm_boot, ["ptdump --grid --firmware"],
                           extra=("-vga", "none"))
    with about(parts[0]):
        ptdump_grid_of_the_firmware(parts[0])
