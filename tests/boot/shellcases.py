"""Several efimm command lines in one UEFI Shell boot.

No BOOTX64.EFI on the ESP: OVMF falls back to its built-in UEFI Shell,
which runs startup.nsh.  The script runs `\\efimm.efi CMD` for each case,
each followed by `echo "case I -> %lasterror%"`, so the serial log splits
into one part per case with the status the Shell saw (this Shell shows
the error code without the EFI error bit: EFI_INVALID_PARAMETER is 0x2).
A case may also be (SHELL LINE, COMMAND LINE): the Shell line runs first
(a `cp` that puts another config in place, say; an empty command line
boots the config).  A `final` command line may end the script: one that
powers off (a `run`, or a command followed by `; poweroff`), whose status
is the boot's (res.status); otherwise the script ends with `reset -s`.

Every OVMF boot costs several seconds, and the Shell waits another five
before startup.nsh ("Press ESC in 5 seconds ... or any other key to
continue"): the boot types a space there.

    res, parts = shell_cases(efimm_boot, ["memmap --bogus", "frobnicate"])
    parts[0].text, parts[0].status     # what case 0 printed, its status
    parts.final                         # what the final command printed
"""
import contextlib
import os
import re

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EFIMM = os.path.join(ROOT, "build", "efimm.efi")
COUNTDOWN = b"Press ESC in 5 seconds"
CASE_LINE = re.compile(r"^case (\d+) -> (0x[0-9a-fA-F]+|\S*)$", re.M)


class Case:
    """One case's command, the serial text it printed and its status."""
    def __init__(self, index, cmd, text, status, raw_status):
        self.index, self.cmd, self.text = index, cmd, text
        self.status, self.raw_status = status, raw_status

    def __repr__(self):
        return f"case {self.index} ({self.cmd!r})"


class Parts(list):
    """The cases in order, and .final: the text after the last case line
    (what the final command printed)."""
    final = ""


def script(cmds, final=None):
    """startup.nsh running cmds, each followed by its status line."""
    lines = ["@echo -off", "fs0:"]
    for i, cmd in enumerate(cmds):
        if isinstance(cmd, tuple):      # (a Shell line first, efimm's command line)
            lines.append(cmd[0])
            cmd = cmd[1]
        lines += [f"\\efimm.efi {cmd}".rstrip(), f"echo \"case {i} -> %lasterror%\""]
    if final is not None:
        lines.append(f"\\efimm.efi {final}")
    lines.append("reset -s")
    return ("\r\n".join(lines) + "\r\n").encode()


def split(text, cmds):
    """Parts of text: case i's text runs from the end of case i-1's status
    line to the start of its own.  A case whose status line is missing
    has text None and status None (the Shell never got there)."""
    parts, start = Parts(), 0
    seen = {int(m.group(1)): m for m in CASE_LINE.finditer(text)}
    for i, cmd in enumerate(cmds):
        m = seen.get(i)
        if m is None or m.start() < start:
            parts.append(Case(i, cmd, None, None, None))
            continue
        raw = m.group(2)
        status = int(raw, 16) if raw.startswith("0x") else None
        parts.append(Case(i, cmd, text[start:m.start()], status, raw))
        start = m.end() + 1
    parts.final = text[start:]
    return parts


def shell_cases(efimm_boot, cmds, files=None, final=None, timeout=200, **boot):
    """Boots startup.nsh running cmds (and final) from the UEFI Shell.
    Returns (res, parts); asserts the boot did not time out and every
    case printed its status line, naming the first case that did not."""
    files = dict(files or {})
    files["efimm.efi"] = EFIMM
    files["startup.nsh"] = script(cmds, final)
    res = efimm_boot(files=files, drop=["EFI/BOOT/BOOTX64.EFI"], timeout=timeout,
                     keys=[(COUNTDOWN, b" ")], **boot)
    parts = split(res.text, cmds)
    for case in parts:
        assert case.text is not None, f"{case!r}: no status line from the Shell"
    assert not res.timed_out, "the Shell never powered off"
    return res, parts


def check(case, status, lines=(), absent=()):
    """case printed every line of `lines` (whole lines), none of `absent`
    (substrings), and the Shell saw `status`; messages name the case."""
    for line in lines:
        assert re.search(rf"^{re.escape(line)}$", case.text, re.M), \
            f"{case!r}: no line {line!r} in:\n{case.text[-2000:]}"
    for s in absent:
        assert s not in case.text, f"{case!r}: {s!r} printed"
    assert case.status == status, f"{case!r}: status {case.raw_status}, not {status}"


@contextlib.contextmanager
def about(case):
    """Names case in the message of an assertion that fails inside."""
    try:
        yield
    except AssertionError as e:
        raise AssertionError(f"{case!r}: {e}") from e
