"""QEMU tests of interrupts, the local APIC timer and `run timeout=SECONDS`
(machine/timeout.c, arch/x86_64/timer_hw.c, irqchip_hw.c): a hanging
payload is stopped with the report (RIP in payload code, registers, a
backtrace) and status 124; a tick in efimm's code never stops it; the
timer's calibration is plausible; timeout=0 lets a long payload finish;
a bad value is refused before anything runs; payloads run with IF=1 and
demand paging still works.  Boots run without -icount (real time)."""
import re

from shellcases import check, shell_cases

HANG = "efimm/payloads/hang.elf"
PAYLOAD_LO, PAYLOAD_HI = 0x500000000000, 0x600000000000
# QEMU 7.2's local APIC timer counts 1 GHz / 16 (divider 16)
APIC_PER_MS = 62500


def report_rip(text):
    m = re.search(r"efimm: TIMEOUT: payload ran over its limit of \d+ s\n"
                  r"efimm: stopped at RIP 0x([0-9a-f]{16}) in payload code", text)
    assert m, "no timeout report"
    return int(m.group(1), 16)


def rflags(text):
    return int(re.search(r"^efimm: RFLAGS 0x([0-9a-f]{16})", text, re.M).group(1), 16)


FRAME = re.compile(r"^efimm:   #\d+ 0x([0-9a-f]{16}) (\?|(\S+)\+0x[0-9a-f]+ \((\S+)\))$",
                   re.M)


def frames(text):
    """[(pc, function or None, module or None)] of the first backtrace."""
    part = text.split("efimm: backtrace:\n", 1)[1].split("efimm: backtrace ends:")[0]
    return [(int(m.group(1), 16), m.group(3), m.group(4)) for m in FRAME.finditer(part)]


def backtrace(text):
    """The pcs of the first backtrace in text and why it ended."""
    pcs = [pc for pc, _, _ in frames(text)]
    part = text.split("efimm: backtrace:\n", 1)[1]
    end = re.search(r"^efimm: backtrace ends: (.*)$", part, re.M).group(1)
    return pcs, end


def test_hang_is_stopped_with_report_and_status_124(efimm_boot):
    res = efimm_boot(args=f"run {HANG} timeout=1", timeout=90)
    assert not res.timed_out
    assert "hang: spinning\n" in res.text
    rip = report_rip(res.text)
    assert PAYLOAD_LO <= rip < PAYLOAD_HI
    # the register dump of the stopped code, RIP the same
    assert re.search(rf"^efimm: RIP 0x{rip:016x} RSP 0x[0-9a-f]{{16}}", res.text, re.M)
    assert rflags(res.text) & (1 << 9), "IF clear in a payload's frame"
    # spin <- hang <- main <- sdk_start <- _start: every frame in the payload
    pcs, end = backtrace(res.text)
    assert pcs[0] == rip
    assert len(pcs) >= 4, pcs
    assert all(PAYLOAD_LO <= pc < PAYLOAD_HI for pc in pcs), pcs
    assert end.startswith("end of the frame chain (RBP 0)")
    # symbolized from the payload's own .symtab
    names = [(fn, mod) for _, fn, mod in frames(res.text)]
    assert ("main", "hang.elf") in names and ("_start", "hang.elf") in names, names
    assert "efimm: gdb: add-symbol-file efimm/payloads/hang.elf -o 0\n" in res.text
    assert "efimm: payload timed out after 1 s\n" in res.text
    assert "efimm: powering off, status 124 (payload timeout)" in res.text
    assert res.status == 124


def test_tick_in_efimm_code_does_not_stop_it(efimm_boot):
    """hang efimm spends most of its time in efimm_write: ticks past the
    limit that land there are let run; the stop is always in payload code."""
    res = efimm_boot(args=f"run {HANG} efimm timeout=1", timeout=90)
    assert not res.timed_out
    rip = report_rip(res.text)
    assert PAYLOAD_LO <= rip < PAYLOAD_HI
    assert re.search(r"\d+ tick\(s\) after the limit in efimm's code let run",
                     res.text)
    assert res.status == 124


# hang.elf cycles N spins N million TSC cycles: 6000 is 2.45 s at QEMU
# TCG's TSC (the host's, 2.445 GHz here); the test checks it is > 1.2 s
SPIN_MCYCLES = 6000


def test_timer_calibration_and_timeout_0(efimm_boot):
    """One boot: the timer line, and timeout=0 letting a payload that runs
    for longer than 1 s (by the calibrated TSC) finish; the same run is
    stopped by timeout=1 below."""
    res = efimm_boot(args=f"run {HANG} cycles {SPIN_MCYCLES} timeout=0", timeout=120)
    assert not res.timed_out
    m = re.search(r"^efimm: timer: local APIC timer, (\d+) ticks per ms "
                  r"\(calibrated against the PIT\), TSC (\d+) kHz$", res.text, re.M)
    assert m, "no timer line"
    per_ms, tsc_khz = int(m.group(1)), int(m.group(2))
    assert abs(per_ms - APIC_PER_MS) <= APIC_PER_MS // 5, per_ms
    assert 100_000 <= tsc_khz <= 10_000_000, tsc_khz
    assert re.search(r"^efimm: timer: 100 Hz on vector 0xf0; masked 8259 PICs",
                     res.text, re.M)
    assert SPIN_MCYCLES * 1e6 / (tsc_khz * 1e3) > 1.2, "the spin is too short to show it"
    assert "efimm: TIMEOUT" not in res.text
    assert f"hang: done after {SPIN_MCYCLES} million TSC cycles" in res.text
    assert res.status == 0


def test_same_payload_with_timeout_1_is_stopped(efimm_boot):
    """The control for timeout=0 above: the same run, stopped."""
    res = efimm_boot(args=f"run {HANG} cycles {SPIN_MCYCLES} timeout=1", timeout=90)
    assert "hang: done" not in res.text
    assert PAYLOAD_LO <= report_rip(res.text) < PAYLOAD_HI
    assert res.status == 124


BAD_TIMEOUTS = ("abc", "86401", "-1")


def test_bad_timeout_is_refused(efimm_boot):
    """One line naming the word and the reason, EFI_INVALID_PARAMETER, and
    nothing run (the message is pure/runopts.c's); one Shell boot for all."""
    res, parts = shell_cases(efimm_boot, [f"run efimm/payloads/hello.elf timeout={bad}"
                                          for bad in BAD_TIMEOUTS])
    for bad, case in zip(BAD_TIMEOUTS, parts):
        lines = [l for l in case.text.splitlines() if f"timeout={bad}" in l]
        assert len(lines) == 1, (case, lines)
        assert re.fullmatch(rf"efimm: run: bad option 'timeout={bad}': "
                            r"timeout takes seconds, 0\.\.86400 \(0: none\)",
                            lines[0]), (case, lines[0])
        check(case, 2, absent=("efimm: entering", "efimm: boot services exited"))
    assert "efimm: boot services exited" not in res.text


def fault_report_has_backtrace_and_if_set(res):
    """A payload's fault: the fatal report ends with the payload's
    backtrace (read only from resident pages), and the frame shows the
    payload ran with interrupts on.  The boot is test_payload.py's
    test_fault_reports[fault_null] (`run efimm/payloads/fault_null.elf`),
    which calls this."""
    assert "efimm: FATAL: #PF page fault (vector 14)" in res.text
    assert rflags(res.text) & (1 << 9), "payload ran with IF=0"
    pcs, end = backtrace(res.text)
    assert len(pcs) >= 3 and all(PAYLOAD_LO <= pc < PAYLOAD_HI for pc in pcs), pcs
    assert end.startswith("end of the frame chain")
    assert res.status == 128 + 14


def test_fault_three_calls_deep_is_symbolized(efimm_boot):
    """deep.c faults in level3, called by level2, level1 and main: the
    report names all four, in order, from the payload's own symbols, and
    ends with the gdb lines for efimm and the payload."""
    res = efimm_boot(args="run efimm/payloads/deep.elf")
    assert "efimm: FATAL: #PF page fault (vector 14)" in res.text
    names = [(fn, mod) for _, fn, mod in frames(res.text)]
    assert names[:4] == [("level3", "deep.elf"), ("level2", "deep.elf"),
                         ("level1", "deep.elf"), ("main", "deep.elf")], names
    assert re.search(r"^efimm: gdb: add-symbol-file build/efimm.so -o 0x[0-9a-f]+$",
                     res.text, re.M)
    assert "efimm: gdb: add-symbol-file efimm/payloads/deep.elf -o 0\n" in res.text
    assert res.status == 128 + 14


def test_demand_paging_with_interrupts_on(efimm_boot):
    """Evictions and page-ins while the timer ticks (IF=1 in the payload,
    the #PF gate clears it for the handler)."""
    res = efimm_boot(args="run efimm/payloads/paging_test.elf stress 2048 5000 "
                          "mem=4M swap=16M timeout=60", timeout=120)
    assert not res.timed_out
    assert "paging_test: stress: 0 mismatches" in res.text
    assert "paging_test: PASS" in res.text
    assert "efimm: timer: local APIC timer" in res.text
    assert res.status == 0
