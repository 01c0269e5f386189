"""The GOP framebuffer text console after ExitBootServices, checked on the
screen itself: QEMU runs with -no-shutdown (the VM stops at power-off but
QEMU stays), a QMP `screendump` saves the final frame, and the first text
cells must hold exactly the glyphs of efi/fw/fbfont.c for what efimm printed
first on the framebuffer ("efimm: boot services exited ...")."""
import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time

import efimm_qemu

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FG = (0xC0, 0xC0, 0xC0)     # CON_DEFAULT in efi/fw/fbcon.c
BG = (0, 0, 0)


def font():
    """{char: 16 row bytes} parsed from the generated efi/fw/fbfont.c."""
    text = open(os.path.join(ROOT, "efi", "fw", "fbfont.c")).read()
    glyphs = {}
    for ch, rows in re.findall(r"/\* '(.)' \*/ \{([^}]*)\}", text):
        glyphs[ch] = [int(v, 16) for v in rows.split(",")]
    return glyphs


def read_ppm(path):
    data = open(path, "rb").read()
    m = re.match(rb"P6\s+(\d+)\s+(\d+)\s+(\d+)\s", data)
    w, h = int(m.group(1)), int(m.group(2))
    return w, h, data[m.end():]


def qmp(sock_path, *commands):
    s = socket.socket(socket.AF_UNIX)
    s.connect(sock_path)
    f = s.makefile("rw")
    f.readline()                                    # greeting
    for cmd in ({"execute": "qmp_capabilities"},) + commands:
        f.write(json.dumps(cmd) + "\n")
        f.flush()
        while True:
            reply = json.loads(f.readline())
            if "return" in reply or "error" in reply:
                assert "error" not in reply, reply
                break
    s.close()


def screendump_after_run(tmp, args):
    cfg = f'timeout 0\ndefault t\nentry t "t" {args} ; poweroff\n'
    img = efimm_qemu.build_image(os.path.join(tmp, "d.img"), config=cfg)
    vars_file = os.path.join(tmp, "vars.fd")
    shutil.copyfile(efimm_qemu.OVMF_VARS, vars_file)
    sock = os.path.join(tmp, "qmp.sock")
    cmd = efimm_qemu.qemu_command(img, "512M", vars_file, extra=[
        "-no-shutdown", "-qmp", f"unix:{sock},server=on,wait=off"])
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT)
    out, deadline = b"", time.monotonic() + 90
    try:
        while b"efimm: powering off" not in out and time.monotonic() < deadline:
            chunk = os.read(p.stdout.fileno(), 65536)
            if not chunk:
                break
            out += chunk
        time.sleep(1.0)                             # let the VM stop
        ppm = os.path.join(tmp, "screen.ppm")
        qmp(sock, {"execute": "screendump", "arguments": {"filename": ppm}})
        time.sleep(0.5)
        return read_ppm(ppm), efimm_qemu.strip_ansi(out).decode("utf-8", "replace")
    finally:
        p.kill()
        p.wait()


def cell(pixels, w, col, row):
    """The 8x16 cell at text column col, row row, as 16 row bytes."""
    rows = []
    for y in range(16):
        bits = 0
        for x in range(8):
            off = ((row * 16 + y) * w + col * 8 + x) * 3
            px = tuple(pixels[off:off + 3])
            assert px in (FG, BG), f"pixel {px} at cell ({col},{row})"
            bits |= (px == FG) << (7 - x)
        rows.append(bits)
    return rows


def test_framebuffer_console_draws_the_font():
    glyphs = font()
    with tempfile.TemporaryDirectory() as tmp:
        (w, h, pixels), serial = screendump_after_run(
            tmp, "run efimm/payloads/hello.elf fb-check")
    assert "console com1 + framebuffer" in serial
    first = "efimm: boot services exited"
    for i, ch in enumerate(first):
        assert cell(pixels, w, i, 0) == glyphs[ch], f"column {i} is not '{ch}'"
    # the payload's lines follow on the screen too
    lines = [ln for ln in serial.split("\n") if ln.startswith("argv[1] = fb-check")]
    assert lines
    row = next(r for r in range(h // 16)
               if cell(pixels, w, 0, r) == glyphs["a"] and
               cell(pixels, w, 5, r) == glyphs["1"])
    for i, ch in enumerate("argv[1] = fb-check"):
        assert cell(pixels, w, i, row) == glyphs[ch]


def test_framebuffer_console_scrolls():
    """More lines than the screen has rows: the screen scrolls (one string
    move up, the last row cleared), and the last line printed sits on the
    row above the cursor's, drawn in the font, with every pixel FG or BG."""
    glyphs = font()
    with tempfile.TemporaryDirectory() as tmp:
        (w, h, pixels), serial = screendump_after_run(
            tmp, "run efimm/payloads/paging_test.elf ptdump")
    after = serial.split("efimm: boot services exited", 1)[1]
    assert after.count("\n") > h // 16, "too few lines to scroll"
    # the serial capture stops at "powering off"; the screen has its line
    # (on the row above the cursor's, now blank) and this one above it
    last = "efimm: payload exited with status 0"
    assert last in after
    row = h // 16 - 3
    for i, ch in enumerate(last):
        assert cell(pixels, w, i, row) == glyphs[ch], f"column {i} is not '{ch}'"
    for i, ch in enumerate("efimm: powering off"):
        assert cell(pixels, w, i, row + 1) == glyphs[ch], f"column {i} is not '{ch}'"
    blank = [0] * 16
    assert all(cell(pixels, w, i, row + 2) == blank for i in range(w // 8))
