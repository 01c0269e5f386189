"""Boot tests of `chainload PATH [ARGS...]`: arguments and status end to
end through tests/efi-apps/argecho.efi, and the files it must refuse.

The EFI test images come from `make test-images` (tests/efi-apps/apps.mk).
"""
import os
import struct

import pytest

from shellcases import about, check, shell_cases

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
APPS = os.path.join(ROOT, "build", "tests")
ARGECHO = os.path.join(APPS, "argecho.efi")
ESP_ARGECHO = "efimm/tests/argecho.efi"


def app(name):
    path = os.path.join(APPS, name)
    if not os.path.exists(path):
        pytest.fail(f"{path} missing: run `make test-images`")
    return path


def aarch64_pe():
    """A minimal PE32+ header for Machine 0xAA64 (arm64): MZ, e_lfanew,
    PE signature, COFF header, optional header magic 0x20B."""
    mz = bytearray(0x80)
    mz[0:2] = b"MZ"
    struct.pack_into("<I", mz, 0x3C, 0x80)
    coff = b"PE\0\0" + struct.pack("<HHIIIHH", 0xAA64, 0, 0, 0, 0, 240, 0x22)
    opt = bytearray(240)
    struct.pack_into("<H", opt, 0, 0x20B)
    struct.pack_into("<H", opt, 68, 10)
    return bytes(mz) + coff + bytes(opt)


def argecho_gets_arguments_device_and_returns_status(res, t):
    """t: what `chainload ARGECHO one "two words" status=0 ; chainload
    /ARGECHO x status=2 ; poweroff` printed (res: the boot)."""
    # first run: Shell-style LoadOptions, base name first, blanks quoted
    first, second = t.split("efimm: chainloaded image exited with status EFI_SUCCESS\n")
    assert "argecho: argc=4\n" in first
    assert "argecho: argv[0]=argecho.efi\n" in first
    assert "argecho: argv[1]=one\n" in first
    assert "argecho: argv[2]=two words\n" in first
    assert "argecho: argv[3]=status=0\n" in first
    # the child was given a device and its file path on it
    assert "argecho: device-fs=yes" in first
    assert "argecho: image=\\efimm\\tests\\argecho.efi\n" in first
    # efimm went on after the child returned; status 2 is EFIERR(2)
    assert "argecho: argc=3\n" in second
    assert "efimm: chainloaded image exited with status EFI_INVALID_PARAMETER" in second
    assert "efimm: powering off, status 2 (EFI_INVALID_PARAMETER)" in second
    assert res.status == 2


# (file put on the ESP or None, path given to chainload, the line, the status)
REFUSED = [
    (None, "efimm/tests/nope.efi", "efimm: chainload: efimm/tests/nope.efi: not found", 14),
    ("notpe.efi", "efimm/tests/notpe.efi",
     "efimm: chainload: efimm/tests/notpe.efi: not a PE image", 1),
    ("argecho-ia32.efi", "efimm/tests/argecho-ia32.efi",
     "efimm: chainload: efimm/tests/argecho-ia32.efi: "
     "PE image for machine 0x14C, not x86_64", 3),
    ("aa64.efi", "efimm/tests/aa64.efi",
     "efimm: chainload: efimm/tests/aa64.efi: "
     "PE image for machine 0xAA64, not x86_64", 3),
]


def test_refused_images_then_argecho(efimm_boot):
    """A missing file, an ELF, an ia32 and an aarch64 PE image, and a
    directory: each refused with its line and status, nothing run; then
    (the final command line) argecho.efi run twice with its arguments and
    statuses.  One Shell boot for all (tests/boot/shellcases.py)."""
    files = {"efimm/tests/aa64.efi": aarch64_pe(), ESP_ARGECHO: app("argecho.efi")}
    for data, path, _, _ in REFUSED:
        if data is not None and data != "aa64.efi":
            files[path] = app(data)
    cmds = [f"chainload {path} arg" for _, path, _, _ in REFUSED]
    cmds.append("chainload efimm/payloads")
    res, parts = shell_cases(efimm_boot, cmds, files=files,
                             final=f'chainload {ESP_ARGECHO} one "two words" status=0 ; '
                                   f'chainload /{ESP_ARGECHO} x status=2 ; poweroff')
    for (_, _, line, status), case in zip(REFUSED, parts):
        check(case, status, lines=[line], absent=["chainloaded image exited", "argecho:"])
    # `chainload` of a directory said "no such file"
    check(parts[-1], 15,    # EFI_ACCESS_DENIED
          lines=["efimm: chainload: efimm/payloads: cannot read: is a directory, "
                 "not a file"])
    with about("the final command line"):
        argecho_gets_arguments_device_and_returns_status(res, parts.final)


def test_chainloading_efimm_itself_stops_at_the_nesting_limit(efimm_boot):
    """An entry that chainloads efimm's own file: each child boots the same
    config again.  It went ~785 levels deep and hung; efimm now refuses
    the chainload with 8 instances nested, and the deepest one's
    `poweroff` reports the refusal."""
    res = efimm_boot(config="timeout 0\n"
                            "entry self \"myself\" chainload EFI/BOOT/BOOTX64.EFI ; poweroff\n",
                     timeout=120)
    t = res.text
    assert not res.timed_out
    assert t.count("efimm: booting entry 'self'") == 9
    assert ("efimm: chainload: EFI/BOOT/BOOTX64.EFI: refused: 8 efimm instances "
            "are already nested in chainloads (the limit is 8)") in t
    assert "efimm: powering off, status 21 (EFI_ABORTED)" in t
    assert res.status == 21
