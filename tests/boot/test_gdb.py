"""`tools/run.sh --gdb-batch FILE` (what `make gdb` runs, in batch mode),
end to end against QEMU's gdb stub: gdb gets efimm's symbols at the
image base it printed and the payload's at its link address, so a
breakpoint in efimm (prun_run) and one in a payload function that is not
loaded yet (level2 of payload/deep.c) both hit, and `bt` shows level2's
callers; with PAYLOAD= an out-of-tree copy gives the symbols, and a
failing last command makes gdb's (and the runner's) status non-zero.
Pure helpers and the errors before a boot: tests/tools/test_gdb_helpers.py."""
import os
import re
import shutil
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RUN = os.path.join(ROOT, "tools", "run.sh")


def gdb_batch(tmp_path, commands, args, payload=""):
    cmds = tmp_path / "cmds.gdb"
    cmds.write_text(commands)
    env = dict(os.environ, EFIMM_ARGS=args, EFIMM_PAYLOAD=payload, EFIMM_MEM="512M")
    p = subprocess.run([RUN, "--gdb-batch", str(cmds), "--gdb-timeout", "240"],
                       cwd=ROOT, env=env, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=400)
    out, serial = p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace")
    print(f"===== gdb (status {p.returncode}) =====\n{out}\n"
          f"===== serial =====\n{serial[-4000:]}")
    return p.returncode, out, serial


def test_gdb_breaks_in_efimm_and_in_the_payload(tmp_path):
    rc, out, serial = gdb_batch(tmp_path, "break prun_run\nbreak level2\n"
                                "continue\nbt 1\ncontinue\nbt\n",
                                r"run \efimm\payloads\deep.elf nofault")
    assert rc == 0
    assert re.search(r"Breakpoint 1 at 0x[0-9a-f]+: file machine/prun\.c", out)
    assert "Breakpoint 2 at 0x500000000" in out
    # efimm's own breakpoint first, then the payload's
    hit1 = out.index("Breakpoint 1, prun_run (")
    hit2 = out.index("Breakpoint 2, level2 (depth=depth@entry=2")
    assert hit1 < hit2
    bt = out[hit2:]
    assert re.search(r"^#0 +level2 \(.*\) at payload/deep\.c:\d+$", bt, re.M)
    assert re.search(r"^#1 +0x00005000[0-9a-f]+ in level1 \(depth=depth@entry=1", bt, re.M)
    assert re.search(r"^#2 +0x00005000[0-9a-f]+ in main \(", bt, re.M)
    # gdb released efimm's wait loop and stopped it where the payload ran
    assert re.search(r"efimm: gdb: image base 0x[0-9a-f]+; waiting", serial)
    assert "efimm: gdb: going on" in serial
    assert "deep: level1 (depth 1)" in serial


def test_gdb_with_payload_out_of_tree_and_failing_command(tmp_path):
    mine = tmp_path / "mydeep.elf"
    shutil.copyfile(os.path.join(ROOT, "build", "payload", "deep.elf"), mine)
    rc, out, serial = gdb_batch(tmp_path, "break main\ncontinue\nbt\n"
                                "print no_such_symbol\n", "nofault", str(mine))
    assert "Breakpoint 1, main (argc=2, argv=" in out
    assert re.search(r"^#0 +main \(.*\) at payload/deep\.c:\d+$", out, re.M)
    # the last command failed: gdb -batch exits 1 and the runner with it
    assert 'No symbol "no_such_symbol" in current context.' in out
    assert rc == 1
    assert "efimm: entering efimm/payloads/mydeep.elf" in serial
