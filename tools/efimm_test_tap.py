"""tools/efimm_test_tap.py - reads the TAP stream of efimm's `suite`
command as it arrives on the serial console (tools/efimm-test).

The stream (README "Suites: many payloads in one boot"; TAP version 14):

    TAP version 14
    1..N                                  N = payloads in the suite
    # efimm: ...                          efimm's own lines between payloads
    # Subtest: PATH                       one per payload, PATH as in the list
        # ... / 1..K / ok 1 - ... / not ok 2 - ...   the payload's block
    ok 1 - PATH                           or  ok 1 - PATH # SKIP reason
    not ok 2 - PATH
      ---
      message: "reason"                   one line, for a failure or a skip
      ...
    efimm: suite: P passed, F failed, S skipped
    efimm: powering off, status S

Lines before `TAP version 14` (the firmware, efimm's start-up) are kept
but not parsed.  A payload's result is complete when its top-level
`ok`/`not ok` line has arrived and, for `not ok`, the YAML block after it
(or the next line, if it has none).  Times are taken when a line is fed,
so feeding the serial output as it arrives measures each payload."""
import re
import time

TAP_START = re.compile(r"TAP version 14")
PLAN = re.compile(r"^1\.\.(\d+)\s*$")
SUBTEST = re.compile(r"^# Subtest: (.*?)\s*$")
RESULT = re.compile(r"^(not ok|ok)\s+(\d+)(?:\s+-\s+(.*?))?"
                    r"(?:\s+#\s+(SKIP|TODO)\b\s*(.*?))?\s*$", re.I)
INNER_POINT = re.compile(r"^    (not ok|ok)\s+\d+(?:\s+-\s+(.*?))?\s*$")
YAML_START = re.compile(r"^\s{2,}---\s*$")
YAML_END = re.compile(r"^\s{2,}\.\.\.\s*$")
YAML_MESSAGE = re.compile(r"^\s+message:\s*(.*?)\s*$")
SUMMARY = re.compile(r"efimm: suite: (\d+) passed, (\d+) failed, (\d+) skipped")
POWEROFF = re.compile(r"efimm: powering off, status (\d+)")

PASS, FAIL, SKIP = "PASS", "FAIL", "SKIP"


class PayloadResult:
    """One payload's verdict: index (1-based, as in the plan), path (as
    the result line names it), status PASS/FAIL/SKIP, reason (one line,
    "" for a pass), seconds, lines (its subtest block, the result line
    and the YAML block: what the serial console said about it)."""

    def __init__(self, index, path, status, reason, seconds, lines):
        self.index = index
        self.path = path
        self.status = status
        self.reason = reason
        self.seconds = seconds
        self.lines = lines

    def __repr__(self):
        return (f"<{self.index} {self.path} {self.status} {self.seconds:.2f}s "
                f"{self.reason!r}>")


def yaml_scalar(text):
    """The value of a one-line YAML scalar: a double-quoted string with
    its escapes undone, a single-quoted one, or the bare text."""
    if len(text) >= 2 and text[0] == text[-1] == '"':
        body = text[1:-1]
        return re.sub(r'\\(.)', lambda m: {"n": " ", "t": " "}.get(m.group(1),
                                                                    m.group(1)), body)
    if len(text) >= 2 and text[0] == text[-1] == "'":
        return text[1:-1].replace("''", "'")
    return text


class SuiteParser:
    """Incremental parser of one boot's serial output.  feed(text) takes
    any piece of the output (text, ANSI sequences already removed) and
    returns the payload results it completed.  Afterwards: started (the
    TAP header was seen), plan (N or None), results (in arrival order),
    summary ((passed, failed, skipped) or None), status (efimm's power-off
    status or None), problems (lines that break the protocol), open_path
    (the subtest running when the output stopped, or None)."""

    def __init__(self, clock=time.monotonic):
        self.clock = clock
        self.started = False
        self.plan = None
        self.results = []
        self.summary = None
        self.status = None
        self.problems = []
        self.preamble = []
        self.top_lines = []
        self._partial = ""
        self._sub = None            # [path, start time, lines, failed points]
        self._last_end = None       # when the previous result arrived
        self._pending = None        # a `not ok` waiting for its YAML block
        self._in_yaml = False
        self._fallback = ""

    @property
    def open_path(self):
        return self._sub[0] if self._sub else None

    @property
    def open_lines(self):
        return list(self._sub[2]) if self._sub else []

    def feed(self, text):
        """Parses the complete lines of text (keeping a trailing partial
        line for the next call); returns the results they completed."""
        text = self._partial + text.replace("\r", "")
        lines = text.split("\n")
        self._partial = lines.pop()
        done = []
        for line in lines:
            done += self.feed_line(line)
        return done

    def finish(self):
        """The output ended: parses a last partial line and completes a
        pending result; returns the results completed."""
        done = []
        if self._partial:
            done += self.feed_line(self._partial)
            self._partial = ""
        done += self._flush()
        return done

    def feed_line(self, line):
        """Parses one line (without its newline)."""
        if not self.started:
            if TAP_START.search(line):
                self.started = True
                self._last_end = self.clock()
            else:
                self.preamble.append(line)
            return []
        if self._pending is not None:
            taken = self._yaml_line(line)
            if taken:
                return taken if isinstance(taken, list) else []
        done = self._flush()
        self._top_line(line, done)
        return done

    def _yaml_line(self, line):
        """Offers line to the pending `not ok`: True if it belongs to its
        YAML block, the completed result (a list) if the block ended,
        False if the line is not YAML (the caller flushes the result)."""
        res = self._pending
        if not self._in_yaml:
            if YAML_START.match(line):
                self._in_yaml = True
                res.lines.append(line)
                return True
            return False
        res.lines.append(line)
        if YAML_END.match(line):
            return self._flush()
        m = YAML_MESSAGE.match(line)
        if m:
            res.reason = yaml_scalar(m.group(1))
        return True

    def _flush(self):
        if self._pending is None:
            return []
        res, self._pending, self._in_yaml = self._pending, None, False
        if not res.reason:
            res.reason = self._fallback or "failed"
        self.results.append(res)
        return [res]

    def _top_line(self, line, done):
        m = RESULT.match(line)
        if m:
            done += self._result(m, line)
            return
        if line.startswith("    ") and self._sub is not None:
            self._sub[2].append(line)
            inner = INNER_POINT.match(line)
            if inner and inner.group(1) == "not ok" and not self._sub[3]:
                self._sub[3] = line.strip()
            return
        m = SUBTEST.match(line)
        if m:
            if self._sub is not None:
                self.problems.append(f"subtest {self._sub[0]} has no result line")
            self._sub = [m.group(1), self.clock(), [line], ""]
            return
        m = PLAN.match(line)
        if m and self.plan is None:
            self.plan = int(m.group(1))
            return
        m = SUMMARY.search(line)
        if m:
            self.summary = tuple(int(g) for g in m.groups())
        m = POWEROFF.search(line)
        if m:
            self.status = int(m.group(1))
        self.top_lines.append(line)
        if self._sub is not None:
            self._sub[2].append(line)

    def _result(self, m, line):
        """A top-level result line: PASS and SKIP complete at once, a
        failure waits for its YAML block."""
        now = self.clock()
        index, path = int(m.group(2)), (m.group(3) or "").strip()
        sub = self._sub
        if sub is not None and path and sub[0] != path:
            self.problems.append(f"result {index} names {path}, the subtest was {sub[0]}")
        lines = (sub[2] if sub else []) + [line]
        start = sub[1] if sub else (self._last_end if self._last_end is not None else now)
        seconds = max(0.0, now - start)
        self._sub, self._last_end = None, now
        directive = (m.group(4) or "").upper()
        if m.group(1).lower() == "not ok":
            self._pending = PayloadResult(index, path, FAIL, "", seconds, lines)
            # without a YAML message, the first failed point is the reason
            self._fallback = sub[3] if sub else ""
            return []
        if directive == "SKIP":
            res = PayloadResult(index, path, SKIP, m.group(5) or "skipped", seconds, lines)
        else:
            res = PayloadResult(index, path, PASS, "", seconds, lines)
        self.results.append(res)
        return [res]
