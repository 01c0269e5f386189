"""Boot test of `audit`: every rule's line with a verdict, the totals line,
the status, and OVMF's verdicts (Debian 12's OVMF_CODE_4M.fd, as recorded
in the README's "Firmware audit: `audit`" table) - one boot."""
import re

RULES = ["page-tables", "write-protect", "nx-enabled", "null-page", "no-wx",
         "mmio-nx", "free-nx", "image-code-ro", "image-data-nx", "stack-nx-guard",
         "mat-present", "mat-sorted", "mat-in-runtime", "mat-code-rox", "mat-data-nx",
         "mat-agrees", "memmap-sane", "memory-attribute-protocol"]

# What Debian 12's OVMF gets (README "Firmware audit: `audit`").
OVMF = {
    "page-tables": "PASS", "write-protect": "PASS", "nx-enabled": "PASS",
    "null-page": "FAIL", "no-wx": "FAIL", "mmio-nx": "FAIL", "free-nx": "FAIL",
    "image-code-ro": "FAIL", "image-data-nx": "FAIL", "stack-nx-guard": "FAIL",
    "mat-present": "PASS", "mat-sorted": "PASS", "mat-in-runtime": "PASS",
    "mat-code-rox": "PASS", "mat-data-nx": "PASS", "mat-agrees": "FAIL",
    "memmap-sane": "PASS", "memory-attribute-protocol": "FAIL",
}

LINE = re.compile(r"^audit: ([a-z]+(?:-[a-z]+)*) (PASS|FAIL|WARN|SKIP) (.+)$", re.M)
TOTALS = re.compile(r"^audit: (\d+) passed, (\d+) failed, (\d+) warnings, (\d+) skipped$", re.M)
RANGE = r"(?:[^,:]+ )?0x[0-9a-f]+-0x[0-9a-f]+"
FAIL_RANGES = re.compile(rf"^(\d+) .*: {RANGE}(?:, {RANGE}){{0,2}}(?:, \.\.\.)?$")


def test_audit_on_ovmf(efimm_boot):
    # ptdump first: its W+X count is the same tables' (audit allocates
    # nothing the firmware would re-map on this OVMF).
    res = efimm_boot(args="ptdump --firmware --ranges ; audit", timeout=180)
    assert not res.timed_out
    lines = LINE.findall(res.text)
    assert [r for r, _, _ in lines] == RULES, "one line per rule, in order"
    verdicts = {r: v for r, v, _ in lines}
    details = {r: d for r, _, d in lines}

    m = TOTALS.search(res.text)
    assert m, "no totals line"
    counts = [sum(v == k for v in verdicts.values()) for k in ("PASS", "FAIL", "WARN", "SKIP")]
    assert list(map(int, m.groups())) == counts

    for rule, verdict in verdicts.items():
        if verdict == "FAIL" and rule not in ("write-protect", "nx-enabled", "mat-present",
                                              "memory-attribute-protocol"):
            dm = FAIL_RANGES.match(details[rule])
            assert dm, (rule, details[rule])
            shown = details[rule].count("0x") // 2
            assert shown == min(3, int(dm.group(1))), (rule, details[rule])

    wx = re.search(r"W\+X audit: (\d+) W\+X pages", res.text)
    assert wx and f"({wx.group(1)} pages)" in details["no-wx"]

    assert verdicts == OVMF
    if counts[1]:
        assert "efimm: powering off, status 26 (EFI_SECURITY_VIOLATION)" in res.text
        assert res.status == 26
    else:
        assert res.status == 0

