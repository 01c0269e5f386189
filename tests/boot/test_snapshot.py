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

from conftest import LOG_DIR, efimm_qemu, once_per_session
from shellcases import shell_cases
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
    out = tmp_path / f"esp_get.{os.getpid()}.out"     # a shared boot's directory too
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


TWICE = 'timeout 0\ndefault t\nentry t "test" snapshot ; snapshot ; poweroff\n'


def snapshot_twice_q35_512M(tmp_path_factory):
    """(directory, Result) of the one boot taking two snapshots on q35
    with 512M that this file and tests/boot/test_report.py share (its
    disk image is directory/disk0.img; its log build/test-logs/)."""
    def boot(d):
        img = efimm_qemu.build_image(str(d / "disk0.img"), None, TWICE)
        res = efimm_qemu.boot(img, timeout=240)
        os.makedirs(LOG_DIR, exist_ok=True)
        with open(os.path.join(LOG_DIR, "snapshot-twice-q35-512M.log"), "w") as f:
            f.write(res.text)
        return res
    return once_per_session(tmp_path_factory, "snapshot-twice-q35-512M", boot)


@pytest.mark.parametrize("config", CONFIGS.values(), ids=CONFIGS.keys())
def test_snapshot_replays_byte_for_byte(efimm_boot, tmp_path, tmp_path_factory, config):
    disk_dir = tmp_path
    if config == CONFIGS["q35-512M"]:
        disk_dir, res = snapshot_twice_q35_512M(tmp_path_factory)
    else:
        res = efimm_boot(args="snapshot ; snapshot", timeout=240, **config)
    assert not res.timed_out and res.status == 0, res.text[-3000:]
    wrote = list(WROTE.finditer(res.text))
    assert [m.group(1) for m in wrote] == ["\\efimm\\snapshots\\snap-0001.bin",
                                           "\\efimm\\snapshots\\snap-0002.bin"]
    for m in wrote:
        data = esp_get(disk_dir, m.group(1))
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


# frames after snapshot: the preview snapshot gave back is built anew.
# audit last: it fails on OVMF, and a failure skips what follows.
SAVE_ALL = ("memmap --sorted --save out/memmap.txt ; "
            "ptdump --firmware --ranges --save /out/ptdump.txt ; "
            "snapshot mine/s.bin --save out/snapshot.txt ; "
            "frames --save out/frames.txt ; "
            "audit --save out\\audit.txt")

SAVE_CASES = [
    ("memmap --save", r"^efimm: memmap: bad argument '--save': needs a path on the ESP$"),
    # efimm.efi is a file: nothing can be written under it
    ("audit --save efimm.efi/x.txt",
     r"^efimm: audit: --save efimm.efi/x.txt: cannot write: .+$"),
    ("chainload x --save y", r"^efimm: chainload: unknown option '--save'$"),
    ("snapshot a b", r"^efimm: snapshot: bad argument 'b': one path only$"),
]


def test_snapshot_path_and_save_then_save_errors(efimm_boot, tmp_path):
    """One Shell boot (tests/boot/shellcases.py): SAVE_ALL, every file
    equal to what the console showed; then each refusal of SAVE_CASES is
    one line and an error status back in the UEFI Shell (boot services
    stay up, the Shell runs the next line)."""
    cmds = [SAVE_ALL] + [cmd for cmd, _ in SAVE_CASES]
    _, parts = shell_cases(efimm_boot, cmds, timeout=300)
    case = parts[0]
    assert case.status == 26, f"{case!r}: audit fails on OVMF: EFI_SECURITY_VIOLATION"
    for name in ("memmap", "ptdump", "frames", "audit", "snapshot"):
        saved = esp_get(tmp_path, f"\\out\\{name}.txt").decode()
        assert saved.count("\n") > 3, name
        assert saved in case.text, f"{name}: the file differs from the console"
    assert "snapshot: wrote mine/s.bin (" in case.text
    assert esp_get(tmp_path, "\\mine\\s.bin")[:8] == b"EFIMMSNP"
    for (_, pattern), case in zip(SAVE_CASES, parts[1:]):
        assert re.search(pattern, case.text, re.M), (case, pattern)
        assert case.status, f"{case!r}: status {case.raw_status}"


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
