"""tools/efimm_test_run.py - the parts of tools/efimm-test: targets and
their names, building C payloads with the SDK directory, the disk image
of a suite, and one QEMU boot per job read as it runs.

Errors: UsageError (the command line or a target is wrong) and
InfraError (the host, a build, the image or the boot failed); both end
the runner with status 2 and their one-line message (a build error adds
the compiler's first lines)."""
import os
import re
import select
import shutil
import subprocess
import tempfile
import time

import efimm_qemu
from efimm_test_tap import SuiteParser

ROOT = efimm_qemu.ROOT
# The run options of efimm's `suite` (README "Suites: many payloads in one boot").
KNOWN_OPTS = ("mem", "swap", "evict", "paging", "timing", "timeout", "ring", "inject",
              "shootdown")
EFIMM_TIMEOUT = 60          # efimm's per-payload default (timeout=)
NO_TIMEOUT_BOUND = 600      # what the wall-clock bound assumes for timeout=0
BOOT_MARGIN = 180           # OVMF start-up and ExitBootServices under TCG
PAYLOAD_MARGIN = 10         # loading, teardown and the report per payload
SUITE_MAX = 128             # payloads in one suite (SUITE_MAX_PAYLOADS, machine/suite.h)
ESP_DIR = "efimm/tests"     # where the payloads go on the ESP
LIST_NAME = "suite.lst"
QEMU = "qemu-system-x86_64"
HOST_TOOLS = [("mformat", "mtools"), ("mcopy", "mtools"), ("mmd", "mtools"),
              ("sgdisk", "gdisk")]


# Terminal control the firmware's console sends: CSI sequences (with
# private parameters such as ESC[=3h), charset selection, reset.
ANSI_RE = re.compile(rb"\x1b\[[0-9;?=<>]*[ -/]*[@-~]|\x1b[()][AB0-2]|\x1bc")


def strip_ansi(raw):
    """raw serial bytes as text without terminal control sequences.  A
    sequence split across two reads is left in (it is rare and only
    costs a stray character or two in the log)."""
    return ANSI_RE.sub(b"", raw).decode("utf-8", "replace")


class UsageError(Exception):
    pass


class InfraError(Exception):
    pass


class Target:
    """One payload: kind 'c' or 'elf', path (absolute), given (as the
    command line or the directory listing named it), name (unique in the
    run; the file's stem unless two clash), elf (the file to run)."""

    def __init__(self, kind, path, given):
        self.kind = kind
        self.path = os.path.abspath(path)
        self.given = given
        self.name = None
        self.elf = self.path if kind == "elf" else None

    @property
    def esp_path(self):
        return f"{ESP_DIR}/{self.name}.elf"


def is_elf(path):
    try:
        with open(path, "rb") as f:
            return f.read(4) == b"\x7fELF"
    except OSError:
        return False


def resolve_targets(args):
    """Targets for the command line's TARGETs: a C file, an ELF file or a
    directory of C files (each one payload, sorted by name)."""
    out = []
    for arg in args:
        if os.path.isdir(arg):
            cs = sorted(f for f in os.listdir(arg)
                        if f.endswith(".c") and os.path.isfile(os.path.join(arg, f)))
            if not cs:
                raise UsageError(f"{arg}: directory holds no C files")
            out += [Target("c", os.path.join(arg, f), os.path.join(arg, f)) for f in cs]
        elif not os.path.exists(arg):
            raise UsageError(f"{arg}: no such file or directory")
        elif arg.endswith(".c"):
            out.append(Target("c", arg, arg))
        elif is_elf(arg):
            out.append(Target("elf", arg, arg))
        else:
            raise UsageError(f"{arg}: not a C file, an ELF file or a directory")
    assign_names(out)
    return out


def assign_names(targets):
    """Names unique in the run: the file's stem (characters FAT and
    efimm's command line take: letters, digits, '_', '-', '.'); a stem
    found in more than one directory gets the directory's name in front
    (dir-stem), and any clash left (the same file twice) a -2, -3 ...
    suffix in order."""
    def clean(text):
        return re.sub(r"[^A-Za-z0-9_.-]", "_", text)

    stems = [clean(os.path.splitext(os.path.basename(t.path))[0]) or "payload"
             for t in targets]
    dirs = {}
    for t, s in zip(targets, stems):
        dirs.setdefault(s.lower(), set()).add(os.path.dirname(t.path))
    names = []
    for t, s in zip(targets, stems):
        if len(dirs[s.lower()]) > 1:
            s = clean(os.path.basename(os.path.dirname(t.path))) + "-" + s
        names.append(s)
    seen = {}
    for t, n in zip(targets, names):
        key = n.lower()             # FAT file names ignore case
        seen[key] = seen.get(key, 0) + 1
        t.name = n if seen[key] == 1 else f"{n}-{seen[key]}"


def check_host():
    """QEMU, OVMF and the image tools are there, or InfraError."""
    if shutil.which(QEMU) is None:
        raise InfraError(f"{QEMU} not found on PATH (Debian: apt-get install "
                         "qemu-system-x86)")
    for f in (efimm_qemu.OVMF_CODE, efimm_qemu.OVMF_VARS):
        if not os.path.isfile(f):
            raise InfraError(f"OVMF firmware {f} missing (Debian: apt-get install ovmf)")
    for tool, pkg in HOST_TOOLS:
        if shutil.which(tool) is None:
            raise InfraError(f"{tool} not found on PATH (Debian: apt-get install {pkg})")


def run_make(goals):
    """make -s GOALS in the source tree, or InfraError with its output."""
    p = subprocess.run(["make", "-s", "--no-print-directory", "-C", ROOT, *goals],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if p.returncode != 0:
        tail = p.stdout.decode("utf-8", "replace").strip().splitlines()[-15:]
        raise InfraError(f"building efimm failed (make {' '.join(goals)}):\n"
                         + "\n".join(tail))


def prepare(need_sdk):
    """Builds efimm (and, unless EFIMM_SDK names one, the SDK directory
    build/sdk); returns the SDK directory or None."""
    sdk = os.environ.get("EFIMM_SDK")
    goals = ["all"]
    if need_sdk and not sdk:
        goals.append("sdk")
        sdk = os.path.join(ROOT, "build", "sdk")
    run_make(goals)
    if not os.path.isfile(os.path.join(ROOT, "esp", "EFI", "BOOT", "BOOTX64.EFI")):
        raise InfraError("efimm is not built (esp/EFI/BOOT/BOOTX64.EFI missing)")
    if need_sdk and not os.path.isfile(os.path.join(sdk, "efimm-sdk.pc")):
        raise InfraError(f"{sdk}: not an SDK directory (no efimm-sdk.pc; `make sdk` writes one)")
    return sdk


def read_pc(sdk):
    """(cflags, libs) word lists of SDK/efimm-sdk.pc, with ${pcfiledir}
    and the file's own variables expanded (no pkg-config needed)."""
    path = os.path.join(sdk, "efimm-sdk.pc")
    env = {"pcfiledir": os.path.abspath(sdk)}
    fields = {}

    def expand(text):
        return re.sub(r"\$\{(\w+)\}", lambda m: env.get(m.group(1), ""), text)

    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            m = re.match(r"^(\w+)\s*=\s*(.*)$", line)
            if m:
                env[m.group(1)] = expand(m.group(2))
                continue
            m = re.match(r"^(\w+):\s*(.*)$", line)
            if m:
                fields[m.group(1)] = expand(m.group(2)).split()
    if "Cflags" not in fields or "Libs" not in fields:
        raise InfraError(f"{path}: no Cflags or Libs line")
    return fields["Cflags"], fields["Libs"]


def first_lines(text, n=12):
    lines = [ln for ln in text.splitlines() if ln.strip()]
    more = f"\n  ... ({len(lines) - n} more lines)" if len(lines) > n else ""
    return "\n".join("  " + ln for ln in lines[:n]) + more


def build_one(t, cflags, libs, outdir, cc):
    """Compiles and links C target t into outdir/NAME.elf; None or the
    error message (naming the file, with the compiler's first lines)."""
    obj = os.path.join(outdir, "obj", t.name + ".o")
    elf = os.path.join(outdir, t.name + ".elf")
    os.makedirs(os.path.dirname(obj), exist_ok=True)
    steps = [("does not compile", [cc, *cflags, "-c", t.path, "-o", obj]),
             ("does not link", [cc, obj, *libs, "-o", elf])]
    for what, cmd in steps:
        try:
            p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        except OSError as e:
            return f"{t.given}: cannot run the compiler {cc}: {e.strerror}"
        if p.returncode != 0:
            return f"{t.given} {what}:\n" + first_lines(p.stdout.decode("utf-8", "replace"))
    t.elf = elf
    return None


def build_targets(targets, sdk, outdir, workers=2):
    """Builds every C target (a few at a time); InfraError naming the
    first one, in target order, that failed."""
    from concurrent.futures import ThreadPoolExecutor
    cs = [t for t in targets if t.kind == "c"]
    if not cs:
        return
    cflags, libs = read_pc(sdk)
    cc = os.environ.get("EFIMM_CC", "gcc")
    with ThreadPoolExecutor(max_workers=workers) as ex:
        errors = list(ex.map(lambda t: build_one(t, cflags, libs, outdir, cc), cs))
    for err in errors:
        if err:
            raise InfraError(err)


def suite_command(defaults):
    """The `suite` command of the image's default entry."""
    return " ".join(["suite", *defaults, f"@{ESP_DIR}/{LIST_NAME}"])


def suite_files(targets, defaults):
    """({ESP path: bytes or host path}, config text) of a suite image."""
    files = {t.esp_path: t.elf for t in targets}
    listing = "# written by tools/efimm-test: one payload a line\n" + \
        "".join(f"{t.esp_path}\n" for t in targets)
    files[f"{ESP_DIR}/{LIST_NAME}"] = listing.encode()
    config = ("timeout 0\ndefault suite\n"
              f'entry suite "efimm-test" {suite_command(defaults)} ; poweroff\n')
    return files, config


def pack_image(img, targets, defaults):
    """Writes the disk image of one job, or InfraError."""
    files, config = suite_files(targets, defaults)
    try:
        efimm_qemu.build_image(img, files, config)
    except (subprocess.CalledProcessError, OSError) as e:
        raise InfraError(f"building the disk image {img} failed: {e}")


def shard(targets, jobs):
    """Round-robin: job k gets targets k, k+jobs, ... in the order given."""
    jobs = max(1, min(jobs, len(targets)))
    shards = [targets[k::jobs] for k in range(jobs)]
    if len(shards[0]) > SUITE_MAX:
        raise UsageError(f"{len(targets)} payloads in {jobs} job(s): efimm runs at most "
                         f"{SUITE_MAX} in one suite (use --jobs)")
    return shards


def boot_limit(n, timeout):
    """Wall-clock seconds a boot of n payloads may take: each payload's
    limit (timeout=, efimm's 60 s by default; NO_TIMEOUT_BOUND for 0)
    and a margin; EFIMM_TEST_BOOT_LIMIT overrides it (for tests)."""
    env = os.environ.get("EFIMM_TEST_BOOT_LIMIT")
    if env:
        return float(env)
    per = timeout if timeout else NO_TIMEOUT_BOUND
    return BOOT_MARGIN + n * (per + PAYLOAD_MARGIN)


class Job:
    """One boot of one shard: its image, its serial log and its parser."""

    def __init__(self, number, targets, workdir):
        self.number = number
        self.targets = targets
        self.img = os.path.join(workdir, f"job{number}.img")
        self.log = os.path.join(workdir, f"job{number}.log")
        self.parser = SuiteParser()
        self.error = None
        self.entries = {}           # target index in this job -> entry

    def entry_for(self, res):
        """The runner's entry for a parsed result (None and a recorded
        problem if it names no payload of this job)."""
        i = res.index - 1
        if not 0 <= i < len(self.targets):
            self.parser.problems.append(f"result {res.index} is outside the plan")
            return None
        t = self.targets[i]
        if res.path and res.path.replace("\\", "/").lower() != t.esp_path.lower():
            self.parser.problems.append(f"result {res.index} names {res.path}, "
                                        f"expected {t.esp_path}")
        entry = {"name": t.name, "file": t.given, "status": res.status,
                 "reason": res.reason, "seconds": res.seconds, "lines": res.lines}
        self.entries[i] = entry
        return entry

    def boot(self, mem, cpus, qemu_args, limit, on_entry, on_line,
             cpu=efimm_qemu.DEFAULT_CPU):
        """Boots the image on QEMU CPU model cpu; calls on_entry(entry)
        per finished payload and on_line(text) per serial line; sets
        self.error on an infrastructure failure."""
        with tempfile.TemporaryDirectory() as tmp, open(self.log, "w") as log:
            vars_file = os.path.join(tmp, "vars.fd")
            shutil.copyfile(efimm_qemu.OVMF_VARS, vars_file)
            cmd = efimm_qemu.qemu_command(self.img, mem, vars_file, False, qemu_args,
                                          cpu)
            cmd[cmd.index("-smp") + 1] = str(cpus)
            log.write("# " + " ".join(cmd) + "\n")
            try:
                p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            except OSError as e:
                self.error = f"cannot start {QEMU}: {e.strerror}"
                return
            hung = self._pump(p, limit, log, on_entry, on_line)
            for res in self.parser.finish():
                self._report(res, on_entry)
        self._verdict(hung, p.returncode, limit)

    def _pump(self, p, limit, log, on_entry, on_line):
        """Reads QEMU's output until it exits (False) or the limit passes
        (True: QEMU killed).  Once efimm has said it powers off, QEMU
        gets a few seconds to go.  Output is handled in whole lines, so
        that neither a control sequence nor a UTF-8 character is cut."""
        fd = p.stdout.fileno()
        deadline = time.monotonic() + limit
        raw = b""
        hung = False
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                p.kill()
                hung = True
                break
            r, _, _ = select.select([fd], [], [], min(left, 0.5))
            if not r:
                if p.poll() is not None:
                    break
                continue
            chunk = os.read(fd, 65536)
            if not chunk:
                break
            raw += chunk
            cut = raw.rfind(b"\n") + 1
            self._lines(raw[:cut], log, on_entry, on_line)
            raw = raw[cut:]
            if self.parser.status is not None:
                deadline = min(deadline, time.monotonic() + 10)
        self._lines(raw, log, on_entry, on_line)
        p.wait()
        return hung

    def _lines(self, raw, log, on_entry, on_line):
        """Logs, echoes and parses raw serial output (whole lines, or
        the last piece when the output has ended)."""
        if not raw:
            return
        text = strip_ansi(raw).replace("\r", "")
        log.write(text)
        log.flush()
        for line in text.rstrip("\n").split("\n"):
            on_line(line)
        for res in self.parser.feed(text):
            self._report(res, on_entry)

    def _report(self, res, on_entry):
        entry = self.entry_for(res)
        if entry is not None:
            on_entry(entry)

    def _verdict(self, hung, qemu_rc, limit):
        """Sets self.error when the boot did not end in a complete suite."""
        ps = self.parser
        why = None
        if hung and ps.summary is None:
            why = f"boot hung: no suite summary after {limit:.0f} s"
        elif not ps.started:
            why = f"efimm printed no TAP (QEMU exit {qemu_rc})"
        elif ps.summary is None:
            why = f"boot ended without the suite summary (QEMU exit {qemu_rc})"
        elif ps.plan != len(self.targets):
            why = f"efimm planned {ps.plan} payloads, the image holds {len(self.targets)}"
        elif len(self.entries) != len(self.targets):
            why = f"efimm reported {len(self.entries)} of {len(self.targets)} payloads"
        elif ps.problems:
            why = f"TAP stream broken: {ps.problems[0]}"
        else:
            counts = tuple(sum(1 for e in self.entries.values() if e["status"] == s)
                           for s in ("PASS", "FAIL", "SKIP"))
            if counts != ps.summary:
                why = (f"efimm's summary says {ps.summary[0]} passed, {ps.summary[1]} "
                       f"failed, {ps.summary[2]} skipped; its results "
                       f"{counts[0]}, {counts[1]}, {counts[2]}")
        if why:
            self.error = f"{why}; serial log: {os.path.relpath(self.log)}" + \
                self._last_words()

    def _last_words(self):
        """efimm's last lines, for the error message."""
        lines = [ln for ln in (self.parser.preamble + self.parser.top_lines
                               + self.parser.open_lines) if ln.strip()]
        said = [ln for ln in lines if ln.lstrip("# ").startswith("efimm")][-3:]
        return "".join(f"\n  {ln.strip()}" for ln in said)

    def unfinished(self):
        """Entries (status ERROR) for the payloads the boot never finished."""
        out = {}
        running = self.parser.open_path
        for i, t in enumerate(self.targets):
            if i in self.entries:
                continue
            if running and running.replace("\\", "/").lower() == t.esp_path.lower():
                reason, lines = "the boot ended while it ran", self.parser.open_lines
            else:
                reason, lines = "not run: the boot ended before it", []
            out[i] = {"name": t.name, "file": t.given, "status": "ERROR",
                      "reason": reason, "seconds": 0.0, "lines": lines}
        return out
