"""tools/efimm_gdb.py without booting: the command-line split that finds
the payload of a `run`, the host file behind an ESP path, the generated
gdb script and argv, the serial pump fed by real processes (the image
base found across chunks and colour codes, a boot that ends or stays
silent), and tools/run.sh's errors before any boot (no gdb, no command
file, --gdb with --gdb-batch).  The sessions themselves: tests/boot/test_gdb.py."""
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import efimm_gdb  # noqa: E402


@pytest.mark.parametrize("line, cmds", [
    ("", []),
    ("memmap", [["memmap"]]),
    ("memmap --sorted ; poweroff", [["memmap", "--sorted"], ["poweroff"]]),
    ("a;b;;c", [["a"], ["b"], ["c"]]),
    ('run x.elf "b c" d', [["run", "x.elf", "b c", "d"]]),
    ('run x.elf a"b c"d;e', [["run", "x.elf", "ab cd"], ["e"]]),
    ('run x.elf "a;b"', [["run", "x.elf", "a;b"]]),
    ('run x.elf ""', [["run", "x.elf", ""]]),
    ('run "x y', [["run", "x y"]]),
    ("\trun\t\\efimm\\x.elf  ", [["run", "\\efimm\\x.elf"]]),
])
def test_split_commands(line, cmds):
    assert efimm_gdb.split_commands(line) == cmds


@pytest.mark.parametrize("args, rel", [
    ("run \\efimm\\payloads\\deep.elf nofault", "efimm/payloads/deep.elf"),
    ("run /efimm/payloads/deep.elf", "efimm/payloads/deep.elf"),
    ("memmap ; run efimm/tests/a.elf ; run b.elf", "efimm/tests/a.elf"),
    ('run "dir with space/p.elf"', "dir with space/p.elf"),
    ("memmap ; poweroff", None),
    ("run", None),
    ("suite @efimm/tests/suite.lst", None),
    ("", None),
])
def test_run_payload(args, rel):
    assert efimm_gdb.run_payload(args) == rel


def test_payload_host_path(tmp_path):
    esp, build = tmp_path / "esp", tmp_path / "build"
    (esp / "efimm" / "payloads").mkdir(parents=True)
    (build / "payload").mkdir(parents=True)
    (esp / "efimm" / "payloads" / "a.elf").write_bytes(b"esp")
    (build / "payload" / "a.elf").write_bytes(b"build")
    (build / "payload" / "b.elf").write_bytes(b"build")
    mine = tmp_path / "mine.elf"
    files = {"efimm/payloads/mine.elf": str(mine), "efimm/gdb-wait": b"x"}

    def host(rel):
        return efimm_gdb.payload_host_path(rel, files, str(esp), str(build))
    # the file the image gets wins, then the esp/ tree, then build/payload
    assert host("efimm/payloads/mine.elf") == str(mine)
    assert host("efimm/payloads/a.elf") == str(esp / "efimm" / "payloads" / "a.elf")
    assert host("efimm/payloads/b.elf") == str(build / "payload" / "b.elf")
    assert host("efimm/payloads/none.elf") is None
    assert host("elsewhere/b.elf") is None
    # bytes put on the image have no host file
    assert host("efimm/gdb-wait") is None


def test_gdb_script_batch():
    s = efimm_gdb.gdb_script("/t/gdb.sock", "0x1dd90000", "/r/build/efimm.so",
                             "/r/esp/efimm/payloads/deep.elf", interactive=False)
    lines = s.splitlines()
    assert lines == [
        "set pagination off",
        "set confirm off",
        'file "/r/esp/efimm/payloads/deep.elf"',
        'add-symbol-file "/r/build/efimm.so" -o 0x1dd90000',
        "target remote /t/gdb.sock",
        "set var efimm_gdb_wait = 0",
    ]


def test_gdb_script_interactive_without_payload():
    lines = efimm_gdb.gdb_script("/t/s", "0x2000", "/e.so", None,
                                 interactive=True).splitlines()
    assert not any(line.startswith("file") for line in lines)
    # symbols before the connection, the release after it, then confirm on
    assert lines.index('add-symbol-file "/e.so" -o 0x2000') < \
        lines.index("target remote /t/s") < lines.index("set var efimm_gdb_wait = 0")
    assert "set confirm on" in lines[lines.index("set var efimm_gdb_wait = 0"):]
    assert lines[-1].startswith("echo ")


def test_gdb_command():
    assert efimm_gdb.gdb_command("/t/s.gdb", "cmds") == \
        ["gdb", "-batch", "-nx", "-x", "/t/s.gdb", "-x", "cmds"]
    assert efimm_gdb.gdb_command("/t/s.gdb", None) == ["gdb", "-q", "-x", "/t/s.gdb"]


def pump_of(shell, timeout=10):
    """Runs `shell` as the stand-in serial source; returns (process,
    pump, what wait_for_base returned or the GdbError it raised)."""
    p = subprocess.Popen(["sh", "-c", shell], stdout=subprocess.PIPE)
    out = open(os.devnull, "wb")
    pump = efimm_gdb.SerialPump(p.stdout.fileno(), out)
    pump.start()
    try:
        got = efimm_gdb.wait_for_base(p, pump, timeout)
    except efimm_gdb.GdbError as e:
        got = e
    p.kill()
    p.wait()
    pump.join(5)
    assert not pump.is_alive()  # it ends with the output
    p.stdout.close()
    out.close()
    return p, pump, got


def test_pump_finds_the_base_across_chunks_and_colours():
    shell = (r"printf 'BdsDxe: x\r\n\033[0m\033[37mefimm: gdb: image b'; sleep 0.3; "
             r"printf 'ase 0x1dd9\033[0m'; sleep 0.3; "
             r"printf '0000; waiting until gdb sets efimm_gdb_wait = 0\r\n'; exec sleep 5")
    _, pump, got = pump_of(shell)
    assert got == "0x1dd90000"
    assert b"BdsDxe: x" in pump.raw


def test_pump_boot_ends_without_base():
    _, _, got = pump_of("printf 'efimm: powering off, status 0\\n'; exit 3")
    assert isinstance(got, efimm_gdb.GdbError)
    assert "QEMU ended (status 3) before efimm printed its image base" in str(got)


def test_pump_silent_boot_times_out():
    _, _, got = pump_of("exec sleep 20", timeout=0.5)
    assert isinstance(got, efimm_gdb.GdbError)
    assert "no image-base line within 0.5 s" in str(got)


def run_sh(args, env_extra):
    env = dict(os.environ, **env_extra)
    p = subprocess.run([os.path.join(ROOT, "tools", "run.sh"), *args], cwd=ROOT,
                       env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=60)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def test_run_sh_without_gdb(tmp_path):
    cmds = tmp_path / "cmds.gdb"
    cmds.write_text("bt\n")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "dirname").symlink_to("/usr/bin/dirname")  # run.sh's only need
    rc, out, err = run_sh(["--gdb-batch", str(cmds)], {"PATH": str(bin_dir)})
    assert rc == 2
    assert err.strip().splitlines() == [
        "run: gdb: gdb not found (Debian package gdb; tools/deps.sh run installs it)"]
    assert out == ""


def test_run_sh_missing_command_file(tmp_path):
    if not os.path.isfile(os.path.join(ROOT, "build", "efimm.so")):
        pytest.skip("build/efimm.so not built")
    missing = tmp_path / "nope.gdb"
    rc, out, err = run_sh(["--gdb-batch", str(missing)], {})
    assert rc == 2
    assert err.strip().splitlines() == [f"run: gdb: {missing}: no such command file"]


def test_run_sh_gdb_and_batch_together(tmp_path):
    rc, out, err = run_sh(["--gdb", "--gdb-batch", "x.gdb"], {})
    assert rc == 2
    assert "argument --gdb-batch: not allowed with argument --gdb" in err
