"""Boot tests of the default boot, memmap, unknown commands and options, the config file and the Shell."""
import re

HEADER = "Type       Start            End              # Pages          Attributes"
ROW = re.compile(r"^(\S+)\s+([0-9A-F]{16})-([0-9A-F]{16}) ([0-9A-F]{16}) ([0-9A-F]{16})$", re.M)


def rows(text):
    return [(t, int(s, 16), int(e, 16), int(n, 16), int(a, 16))
            for t, s, e, n, a in ROW.findall(text)]


def test_default_boot_runs_config_and_powers_off(efimm_boot):
    res = efimm_boot()
    assert not res.timed_out
    assert "efimm: booting entry 'demo'" in res.text
    assert "efimm: powering off, status 0 (EFI_SUCCESS)" in res.text
    assert res.status == 0


def test_memmap_rows_are_consistent(efimm_boot):
    res = efimm_boot(args="memmap", mem="512M")
    assert res.status == 0
    r = rows(res.text)
    assert len(r) > 10
    for t, start, end, pages, _ in r:
        assert end == start + pages * 4096 - 1, (t, start, end, pages)
    avail = sum(p for t, _, _, p, _ in r if t == "Available")
    m = re.search(r"Available :\s+([\d,]+) Pages", res.text)
    assert int(m.group(1).replace(",", "")) == avail
    # 512 MiB of RAM: conventional + boot services + loader make most of it
    ram = sum(p for t, _, _, p, _ in r
              if t in ("Available", "BS_Code", "BS_Data", "LoaderCode", "LoaderData"))
    assert 400 * 256 < ram <= 512 * 256


def test_memmap_sorted_merges(efimm_boot):
    res = efimm_boot(args="memmap --sorted")
    assert res.status == 0
    m = re.search(r"memmap: sorted (\d+) entries: merged (\d+) into neighbours, "
                  r"dropped (\d+) zero-page, (\d+) overlapping", res.text)
    assert m, "no sorted summary line"
    total, merged, dropped, overlaps = map(int, m.groups())
    r = rows(res.text)
    assert len(r) == total - merged - dropped
    starts = [s for _, s, _, _, _ in r]
    assert starts == sorted(starts)
    assert overlaps == 0
    for a, b in zip(r, r[1:]):  # nothing left that could have merged
        assert not (a[0] == b[0] and a[4] == b[4] and a[2] + 1 == b[1]), (a, b)


def test_unknown_command_fails_with_usage(efimm_boot):
    res = efimm_boot(args="frobnicate")
    assert "efimm: unknown command 'frobnicate'" in res.text
    assert "usage: efimm COMMAND" in res.text
    assert res.status == 2     # EFI_INVALID_PARAMETER
    assert "efimm: powering off, status 2 (EFI_INVALID_PARAMETER)" in res.text


def test_unknown_option_fails(efimm_boot):
    res = efimm_boot(args="memmap --bogus")
    assert "efimm: memmap: unknown option '--bogus'" in res.text
    assert res.status == 2
    assert HEADER not in res.text


def test_broken_config_is_reported(efimm_boot):
    res = efimm_boot(config="timeout 0\nbogus line\n", stop_on=b"(EFI_LOAD_ERROR)")
    assert "efimm: \\efimm\\efimm.conf: line 2: unknown keyword 'bogus'" in res.text
    assert "efimm: exit status 1 (EFI_LOAD_ERROR)" in res.text


STARTUP = ("@echo -off\r\n"
           "fs0:\r\n"
           "\\efimm.efi memmap --sorted\r\n"
           "echo \"lasterror=%lasterror%\"\r\n"
           "\\efimm.efi \"no such\" command\r\n"
           "echo \"lasterror=%lasterror%\"\r\n"
           "reset -s\r\n")


def test_shell_passes_arguments_and_sees_status(efimm_boot):
    """No BOOTX64.EFI: OVMF falls back to its built-in UEFI Shell, which
    runs startup.nsh from the ESP."""
    import os
    efi = os.path.join(os.path.dirname(__file__), "..", "..", "build", "efimm.efi")
    res = efimm_boot(files={"efimm.efi": efi, "startup.nsh": STARTUP.encode()},
                     drop=["EFI/BOOT/BOOTX64.EFI"], timeout=150)
    assert not res.timed_out, "the Shell never powered off"
    assert "memmap: sorted" in res.text
    assert "lasterror=0x0" in res.text
    assert "efimm: unknown command 'no such'" in res.text
    # this Shell shows the error code without the EFI error bit
    assert "lasterror=0x2\n" in res.text


BAD_LINES = [
    ("toomany", "help;" * 16 + ";", "efimm: bad command line: too many commands"),
    ("empty", ";", "efimm: bad command line: empty command"),
    ("toolong", "memmap " + "x" * 2100, "efimm: command line too long"),
]


def test_shell_refuses_bad_command_lines(efimm_boot):
    """From the Shell: 16 commands and one more ';' (the splitter wrote past
    its command array), a lone ';' and a 2,100-character line each get one
    error line and EFI_INVALID_PARAMETER, never the config's default entry."""
    import os
    efi = os.path.join(os.path.dirname(__file__), "..", "..", "build", "efimm.efi")
    script = "@echo -off\r\nfs0:\r\n"
    for name, line, _ in BAD_LINES:
        script += f"\\efimm.efi {line}\r\necho \"{name}=%lasterror%\"\r\n"
    script += "reset -s\r\n"
    res = efimm_boot(files={"efimm.efi": efi, "startup.nsh": script.encode()},
                     drop=["EFI/BOOT/BOOTX64.EFI"], timeout=150)
    assert not res.timed_out, "the Shell never powered off"
    assert "efimm: booting entry" not in res.text
    for name, _, msg in BAD_LINES:
        assert msg in res.text, name
        assert f"{name}=0x2\n" in res.text, name


def test_config_too_large_says_so(efimm_boot):
    """A 70 KiB config: the read refused it with a bare EFI_BAD_BUFFER_SIZE."""
    res = efimm_boot(config="timeout 0\n" + "#" * (70 * 1024 - 11) + "\n",
                     stop_on=b"(EFI_BAD_BUFFER_SIZE)")
    assert ("efimm: \\efimm\\efimm.conf: cannot read: file too large: "
            "71680 bytes, the limit is 64 KiB") in res.text
    assert "efimm: booting entry" not in res.text


def test_config_with_utf8_bom_boots(efimm_boot):
    """Editors may start the file with a byte-order mark; it was read as
    part of the first keyword ("unknown keyword '?timeout'")."""
    res = efimm_boot(config="\ufefftimeout 0\r\nentry t \"test\" help ; poweroff\r\n")
    assert "unknown keyword" not in res.text
    assert "efimm: booting entry 't'" in res.text
    assert res.status == 0


def test_empty_config_says_no_entries(efimm_boot):
    res = efimm_boot(config="# nothing here\n", stop_on=b"(EFI_LOAD_ERROR)")
    assert "efimm: \\efimm\\efimm.conf: no entries\n" in res.text


def test_run_of_a_directory_says_so(efimm_boot):
    """`run` of a directory said "no such file"."""
    res = efimm_boot(args="run efimm/payloads")
    assert ("efimm: efimm/payloads: cannot read: is a directory, not a file"
            in res.text)
    assert res.status == 15    # EFI_ACCESS_DENIED


def test_duplicate_run_option_is_an_error(efimm_boot):
    """`mem=4M mem=8M` silently took the rightmost value."""
    res = efimm_boot(args="run efimm/payloads/hello.elf mem=4M paging=1 mem=8M")
    assert "efimm: run: duplicate option 'mem'" in res.text
    assert "efimm: entering" not in res.text
    assert res.status == 2
