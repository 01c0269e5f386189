"""QEMU tests of `suite`'s checks before ExitBootServices (efi/cmd/cmd_suite.c):
a list that does not parse, an unknown option, a missing or empty list and
the other refusals give one line naming the thing and a non-zero status,
with nothing run; a payload that cannot be read or is not an ELF does not
stop the others: they run after one ExitBootServices, and the TAP
results name each failure's reason."""
import re

from shellcases import check, shell_cases

LIST = "efimm/tests/suite.lst"
HELLO = "efimm/payloads/hello.elf"


# The refusals, all in one UEFI Shell boot (tests/boot/shellcases.py).
# Each list file under its own name: (name, its bytes or None, the command
# after "suite ", the line it must print, the status).
QUOTE, ONE, OPTION, EMPTY = ("efimm/tests/quote.lst", "efimm/tests/one.lst",
                             "efimm/tests/option.lst", "efimm/tests/empty.lst")
REFUSALS = [
    (QUOTE, f"# two payloads\n{HELLO}\n\n{HELLO} \"unterminated\n".encode(),
     f"@{QUOTE}", f"efimm: suite: {QUOTE}: line 4: unterminated quote", 2),
    (ONE, f"{HELLO}\n".encode(),
     f"timeout=5 exit=3 @{ONE}", "efimm: suite: unknown option 'exit=3'", 2),
    # A payload's KEY=VALUE argument at the end of its line is not taken
    # as the payload's (the old `run` rule): it must go before --.
    (OPTION, f"{HELLO}\r\n{HELLO} one exit=3\r\n".encode(),
     f"@{OPTION}", f"efimm: suite: {OPTION}: line 2: unknown option 'exit=3' "
     "(a payload argument of the form KEY=VALUE goes before --)", 2),
    (None, None, "@efimm/tests/nope.lst",
     "efimm: suite: efimm/tests/nope.lst: cannot read: no such file", 14),  # EFI_NOT_FOUND
    (EMPTY, b"\xef\xbb\xbf# nothing to run yet\r\n\r\n   \r\n",
     f"mem=16M @{EMPTY}", f"efimm: suite: {EMPTY}: no payloads (only comments and "
     "blank lines)", 2),
]
# (command after "suite ", the line it must print, status non-zero).
# 64G of backing store never fits the 512M machine.
SWAP_LINE = ("efimm: suite: swap=67108864K: backing store too large for this "
             "machine's RAM (at most ")
SHELL_CASES = [
    (f"swap=64G {HELLO}", SWAP_LINE),
    (f"@{LIST}", f"efimm: suite: {LIST}: line 1: option 'mem=4M' before the "
                 "payload argument 'x': efimm's options come last"),
    ("mem=4M mem=8M @x.lst", "efimm: suite: duplicate option 'mem'"),
    ("timeout=86401 @x.lst", "efimm: suite: bad option 'timeout=86401': "
                             "timeout takes seconds, 0..86400 (0: none)"),
    ("evict=fifo @x.lst", "efimm: suite: bad option 'evict=fifo': evict takes "
                          "clock, nru or lru"),
    ("--verbose @x.lst", "efimm: suite: unknown option '--verbose'"),
    ("timing=1", "efimm: suite: bad argument '': a @LIST or PATH... of "
                 "payloads is required"),
    (f"@{LIST} extra", f"efimm: suite: 'extra' after @{LIST}: a @LIST comes alone"),
    (f"{HELLO} mem=4M", "efimm: suite: 'mem=4M' after the first PATH: options "
                        "come before the payloads, and a @LIST comes alone"),
    ("@efimm/payloads", "efimm: suite: efimm/payloads: cannot read: is a "
                        "directory, not a file"),
    ("@efimm/tests/big.lst", "efimm: suite: efimm/tests/big.lst: cannot read: "
                             "file too large: 65537 bytes, the limit is 64 KiB"),
]


def test_refusals_from_the_shell(efimm_boot):
    """Each refusal is one line and an error status back in the UEFI Shell
    (boot services still up: the Shell runs the next line), with nothing
    run: a list that does not parse, an unknown option, one on a list
    line, a missing and an empty list (each with its exact status), then
    SHELL_CASES."""
    files = {name: data for name, data, _, _, _ in REFUSALS if data is not None}
    files[LIST] = f"{HELLO} mem=4M x\n".encode()
    files["efimm/tests/big.lst"] = b"#" * 65537
    cmds = [f"suite {cmd}" for _, _, cmd, _, _ in REFUSALS]
    cmds += [f"suite {cmd}" for cmd, _ in SHELL_CASES]
    res, parts = shell_cases(efimm_boot, cmds, files=files)
    for (_, _, _, line, status), case in zip(REFUSALS, parts):
        check(case, status, lines=[line],
              absent=["boot services exited", "efimm: entering"])
    for (_, line), case in zip(SHELL_CASES, parts[len(REFUSALS):]):
        end = "" if line is SWAP_LINE else "\n"
        assert line + end in case.text, (case, line)
        assert case.status, f"{case!r}: status {case.raw_status}"
    assert "boot services exited" not in res.text


def test_bad_payloads_do_not_stop_the_suite(efimm_boot):
    """A missing payload and a file that is not an ELF fail with their
    reasons; the others run after one ExitBootServices, each with its own
    words (a KEY=VALUE argument before --) and options."""
    lst = (f"efimm/tests/nope.elf\n{HELLO} a \"b c\" exit=3 -- timeout=7\n"
           f"{LIST}\n{HELLO}\n").encode()
    res = efimm_boot(args=f"suite swap=4M @{LIST}", files={LIST: lst})
    assert not res.timed_out
    assert res.text.count("efimm: boot services exited") == 1
    after = res.text.split("efimm: boot services exited")[1]
    assert "\n1..4\n" in after
    assert re.search(r'^not ok 1 - efimm/tests/nope\.elf\n  ---\n'
                     r'  message: "cannot read: no such file"$', after, re.M)
    assert "    # argv[2] = b c\n    # argv[3] = exit=3\n" in after
    assert re.search(rf'^not ok 2 - {HELLO}\n  ---\n'
                     r'  message: "exited with status 3"$', after, re.M)
    assert re.search(rf'^not ok 3 - {LIST}\n  ---\n'
                     r'  message: "bad ELF: bad magic \(not an ELF file\)"$',
                     after, re.M)
    assert re.search(rf"^ok 4 - {HELLO}$", after, re.M)
    assert "efimm: suite: 1 passed, 3 failed, 0 skipped\n" in after
    assert res.status == 1
