"""Boot tests of CPU exceptions inside efimm and their fatal report
(efi/cmd/cmd_fault.c, efi/fw/exitbs.c, arch/x86_64/gdt.c idt.c isr.S
trap.c cpu_setup_hw.c serial_hw.c, efi/fw/fbcon.c): `fault KIND` leaves
boot services, loads efimm's GDT/TSS/IDT, then faults on purpose; every kind must end in the fatal report and a real
power-off (status line, QEMU exits on its own: with -no-reboot a triple
fault would end QEMU without a status line)."""
import re

from shellcases import check, shell_cases

INTERNAL_FAULT = 255
HEX = r"0x([0-9a-f]{16})"


def field(text, name):
    m = re.search(rf"\b{name} {HEX}", text)
    assert m, f"no {name} in the report"
    return int(m.group(1), 16)


def fault_boot(efimm_boot, kind, res=None):
    """The boot of `fault KIND ; poweroff` (res: that boot, already made)."""
    if res is None:
        res = efimm_boot(args=f"fault {kind}", timeout=90)
    assert not res.timed_out
    assert res.qemu_rc == 0, "QEMU did not exit by power-off"
    assert res.status == INTERNAL_FAULT
    assert (f"efimm: powering off, status {INTERNAL_FAULT} "
            "(EFIMM_FATAL_EXCEPTION)") in res.text
    # `; poweroff` after the command must never run: the fault ends it.
    assert res.text.count("efimm: powering off") == 1
    m = re.search(rf"efimm: fault {kind}: faulting instruction at {HEX}",
                  res.text)
    assert m, "no faulting-instruction line"
    report = res.text[m.end():]
    return res, report, int(m.group(1), 16)


def check_regs(report):
    for reg in ("RIP", "RSP", "CR2", "CR3", "RAX", "RBX", "RCX", "RDX", "RSI",
                "RDI", "RBP", "R8 ", "R9 ", "R10", "R11", "R12", "R13", "R14",
                "R15", "RFLAGS"):
        assert re.search(rf"\b{reg.strip()}\s+{HEX}", report), reg
    assert re.search(r"CS 0x0008 SS 0x0010", report), "efimm's selectors"


def check_walk(report, what, va):
    assert f"efimm: page walk of {what} 0x{va:016x} under CR3 " in report
    assert re.search(r"^PML4E: 0x[0-9a-f]{16} -> 0x[0-9a-f]{16}: P", report,
                     re.M), "no PML4E line"


def test_fault_bad_kind_then_pf_null_read(efimm_boot):
    """One Shell boot (tests/boot/shellcases.py): `fault sideways` fails
    before taking over, back in the Shell; then `fault pf ; poweroff`."""
    shell, parts = shell_cases(efimm_boot, ["fault sideways"], final="fault pf ; poweroff",
                               timeout=90)
    check(parts[0], 2, lines=["efimm: fault: bad argument 'sideways': KIND is pf, gp, "
                              "ud, de, df or handler"],
          absent=["taking the machine over"])
    res, report, site = fault_boot(efimm_boot, "pf", shell)
    assert "efimm: FATAL: #PF page fault (vector 14)" in report
    assert "efimm: error code 0x0: not-present, read, supervisor" in report
    check_regs(report)
    assert field(report, "RIP") == site
    assert field(report, "CR2") == 0
    check_walk(report, "CR2", 0)
    assert "PTE: not present" in report or "PDE: not present" in report
    assert "efimm: CR2 is in page 0 (NULL pointer dereference)" in report


def test_fault_gp_noncanonical(efimm_boot):
    res, report, site = fault_boot(efimm_boot, "gp")
    assert "efimm: FATAL: #GP general protection (vector 13)" in report
    assert "efimm: error code 0x0\n" in report
    check_regs(report)
    assert field(report, "RIP") == site
    assert field(report, "RDI") == 0x8000000000000000
    check_walk(report, "RIP", site)
    assert "page 0" not in report


def test_fault_ud_and_framebuffer_console(efimm_boot):
    res, report, site = fault_boot(efimm_boot, "ud")
    # QEMU runs with -vga std: GOP exists, so fbcon takes over with COM1,
    # and everything after ExitBootServices still reaches the serial port.
    assert re.search(r"efimm: boot services exited \(\d+ map entries, \d+ "
                     r"attempts?\); console com1 \+ framebuffer; own "
                     r"GDT/TSS/IDT; NX on, WP on", res.text)
    m = re.search(r"efimm: framebuffer (\d+)x(\d+) at 0x[0-9a-f]+, (\d+) "
                  r"pixels per line", res.text)
    assert m and int(m.group(1)) >= 640 and int(m.group(3)) >= int(m.group(1))
    assert "efimm: FATAL: #UD invalid opcode (vector 6)" in report
    assert "efimm: no error code" in report
    check_regs(report)
    assert field(report, "RIP") == site
    check_walk(report, "RIP", site)


def test_fault_de(efimm_boot):
    res, report, site = fault_boot(efimm_boot, "de")
    assert "efimm: FATAL: #DE divide error (vector 0)" in report
    assert field(report, "RIP") == site
    check_walk(report, "RIP", site)


def test_fault_df_on_dead_stack(efimm_boot):
    res, report, site = fault_boot(efimm_boot, "df")
    assert "efimm: FATAL: #DF double fault (vector 8)" in report
    assert "efimm: error code 0x0" in report
    check_regs(report)
    # The #DF handler ran on its IST stack although RSP was unusable.
    assert field(report, "RSP") == 0x8000000000000000
    check_walk(report, "RIP", field(report, "RIP"))


def test_fault_inside_the_fault_handler(efimm_boot):
    res, report, site = fault_boot(efimm_boot, "handler")
    assert "efimm: FATAL: #UD invalid opcode (vector 6)" in report
    assert field(report, "RIP") == site
    assert f"efimm: page walk of RIP 0x{site:016x}" in report
    m = re.search(r"efimm: FATAL: fault while reporting a fault: "
                  rf"#GP general protection \(vector 13\) at RIP {HEX}, "
                  rf"CR2 {HEX}", report)
    assert m, "no recursion-guard line"
    assert int(m.group(1), 16) != site
    assert report.count("efimm: FATAL") == 2
