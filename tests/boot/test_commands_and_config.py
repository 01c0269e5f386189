"""Boot tests of memmap, unknown commands and options, the config file and
the Shell: all in one UEFI Shell boot (tests/boot/shellcases.py)."""
import re

from shellcases import about, check, shell_cases

HEADER = "Type       Start            End              # Pages          Attributes"
ROW = re.compile(r"^(\S+)\s+([0-9A-F]{16})-([0-9A-F]{16}) ([0-9A-F]{16}) ([0-9A-F]{16})$", re.M)


def rows(text):
    return [(t, int(s, 16), int(e, 16), int(n, 16), int(a, 16))
            for t, s, e, n, a in ROW.findall(text)]


# Every command-line case in one UEFI Shell boot (tests/boot/shellcases.py):
# (command line after \efimm.efi, the status the Shell must see).  The
# default boot (no command line: the config's 'demo' entry, powering off
# with 0) is tests/boot/test_payload.py's test_default_boot_runs_demo.
MEMMAP, SORTED, NO_SUCH, BOGUS = 0, 1, 2, 3
RUN_DIR, DUP_OPTION = 7, 8
BAD_LINES = [
    ("toomany", "help;" * 16 + ";", "efimm: bad command line: too many commands"),
    ("empty", ";", "efimm: bad command line: empty command"),
    ("toolong", "memmap " + "x" * 2100, "efimm: command line too long"),
]
# The config cases: efimm without a command line boots \efimm\efimm.conf,
# which the Shell's `cp` replaces first (name, its text).
CONFIGS = [
    ("broken", "timeout 0\nbogus line\n"),
    # a 70 KiB config: the read refused it with a bare EFI_BAD_BUFFER_SIZE
    ("large", "timeout 0\n" + "#" * (70 * 1024 - 11) + "\n"),
    # Editors may start the file with a byte-order mark; it was read as
    # part of the first keyword ("unknown keyword '?timeout'").  The entry
    # returns to the Shell (no poweroff): the Shell sees its status.
    ("bom", "\ufefftimeout 0\r\nentry t \"test\" help\r\n"),
    ("empty", "# nothing here\n"),
]
CASES = (["memmap", "memmap --sorted", "\"no such\" command", "memmap --bogus"]
         + [line for _, line, _ in BAD_LINES]
         + ["run efimm/payloads", "run efimm/payloads/hello.elf mem=4M paging=1 mem=8M"]
         + [(f"cp -q conf\\{name}.conf efimm\\efimm.conf", "") for name, _ in CONFIGS])
BROKEN, LARGE, BOM, EMPTY = 9, 10, 11, 12
FIRST_BAD_LINE = 4
# the last command line powers off with its status, as a config entry does
FINAL = "frobnicate ; poweroff"


def test_command_lines_from_the_shell(efimm_boot):
    """One Shell boot running CASES, then FINAL; each check below names its
    case when it fails."""
    files = {f"conf/{name}.conf": text.encode() for name, text in CONFIGS}
    res, parts = shell_cases(efimm_boot, CASES, files=files, final=FINAL, timeout=200)
    with about(parts[MEMMAP]):
        memmap_rows_are_consistent(parts[MEMMAP])
    with about(parts[SORTED]):
        memmap_sorted_merges(parts[SORTED])
    with about("the final command line"):
        unknown_command_fails_with_usage(res, parts.final)
    unknown_option_fails(parts[BOGUS])
    shell_passes_arguments_and_sees_status(parts)
    shell_refuses_bad_command_lines(parts)
    run_of_a_directory_says_so(parts[RUN_DIR])
    duplicate_run_option_is_an_error(parts[DUP_OPTION])
    broken_config_is_reported(parts[BROKEN])
    config_too_large_says_so(parts[LARGE])
    config_with_utf8_bom_boots(parts[BOM])
    empty_config_says_no_entries(parts[EMPTY])


def memmap_rows_are_consistent(case):
    check(case, 0)
    r = rows(case.text)
    assert len(r) > 10
    for t, start, end, pages, _ in r:
        assert end == start + pages * 4096 - 1, (t, start, end, pages)
    avail = sum(p for t, _, _, p, _ in r if t == "Available")
    m = re.search(r"Available :\s+([\d,]+) Pages", case.text)
    assert int(m.group(1).replace(",", "")) == avail
    # 512 MiB of RAM: conventional + boot services + loader make most of it
    ram = sum(p for t, _, _, p, _ in r
              if t in ("Available", "BS_Code", "BS_Data", "LoaderCode", "LoaderData"))
    assert 400 * 256 < ram <= 512 * 256


def memmap_sorted_merges(case):
    check(case, 0)
    m = re.search(r"memmap: sorted (\d+) entries: merged (\d+) into neighbours, "
                  r"dropped (\d+) zero-page, (\d+) overlapping", case.text)
    assert m, "no sorted summary line"
    total, merged, dropped, overlaps = map(int, m.groups())
    r = rows(case.text)
    assert len(r) == total - merged - dropped
    starts = [s for _, s, _, _, _ in r]
    assert starts == sorted(starts)
    assert overlaps == 0
    for a, b in zip(r, r[1:]):  # nothing left that could have merged
        assert not (a[0] == b[0] and a[4] == b[4] and a[2] + 1 == b[1]), (a, b)


def unknown_command_fails_with_usage(res, final):
    """The final command line: its status is the boot's."""
    assert "efimm: unknown command 'frobnicate'" in final
    assert "usage: efimm COMMAND" in final
    assert res.status == 2     # EFI_INVALID_PARAMETER
    assert "efimm: powering off, status 2 (EFI_INVALID_PARAMETER)" in final


def unknown_option_fails(case):
    check(case, 2, lines=["efimm: memmap: unknown option '--bogus'"],
          absent=[HEADER])


def shell_passes_arguments_and_sees_status(parts):
    """No BOOTX64.EFI: OVMF falls back to its built-in UEFI Shell, which
    runs startup.nsh from the ESP."""
    assert "memmap: sorted" in parts[SORTED].text
    assert parts[SORTED].raw_status == "0x0", parts[SORTED]
    assert "efimm: unknown command 'no such'" in parts[NO_SUCH].text, parts[NO_SUCH]
    # this Shell shows the error code without the EFI error bit
    assert parts[NO_SUCH].raw_status == "0x2", parts[NO_SUCH]


def shell_refuses_bad_command_lines(parts):
    """From the Shell: 16 commands and one more ';' (the splitter wrote past
    its command array), a lone ';' and a 2,100-character line each get one
    error line and EFI_INVALID_PARAMETER, never the config's default entry."""
    for i, (name, _, msg) in enumerate(BAD_LINES):
        case = parts[FIRST_BAD_LINE + i]
        assert "efimm: booting entry" not in case.text, (name, case)
        assert msg in case.text, (name, case)
        assert case.raw_status == "0x2", (name, case)


def broken_config_is_reported(case):
    check(case, 1, lines=["efimm: \\efimm\\efimm.conf: line 2: unknown keyword 'bogus'",
                          "efimm: exit status 1 (EFI_LOAD_ERROR)"])


def config_too_large_says_so(case):
    """A 70 KiB config: the read refused it with a bare EFI_BAD_BUFFER_SIZE."""
    check(case, 4,      # EFI_BAD_BUFFER_SIZE
          lines=["efimm: \\efimm\\efimm.conf: cannot read: file too large: "
                 "71680 bytes, the limit is 64 KiB"],
          absent=["efimm: booting entry"])


def config_with_utf8_bom_boots(case):
    check(case, 0, absent=["unknown keyword"])
    assert "efimm: booting entry 't'" in case.text, case


def empty_config_says_no_entries(case):
    check(case, 1,      # EFI_LOAD_ERROR
          lines=["efimm: \\efimm\\efimm.conf: no entries"])


def run_of_a_directory_says_so(case):
    """`run` of a directory said "no such file"."""
    check(case, 15,   # EFI_ACCESS_DENIED
          lines=["efimm: efimm/payloads: cannot read: is a directory, not a file"])


def duplicate_run_option_is_an_error(case):
    """`mem=4M mem=8M` silently took the rightmost value."""
    check(case, 2, lines=["efimm: run: duplicate option 'mem'"],
          absent=["efimm: entering"])
