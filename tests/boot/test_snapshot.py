"""Boot tests of `snapshot`, `--save` and tools/efimm-replay.

Snapshots are taken in QEMU in several configurations (memory size,
q35/pc), copied out of the ESP image with mtools, and replayed on the
host: the replay's `ptdump --efimm --ranges` must be byte for byte what
`snapshot` printed, and its audit must give OVMF's verdicts (README
"Firmware audit: `audit`").  Bad snapshot files make the replay exit 2
with one line."""
import os
import re
import subprocess

import pytest

from test_audit import OVMF

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
REPLAY = os.path.join(ROOT, "tools", "efimm-replay")
CORPUS = os.path.join(ROOT, "tests", "fuzz", "corpus", "fuzz_snapfile")
ESP_OFFSET = 2048 * 512         # tools/mkimage.sh: the ESP starts at sector 2048
WROTE = re.compile(r"^snapshot: wrote (\S+) \((\d+) bytes, (\d+) table pages, (\d+) images\)$",
                   re.M)
AUDIT = re.compile(r"^audit: ([a-z]+(?:-[a-z]+)*) (PASS|FAIL|WARN|SKIP) ", re.M)


def esp_get(tmp_path, esp_path):
    """The file at esp_path (backslashes) in the last disk image the
    efimm_boot fixture built in tmp_path, as bytes."""
    imgs = sorted(tmp_path.glob("disk*.img"), key=lambda p: p.stat().st_mtime)
    out = tmp_path / "esp_get.out"
    src = "::" + esp_path.replace("\\", "/")
    subprocess.run(["mcopy", "-n", "-o", "-i", f"{imgs[-1]}@@{ESP_OFFSET}", src, str(out)],
                   check=True)
    return out.read_bytes()


def ranges_after(text, start):
    """The range view (header to the W+X line, inclusive) after offset start."""
    a = text.index("Page tables: efimm's, built from the memory map", start)
    b = text.index("\n", text.index("W+X audit:", a)) + 1
    return text[a:b]


def replay(path):
    return subprocess.run([REPLAY, str(path)], capture_output=True, text=True)


def replay_part(out, name):
    """The lines under "== NAME" in efimm-replay's output."""
    a = out.index(f"== {name}\n") + len(f"== {name}\n")
    b = out.find("\n== ", a)
    return out[a:] if b < 0 else out[a:b + 1]


CONFIGS = {"q35-512M": {"mem": "512M"}, "q35-256M": {"mem": "256M"}, "q35-2G": {"mem": "2G"},
           "pc-512M": {"mem": "512M", "machine": "pc"}, "q35-512M-2cpus": {"mem": "512M", "cpus": 2}}


@pytest.mark.parametrize("config", CONFIGS.values(), ids=CONFIGS.keys())
def test_snapshot_replays_byte_for_byte(efimm_boot, tmp_path, config):
    res = efimm_boot(args="snapshot ; snapshot", timeout=240, **config)
    assert not res.timed_out and res.status == 0
    wrote = list(WROTE.finditer(res.text))
    assert [m.group(1) for m in wrote] == ["\\efimm\\snapshots\\snap-0001.bin",
                                           "\\efimm\\snapshots\\snap-0002.bin"]
    for m in wrote:
        data = esp_get(tmp_path, m.group(1))
        assert len(data) == int(m.group(2)) and data[:8] == b"EFIMMSNP"
        snap = tmp_path / os.path.basename(m.group(1).replace("\\", "/"))
        snap.write_bytes(data)
        r = replay(snap)
        assert r.returncode == 0, r.stderr
        assert replay_part(r.stdout, "ptdump --efimm --ranges") == ranges_after(res.text, m.end())
        verdicts = dict(AUDIT.findall(replay_part(r.stdout, "audit")))
        assert verdicts == OVMF
        frames = replay_part(r.stdout, "frames")
        assert re.search(r"^frames: \d+ total, \d+ free, ", frames, re.M)
        assert replay_part(r.stdout, "memmap --sorted").startswith("Type       Start")


def test_snapshot_path_and_save(efimm_boot, tmp_path):
    # frames after snapshot: the preview snapshot gave back is built anew.
    # audit last: it fails on OVMF, and a failure skips what follows.
    res = efimm_boot(args="memmap --sorted --save out/memmap.txt ; "
                     "ptdump --firmware --ranges --save /out/ptdump.txt ; "
                     "snapshot mine/s.bin --save out/snapshot.txt ; "
                     "frames --save out/frames.txt ; "
                     "audit --save out\\audit.txt",
                     timeout=240)
    assert not res.timed_out
    assert res.status == 26, "audit fails on OVMF: EFI_SECURITY_VIOLATION"
    for name in ("memmap", "ptdump", "frames", "audit", "snapshot"):
        saved = esp_get(tmp_path, f"\\out\\{name}.txt").decode()
        assert saved.count("\n") > 3, name
        assert saved in res.text, f"{name}: the file differs from the console"
    assert "snapshot: wrote mine/s.bin (" in res.text
    assert esp_get(tmp_path, "\\mine\\s.bin")[:8] == b"EFIMMSNP"


SAVE_CASES = [
    ("memmap --save", r"^efimm: memmap: bad argument '--save': needs a path on the ESP$"),
    # efimm.efi is a file: nothing can be written under it
    ("audit --save efimm.efi/x.txt",
     r"^efimm: audit: --save efimm.efi/x.txt: cannot write: .+$"),
    ("chainload x --save y", r"^efimm: chainload: unknown option '--save'$"),
    ("snapshot a b", r"^efimm: snapshot: bad argument 'b': one path only$"),
]


def test_save_errors(efimm_boot):
    """Each refusal is one line and an error status back in the UEFI Shell
    (one Shell boot for all: boot services stay up, the Shell runs the next
    line)."""
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    lines = ["@echo -off", "fs0:"]
    for i, (cmd, _) in enumerate(SAVE_CASES):
        lines += [f"\\efimm.efi {cmd}", f"echo \"case {i} -> %lasterror%\""]
    lines.append("reset -s")
    files = {"efimm.efi": os.path.join(root, "build", "efimm.efi"),
             "startup.nsh": ("\r\n".join(lines) + "\r\n").encode()}
    res = efimm_boot(files=files, drop=["EFI/BOOT/BOOTX64.EFI"], timeout=200)
    assert not res.timed_out
    text = res.text.replace("\r\n", "\n")
    for i, (_, pattern) in enumerate(SAVE_CASES):
        assert re.search(pattern, text, re.M), (i, pattern)
        assert re.search(rf"^case {i} -> 0x[1-9a-fA-F]", text, re.M), i


def one_line_refusal(path, reason):
    r = replay(path)
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr == f"efimm-replay: {path}: {reason}\n"


def test_replay_refuses_bad_files(tmp_path):
    good = os.path.join(CORPUS, "empty_tables")
    r = replay(good)
    assert r.returncode == 0, r.stderr
    one_line_refusal(os.path.join(CORPUS, "loop"),
                     "page tables: the table at 0x10000 is its own ancestor (a loop)")
    one_line_refusal(os.path.join(CORPUS, "missing"),
                     "page tables: an entry points to 0x20000, a table page not in the file")
    data = open(good, "rb").read()
    short = tmp_path / "short.bin"
    short.write_bytes(data[:1000])
    one_line_refusal(short, f"truncated: 1000 bytes, the header says {len(data)}")
    foreign = tmp_path / "foreign.bin"
    foreign.write_bytes(b"MZ" + bytes(100))
    one_line_refusal(foreign, "not an efimm snapshot (no EFIMMSNP magic)")
    newer = tmp_path / "newer.bin"
    newer.write_bytes(data[:8] + (2).to_bytes(4, "little") + data[12:])
    one_line_refusal(newer, "snapshot format version 2, this reader knows 1")
    one_line_refusal(tmp_path / "absent.bin", "cannot open: No such file or directory")
