"""tools/efimm-report over snapshots taken in QEMU, read back from the page
Debian's headless Chromium rendered (--dump-dom, after the page's script
ran): the memory map's regions and the pages of each type, the frame
counts, the address-space runs by permission and a zoomed view's W+X
count, the audit verdicts (OVMF's, README "Firmware audit: `audit`"), and
with --diff what changed between two snapshots, all equal to what
efimm-replay --json says.  The page loads nothing from the network."""
import html.parser
import json
import os
import re
import subprocess

import pytest

from test_audit import OVMF
from test_snapshot import esp_get, snapshot_twice_q35_512M

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
REPORT = os.path.join(ROOT, "tools", "efimm-report")
REPLAY = os.path.join(ROOT, "tools", "efimm-replay")
PAGE = 4096


class Elements(html.parser.HTMLParser):
    """Every start tag's attributes, with the class split."""

    def __init__(self, text):
        super().__init__()
        self.all = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        a["_tag"] = tag
        a["_class"] = (a.get("class") or "").split()
        self.all.append(a)

    def of(self, cls, **want):
        return [e for e in self.all if cls in e["_class"]
                and all(e.get(k.replace("_", "-")) == v for k, v in want.items())]


def render(path, fragment=""):
    r = subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu",
                        "--dump-dom", f"file://{path}{fragment}"],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr[-2000:]
    dom = Elements(r.stdout)
    assert [e for e in dom.all if e["_tag"] == "body"][0].get("data-rendered") == "yes"
    return dom


def replay_json(path):
    r = subprocess.run([REPLAY, "--json", str(path)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


@pytest.fixture(scope="module")
def snapshots(tmp_path_factory):
    """Two snapshots of one OVMF boot (q35, 512M): the boot
    test_snapshot.py's test_snapshot_replays_byte_for_byte[q35-512M] uses."""
    src, res = snapshot_twice_q35_512M(tmp_path_factory)
    assert res.status == 0, res.text[-3000:]
    tmp = tmp_path_factory.mktemp("report")
    paths = []
    for n in (1, 2):
        p = tmp / f"snap-{n:04d}.bin"
        p.write_bytes(esp_get(src, f"\\efimm\\snapshots\\snap-{n:04d}.bin"))
        paths.append(p)
    return paths


def wx_pages(runs, lo, hi):
    return sum(min(r["end"], hi) - max(r["start"], lo) for r in runs
               if r["w"] and r["x"] and r["end"] > lo and r["start"] < hi) // PAGE


def test_report_of_one_snapshot(snapshots, tmp_path):
    out = tmp_path / "one.html"
    r = subprocess.run([REPORT, str(snapshots[0]), "-o", str(out)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    text = out.read_text()
    assert not re.search(r"""(src|href)\s*=|https?://|<link\b|@import""", text), "loads nothing"
    facts = replay_json(snapshots[0])
    dom = render(out)

    regions = dom.of("region")
    assert len(regions) == len(facts["memmap"])
    assert sorted((int(e["data-start"]), e["data-type"]) for e in regions) == \
        sorted((d["start"], d["type"]) for d in facts["memmap"])
    pages = {}
    for d in facts["memmap"]:
        pages[d["type"]] = pages.get(d["type"], 0) + d["pages"]
    assert {e["data-type"]: int(e["data-pages"]) for e in dom.of("type-count")} == pages

    assert {e["data-state"]: int(e["data-count"]) for e in dom.of("frame-count")} == facts["frames"]
    assert {e["data-rule"]: e["data-result"] for e in dom.of("verdict")} == OVMF
    totals = dom.of("totals")[0]
    assert int(totals["data-failed"]) == list(OVMF.values()).count("FAIL")

    fw = [e for e in dom.of("va-seg")]
    assert any(e["data-perm"] == "W+X" for e in fw), "OVMF maps W+X: drawn in red"
    assert len(fw) == len(facts["firmware_va"]) + len(
        [l for l in facts["efimm_ranges"] if re.match(r"^[0-9a-f]{16}-", l)])
    wx = dom.of("wx-count")
    first_end = max(r["end"] for r in facts["firmware_va"])
    assert int(wx[0]["data-pages"]) == wx_pages(facts["firmware_va"], 0, first_end)
    assert int(wx[1]["data-pages"]) == 0, "efimm's tables have no W+X page"


def test_report_zooms_to_a_range(snapshots, tmp_path):
    out = tmp_path / "zoom.html"
    subprocess.run([REPORT, str(snapshots[0]), "-o", str(out)], check=True)
    facts = replay_json(snapshots[0])
    lo, hi = 0x1f600000, 0x1f700000
    dom = render(out, f"#firmware={hex(lo)}-{hex(hi)}")
    view = dom.of("va", data_table="firmware")[0]
    assert (int(view["data-lo"]), int(view["data-hi"])) == (lo, hi)
    shown = [r for r in facts["firmware_va"] if r["end"] > lo and r["start"] < hi]
    assert len(dom.of("va-run")) >= len(shown)
    assert int(dom.of("wx-count")[0]["data-pages"]) == wx_pages(facts["firmware_va"], lo, hi)


def test_report_diff(snapshots, tmp_path):
    out = tmp_path / "diff.html"
    a, b = snapshots
    r = subprocess.run([REPORT, "--diff", str(a), str(b), "-o", str(out)],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    fa, fb = replay_json(a), replay_json(b)
    key = lambda d: (d["type"], d["start"], d["pages"])
    gone = {key(d) for d in fa["memmap"]} - {key(d) for d in fb["memmap"]}
    new = {key(d) for d in fb["memmap"]} - {key(d) for d in fa["memmap"]}
    assert gone or new, "the second snapshot's buffers changed the map"
    dom = render(out)
    assert {(e["data-type"], int(e["data-start"])) for e in dom.of("diff-removed")} == \
        {(t, s) for t, s, _ in gone}
    assert {(e["data-type"], int(e["data-start"])) for e in dom.of("diff-added")} == \
        {(t, s) for t, s, _ in new}
    va = {v["rule"]: v["result"] for v in fa["audit"]}
    changed = {v["rule"] for v in fb["audit"] if va[v["rule"]] != v["result"]}
    assert {e["data-rule"] for e in dom.of("diff-verdict")} == changed
    assert len(dom.of("snapshot")) == 2


def test_report_bad_input(tmp_path):
    bad = tmp_path / "bad.bin"
    bad.write_bytes(b"EFIMMSNP" + bytes(8))
    r = subprocess.run([REPORT, str(bad), "-o", str(tmp_path / "x.html")],
                       capture_output=True, text=True)
    assert r.returncode == 2
    assert r.stderr == f"efimm-replay: {bad}: truncated: 16 bytes, shorter than the 32-byte header\n"
    assert not (tmp_path / "x.html").exists()
    r = subprocess.run([REPORT, "-o", str(tmp_path / "x.html")], capture_output=True, text=True)
    assert r.returncode == 2 and "give SNAPSHOT... or --diff A B" in r.stderr
