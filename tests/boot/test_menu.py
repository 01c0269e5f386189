"""Boot tests of the boot menu (efi/boot.c, efi/menu.c) driven through the
serial console: OVMF's terminal driver turns ESC [ B into SCAN_DOWN.

Each entry chainloads argecho.efi with its own name as the argument, so
the log shows which entry ran ("argecho: argv[1]=NAME").
"""
import os

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ARGECHO = os.path.join(ROOT, "build", "tests", "argecho.efi")
ESP_ARGECHO = "efimm/tests/argecho.efi"
DOWN = b"\x1b[B"


@pytest.fixture
def files():
    if not os.path.exists(ARGECHO):
        pytest.fail(f"{ARGECHO} missing: run `make test-images`")
    return {ESP_ARGECHO: ARGECHO}


def config(timeout, default, entries):
    """entries: [(name, title, cmdline)]; None leaves the line out."""
    lines = []
    if timeout is not None:
        lines.append(f"timeout {timeout}")
    lines.append(f"default {default}")
    lines += [f'entry {n} "{t}" {c}' for n, t, c in entries]
    return "\n".join(lines) + "\n"


def echo(name, status=0):
    return f"chainload {ESP_ARGECHO} {name} status={status} ; poweroff"


THREE = [("one", "First entry", echo("one")),
         ("two", "Second entry", echo("two", 14)),
         ("three", "Third entry", echo("three"))]


def ran(text):
    return [line.split("=", 1)[1] for line in text.splitlines()
            if line.startswith("argecho: argv[1]=")]


def test_timeout_zero_boots_default_at_once(efimm_boot, files):
    res = efimm_boot(files=files, config=config(0, "three", THREE))
    assert "efimm boot menu" not in res.text
    assert "efimm: booting entry 'three' (Third entry)" in res.text
    assert ran(res.text) == ["three"]
    assert res.status == 0


def test_countdown_boots_default(efimm_boot, files):
    res = efimm_boot(files=files, config=config(2, "two", THREE))
    t = res.text
    assert "efimm boot menu" in t
    assert ">  2. Second entry" in t
    assert "Booting 'Second entry' in 2 s, any key stops" in t
    assert "Booting 'Second entry' in 1 s, any key stops" in t
    assert t.index("in 2 s") < t.index("in 1 s") < t.index("efimm: booting entry 'two'")
    assert ran(t) == ["two"]
    assert "efimm: chainloaded image exited with status EFI_NOT_FOUND" in t
    assert res.status == 14


def test_arrow_down_and_enter_pick_another_entry(efimm_boot, files):
    keys = [(b"any key stops", DOWN), (b">  2. Second entry", DOWN),
            (b">  3. Third entry", b"\r")]
    res = efimm_boot(files=files, config=config(30, "one", THREE), keys=keys)
    t = res.text
    assert "Booting 'First entry' in 30 s, any key stops" in t
    # the first key stopped the countdown: key help instead, no boot by time
    assert "Up/Down and Enter, or 1-3, boot an entry" in t
    assert "in 29 s" not in t[t.index(">  2. Second entry"):]
    assert ran(t) == ["three"]
    assert res.status == 0


def test_broken_entry_brings_the_menu_back(efimm_boot, files):
    entries = [("missing", "Missing image", "chainload efimm/nope.efi ; help"),
               ("echo", "Echo", echo("echo", 2))]
    keys = [(b"any key stops", b"1"),
            (b"Up/Down and Enter, or 1-2", b"2")]
    res = efimm_boot(files=files, config=config(30, "missing", entries), keys=keys)
    t = res.text
    fail = t.index("efimm: chainload: efimm/nope.efi: not found")
    after = t[fail:]
    # the rest of the entry's line was skipped, the failure reported
    assert "usage: efimm" not in after
    assert "efimm: entry 'missing' failed: EFI_NOT_FOUND" in after
    # the menu came back, showing why, with the countdown stopped
    back = after.index("efimm boot menu")
    assert "entry 'missing' failed: EFI_NOT_FOUND" in after[back:]
    assert "any key stops" not in after
    assert ran(t) == ["echo"]
    assert res.status == 2


def test_menu_without_timeout_waits_for_a_digit(efimm_boot, files):
    res = efimm_boot(files=files, config=config(None, "one", THREE),
                     keys=[(b"Up/Down and Enter, or 1-3", b"3")])
    assert "any key stops" not in res.text
    assert ran(res.text) == ["three"]
    assert res.status == 0


LONG_TITLE = "Debian GNU/Linux 12 (bookworm) with a very long kernel and initrd title"


def test_countdown_line_fits_with_a_long_title(efimm_boot, files):
    """The countdown line was cut at the screen's width: "..., any key"
    without "stops".  The title is shortened instead."""
    entries = [("one", LONG_TITLE, echo("one")), THREE[1]]
    res = efimm_boot(files=files, config=config(2, "one", entries))
    t = res.text
    assert f">  1. {LONG_TITLE[:70]}" in t     # a row shows 70 columns of it
    assert "Booting 'Debian GNU/Linux 12 (bookworm) with a ver...' in 2 s, any key stops" in t
    assert "in 1 s, any key stops" in t
    assert ran(t) == ["one"]
