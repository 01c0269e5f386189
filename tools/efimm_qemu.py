#!/usr/bin/python3
"""tools/efimm_qemu.py - build efimm disk images and boot them in QEMU.

One place for the QEMU command line, used by `make run` (tools/run.sh)
and by the boot tests (tests/boot/).  QEMU runs headless (q35, TCG, no
network), Debian's OVMF_CODE_4M.fd with a private copy of
OVMF_VARS_4M.fd, serial on stdio, and -no-reboot so that a reset or a
triple fault ends QEMU instead of looping.

efimm's exit status is read from its last status line,
    efimm: powering off, status N (EFI_NAME)
which `poweroff` and every fatal path print just before powering off.
"""
import os
import re
import select
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OVMF_CODE = "/usr/share/OVMF/OVMF_CODE_4M.fd"
OVMF_VARS = "/usr/share/OVMF/OVMF_VARS_4M.fd"
STATUS_RE = re.compile(rb"efimm: powering off, status (\d+)")
ANSI_RE = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][AB0-2]|\x1bc")
NO_STATUS = 124
DEFAULT_CPU = "max"


def build_image(out, files=None, config=None, esp=None, drop=()):
    """Writes disk image `out`: the esp/ tree, then `files` ({ESP path:
    bytes or host path}) and `config` (text for \\efimm\\efimm.conf) on
    top.  Paths in `drop` (relative to esp/) are left out."""
    esp = esp or os.path.join(ROOT, "esp")
    with tempfile.TemporaryDirectory() as tmp:
        base = os.path.join(tmp, "base")
        shutil.copytree(esp, base)
        for rel in drop:
            p = os.path.join(base, rel)
            if os.path.isfile(p):
                os.remove(p)
        over = os.path.join(tmp, "over")
        os.makedirs(over)
        items = dict(files or {})
        if config is not None:
            items["efimm/efimm.conf"] = config.encode()
        for rel, data in items.items():
            dst = os.path.join(over, rel.replace("\\", "/").lstrip("/"))
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            if isinstance(data, (bytes, bytearray)):
                with open(dst, "wb") as f:
                    f.write(data)
            else:
                shutil.copyfile(data, dst)
        subprocess.run([os.path.join(ROOT, "tools", "mkimage.sh"), out, base,
                        over], check=True)
    return out


def qemu_command(img, mem="512M", vars_file=None, icount=False, extra=(),
                 cpu=DEFAULT_CPU, cpus=1, machine="q35"):
    """QEMU's command line; cpu is -cpu's MODEL[,FEATURES] (`max`: every
    feature TCG has, SMEP and SMAP among them; `qemu64`: neither); cpus
    is -smp's count; machine q35 or pc.  The binary is EFIMM_QEMU's, if
    set (tools/qemu-backports.sh's newer QEMU), else the system's
    qemu-system-x86_64.  Without -icount each CPU is a
    host thread (multi-threaded TCG), so several CPUs really run at once;
    -icount needs one thread for all of them."""
    accel = "tcg,thread=single" if icount else "tcg,thread=multi"
    cmd = [os.environ.get("EFIMM_QEMU") or "qemu-system-x86_64",
           "-machine", machine, "-accel", accel,
           "-cpu", cpu, "-m", str(mem), "-smp", str(cpus),
           "-drive", f"if=pflash,format=raw,unit=0,readonly=on,file={OVMF_CODE}",
           "-drive", f"if=pflash,format=raw,unit=1,file={vars_file}",
           "-drive", f"format=raw,file={img}",
           "-display", "none", "-vga", "std", "-serial", "stdio",
           "-monitor", "none", "-net", "none", "-no-reboot"]
    if icount:
        cmd += ["-icount", "shift=0,sleep=off"]
    return cmd + list(extra)


class Result:
    def __init__(self, raw, status, timed_out, rc):
        self.raw = raw
        self.text = strip_ansi(raw).decode("utf-8", "replace").replace("\r", "")
        self.status = status
        self.timed_out = timed_out
        self.qemu_rc = rc

    def __repr__(self):
        return f"<boot status={self.status} timed_out={self.timed_out}>"


def strip_ansi(raw):
    return ANSI_RE.sub(b"", raw)


def exit_status(raw):
    """efimm's status from its last status line, or NO_STATUS."""
    found = STATUS_RE.findall(strip_ansi(raw))
    return int(found[-1]) if found else NO_STATUS


def bench_boot(run_line, mem="512M", cpus=1):
    """One benchmark boot (tools/bench_*.py): an image whose one entry runs
    `RUN_LINE ; poweroff`, booted under -icount, where the figures repeat
    exactly, with a generous wall-clock limit (host load slows a boot down
    but does not change its figures).  Returns the Result."""
    cfg = f'timeout 0\ndefault b\nentry b "bench" {run_line} ; poweroff\n'
    with tempfile.TemporaryDirectory() as tmp:
        img = build_image(os.path.join(tmp, "b.img"), config=cfg)
        return boot(img, mem=mem, timeout=1800, icount=True, cpus=cpus)


def boot(img, mem="512M", timeout=120, keys=(), echo=False, icount=False,
         extra=(), stop_on=None, cpu=DEFAULT_CPU, cpus=1, machine="q35"):
    """Boots img; returns a Result.  keys: [(wait_for_bytes, send_bytes)]
    typed on the serial console once wait_for appears.  stop_on: bytes
    after which QEMU is killed (for runs that end in the firmware).
    Never hangs: QEMU is killed after `timeout` seconds."""
    with tempfile.TemporaryDirectory() as tmp:
        vars_file = os.path.join(tmp, "vars.fd")
        shutil.copyfile(OVMF_VARS, vars_file)
        cmd = qemu_command(img, mem, vars_file, icount, extra, cpu, cpus,
                           machine)
        p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT)
        raw, timed_out = _pump(p, timeout, list(keys), echo, stop_on)
        rc = p.wait()
    return Result(raw, exit_status(raw), timed_out, rc)


def _pump(p, timeout, keys, echo, stop_on):
    raw = b""
    deadline = time.monotonic() + timeout
    fd = p.stdout.fileno()
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            p.kill()
            return raw, True
        r, _, _ = select.select([fd], [], [], min(left, 0.5))
        if r:
            chunk = os.read(fd, 65536)
            if not chunk:
                return raw, False
            raw += chunk
            if echo:
                sys.stdout.buffer.write(chunk)
                sys.stdout.buffer.flush()
        plain = strip_ansi(raw)
        while keys and keys[0][0] in plain:
            _, send = keys.pop(0)
            for b in send:
                p.stdin.write(bytes([b]))
                p.stdin.flush()
                time.sleep(0.05)
        if stop_on and stop_on in plain:
            p.kill()
            return raw, False


def main(argv):
    import argparse
    import efimm_gdb  # here: it imports this module
    ap = argparse.ArgumentParser(
        description="boot efimm in QEMU/OVMF (defaults from EFIMM_MEM, "
                    "EFIMM_ARGS, EFIMM_PAYLOAD, as `make run` sets them, "
                    "and EFIMM_CPU)")
    env = os.environ
    ap.add_argument("--mem", default=env.get("EFIMM_MEM") or "512M")
    ap.add_argument("--args", default=env.get("EFIMM_ARGS", ""))
    ap.add_argument("--payload", default=env.get("EFIMM_PAYLOAD", ""))
    ap.add_argument("--icount", action="store_true")
    ap.add_argument("--cpu", default=env.get("EFIMM_CPU") or DEFAULT_CPU,
                    help="QEMU -cpu MODEL (default max; qemu64 has no SMEP/SMAP)")
    ap.add_argument("--cpus", type=int, default=int(env.get("EFIMM_CPUS") or 1),
                    help="QEMU -smp N: CPUs (default 1, or EFIMM_CPUS)")
    ap.add_argument("--machine", default=env.get("EFIMM_MACHINE") or "q35",
                    choices=("q35", "pc"), help="QEMU -machine (default q35)")
    efimm_gdb.add_options(ap)
    a = ap.parse_args(argv)
    files, config = {}, None
    args = a.args
    if a.payload:
        name = os.path.basename(a.payload)
        files[f"efimm/payloads/{name}"] = a.payload
        args = f"run efimm/payloads/{name} {args}".strip()
    if args:
        config = ("timeout 0\ndefault cmdline\n"
                  f'entry cmdline "make run ARGS" {args} ; poweroff\n')
    os.makedirs(os.path.join(ROOT, "build"), exist_ok=True)
    if efimm_gdb.wanted(a):
        return efimm_gdb.main(a, args, files, config)
    img = build_image(os.path.join(ROOT, "build", "run.img"), files, config)
    with tempfile.TemporaryDirectory() as tmp:
        vars_file = os.path.join(tmp, "vars.fd")
        shutil.copyfile(OVMF_VARS, vars_file)
        cmd = qemu_command(img, a.mem, vars_file, a.icount, cpu=a.cpu,
                           cpus=a.cpus, machine=a.machine)
        p = subprocess.Popen(cmd, stdout=subprocess.PIPE)
        raw = b""
        for chunk in iter(lambda: os.read(p.stdout.fileno(), 4096), b""):
            raw += chunk
            sys.stdout.buffer.write(chunk)
            sys.stdout.buffer.flush()
        p.wait()
    status = exit_status(raw)
    if status == NO_STATUS:
        print(f"\nrun: efimm reported no status (QEMU exit {p.returncode})",
              file=sys.stderr)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
