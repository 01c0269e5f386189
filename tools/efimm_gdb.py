"""tools/efimm_gdb.py - gdb sessions on efimm in QEMU (`make gdb`,
`tools/run.sh --gdb`, `tools/run.sh --gdb-batch FILE`).

The image is the one `make run` boots plus the file \\efimm\\gdb-wait,
which makes efimm print
    efimm: gdb: image base 0x<hex>; waiting until gdb sets efimm_gdb_wait = 0
right after its console starts and spin until gdb clears that variable.
QEMU runs with its gdb stub on a Unix socket in a private temporary
directory (no TCP port: nothing to collide with when tests run in
parallel, nothing reachable from the network).  Once the line arrives,
gdb starts with a generated script: the payload's ELF as gdb's file (it
is linked at its run address), build/efimm.so at the image base,
`target remote`, then `set var efimm_gdb_wait = 0`.  The machine stays
stopped in efimm's wait loop until the user (or FILE) says `continue`.

QEMU's breakpoints under TCG (gdb's Z0 packets) never write guest
memory, so `break main` on a payload that is not loaded yet works.

Output: gdb's on stdout (with --gdb-batch its stderr too, in order), the
serial console on stderr as it arrives.  Exit status: gdb's; 2 with one
line `run: gdb: ...` when no session could start.
"""
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading

import efimm_qemu

GDB_WAIT_FILE = "efimm/gdb-wait"
GDB_WAIT_NOTE = b"tools/run.sh --gdb: efimm waits for gdb\n"
BASE_RE = re.compile(rb"efimm: gdb: image base (0x[0-9a-fA-F]+);")
BASE_TIMEOUT = 120
SETUP_ERROR = 2
PAYLOAD_DIR = "efimm/payloads/"


class GdbError(Exception):
    """A session that could not start; the message is one line."""


def split_commands(line):
    """efimm's command-line split (pure/cmdline.c): blanks separate
    words, double quotes group them (and are dropped, even inside a
    word), ';' outside quotes separates commands.  Returns a list of
    commands, each a list of words; an unterminated quote runs to the
    end, and empty commands are left out (efimm refuses those itself)."""
    cmds, words, word, quoted, in_word = [], [], "", False, False
    for c in line:
        if c == '"':
            quoted, in_word = not quoted, True
        elif quoted or not (c.isspace() or c == ";"):
            word, in_word = word + c, True
        else:
            if in_word:
                words.append(word)
            word, in_word = "", False
            if c == ";" and words:
                cmds.append(words)
                words = []
    if in_word:
        words.append(word)
    if words:
        cmds.append(words)
    return cmds


def esp_rel(path):
    """An ESP path as efimm takes it (/ or \\, from the root) relative to
    the root with '/': \\efimm\\payloads\\x.elf -> efimm/payloads/x.elf."""
    return path.replace("\\", "/").lstrip("/")


def run_payload(args):
    """The ESP path (relative, '/') of the payload of the first `run`
    command in args, or None."""
    for words in split_commands(args):
        if words[0] == "run" and len(words) > 1:
            return esp_rel(words[1])
    return None


def payload_host_path(rel, files, esp_dir, build_dir):
    """The host file whose symbols gdb loads for ESP path rel: the file
    the image gets for rel from `files` ({ESP path: host path or bytes}),
    else esp_dir/rel, else build_dir/payload/NAME for efimm/payloads/NAME
    (the in-tree payloads' build output).  None if there is none."""
    for esp_path, data in files.items():
        if esp_rel(esp_path) == rel and isinstance(data, str):
            return data
    candidates = [os.path.join(esp_dir, rel)]
    if rel.startswith(PAYLOAD_DIR):
        candidates.append(os.path.join(build_dir, "payload",
                                       rel[len(PAYLOAD_DIR):]))
    for path in candidates:
        if os.path.isfile(path):
            return path
    return None


def gdb_script(socket_path, base, efimm_so, payload, interactive):
    """The commands gdb runs first: symbols (the payload as gdb's file,
    efimm.so at image base `base`), the connection, and the release of
    efimm's wait loop.  Confirmations are off while loading (gdb would
    ask about each add-symbol-file) and on again for an interactive
    session."""
    lines = ["set pagination off", "set confirm off"]
    if payload:
        lines.append(f'file "{payload}"')
    lines += [f'add-symbol-file "{efimm_so}" -o {base}',
              f"target remote {socket_path}",
              "set var efimm_gdb_wait = 0"]
    if interactive:
        lines += ["set confirm on",
                  'echo \\nefimm waits in gdb_wait() until you continue: '
                  'set breakpoints (break main), then continue.\\n']
    return "".join(line + "\n" for line in lines)


def gdb_command(script, batch_file):
    """gdb's argv: interactive with the user's init files, or batch
    without them (-nx) running the script and then batch_file."""
    if batch_file:
        return ["gdb", "-batch", "-nx", "-x", script, "-x", batch_file]
    return ["gdb", "-q", "-x", script]


class SerialPump(threading.Thread):
    """Copies QEMU's serial output to `out` as it arrives (so QEMU never
    blocks on a full pipe) and notes efimm's image-base line."""

    def __init__(self, fd, out):
        super().__init__(daemon=True)
        self.fd, self.out = fd, out
        self.raw = b""
        self.base = None
        self.found = threading.Event()

    def run(self):
        while True:
            chunk = os.read(self.fd, 65536)
            if not chunk:
                break
            try:
                self.out.write(chunk)
                self.out.flush()
            except OSError:
                pass  # a closed stderr must not stop the draining
            if not self.found.is_set():
                self._look(chunk)
        self.found.set()

    def _look(self, chunk):
        """Keeps the output until the image-base line has arrived (it may
        come in pieces, between colour codes), then takes the base."""
        self.raw += chunk
        m = BASE_RE.search(efimm_qemu.strip_ansi(self.raw))
        if m:
            self.base = m.group(1).decode()
            self.found.set()


def _die_with_parent():
    """In QEMU's child before exec: SIGKILL when the runner dies, since
    QEMU has its own session and would outlive it otherwise."""
    import ctypes
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def start_qemu(img, mem, icount, socket_path, vars_file, cpu=None):
    """QEMU with its gdb stub on socket_path, in its own session so that
    the Ctrl-C typed in gdb (which interrupts the guest through the stub)
    never reaches it; stdin is a pipe that is never written, so QEMU
    leaves the terminal to gdb."""
    extra = ["-gdb", f"unix:{socket_path},server=on,wait=off"]
    cmd = efimm_qemu.qemu_command(img, mem, vars_file, icount=icount,
                                  extra=extra, cpu=cpu or efimm_qemu.DEFAULT_CPU)
    try:
        return subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                start_new_session=True,
                                preexec_fn=_die_with_parent)
    except FileNotFoundError:
        raise GdbError("qemu-system-x86_64 not found (tools/deps.sh run)")


def wait_for_base(qemu, pump, timeout):
    """efimm's image base as '0x...', once the pump has seen its line."""
    if not pump.found.wait(timeout):
        raise GdbError(f"efimm printed no image-base line within {timeout} s "
                       "(an efimm without gdb-wait support? `make all`)")
    if pump.base is None:
        raise GdbError(f"QEMU ended (status {qemu.wait()}) before efimm "
                       "printed its image base")
    return pump.base


def run_gdb(argv, batch, timeout):
    """Runs gdb and returns its exit status.  SIGINT is caught (and
    dropped) meanwhile: it belongs to gdb, which interrupts the guest."""
    old = signal.signal(signal.SIGINT, lambda sig, frame: None)
    try:
        gdb = subprocess.Popen(argv, stderr=subprocess.STDOUT if batch else None)
        try:
            return gdb.wait(timeout if batch else None)
        except subprocess.TimeoutExpired:
            gdb.kill()
            gdb.wait()
            raise GdbError(f"the batch session ran longer than {timeout} s; "
                           "stopped it")
    finally:
        signal.signal(signal.SIGINT, old)


def check_tools(efimm_so, batch_file):
    """Raises GdbError for what would stop a session before the boot."""
    if not shutil.which("gdb"):
        raise GdbError("gdb not found (Debian package gdb; tools/deps.sh run "
                       "installs it)")
    if not os.path.isfile(efimm_so):
        raise GdbError(f"{efimm_so} not found (`make all` builds it)")
    if batch_file and not os.path.isfile(batch_file):
        raise GdbError(f"{batch_file}: no such command file")


def session(a, files, config, payload, efimm_so, base_timeout=BASE_TIMEOUT):
    """Packs the image (`make run`'s files and config plus
    \\efimm\\gdb-wait) in a private directory, boots it and runs gdb on
    it; returns gdb's exit status.  QEMU is stopped afterwards."""
    with tempfile.TemporaryDirectory(prefix="efimm-gdb-") as tmp:
        img = efimm_qemu.build_image(os.path.join(tmp, "gdb.img"),
                                     {**files, GDB_WAIT_FILE: GDB_WAIT_NOTE},
                                     config)
        vars_file = os.path.join(tmp, "vars.fd")
        shutil.copyfile(efimm_qemu.OVMF_VARS, vars_file)
        sock = os.path.join(tmp, "gdb.sock")
        qemu = start_qemu(img, a.mem, a.icount, sock, vars_file,
                          getattr(a, "cpu", None))
        pump = SerialPump(qemu.stdout.fileno(), sys.stderr.buffer)
        pump.start()
        try:
            base = wait_for_base(qemu, pump, base_timeout)
            script = os.path.join(tmp, "session.gdb")
            with open(script, "w") as f:
                f.write(gdb_script(sock, base, efimm_so, payload, not a.gdb_batch))
            return run_gdb(gdb_command(script, a.gdb_batch), a.gdb_batch,
                           a.gdb_timeout)
        finally:
            qemu.kill()
            qemu.wait()
            pump.join(5)
            qemu.stdin.close()
            qemu.stdout.close()


def main(a, args, files, config):
    """tools/run.sh --gdb / --gdb-batch FILE.  a: efimm_qemu's parsed
    options; args: the efimm command line of the boot; files and config:
    the image's extra files and config text, as for `make run`.  Returns
    the exit status."""
    efimm_so = os.path.join(efimm_qemu.ROOT, "build", "efimm.so")
    try:
        check_tools(efimm_so, a.gdb_batch)
        rel = run_payload(args)
        payload = rel and payload_host_path(
            rel, files, os.path.join(efimm_qemu.ROOT, "esp"),
            os.path.join(efimm_qemu.ROOT, "build"))
        if rel and not payload:
            print(f"run: gdb: no host file for {rel}; efimm's symbols only",
                  file=sys.stderr)
        return session(a, files, config, payload, efimm_so)
    except GdbError as e:
        print(f"run: gdb: {e}", file=sys.stderr)
        return SETUP_ERROR


def add_options(ap):
    """--gdb, --gdb-batch FILE, --gdb-timeout SECONDS on efimm_qemu's
    argument parser."""
    how = ap.add_mutually_exclusive_group()
    how.add_argument("--gdb", action="store_true",
                     help="boot with QEMU's gdb stub and run gdb on efimm "
                          "and the payload, stopped before efimm runs")
    how.add_argument("--gdb-batch", metavar="FILE",
                     help="the same with gdb in batch mode running FILE's "
                          "commands")
    ap.add_argument("--gdb-timeout", metavar="SECONDS", type=float, default=600,
                    help="stop a --gdb-batch session after this long "
                         "(default 600)")


def wanted(a):
    """Whether the options ask for a gdb session."""
    return a.gdb or a.gdb_batch is not None
