"""QEMU tests of five-level paging (`la57=1`, issue 13).

QEMU's `-cpu max` (the default of efimm_qemu.boot) has LA57 under TCG;
OVMF runs four levels, so every `la57=1` run goes through efimm's
trampoline.  `-cpu qemu64` has no LA57: `la57=1` must be refused before
ExitBootServices."""

PAYLOAD = "efimm/payloads/la57.elf"
SWITCHED = "efimm: five-level paging (LA57) on: switched from the firmware's four levels"
REFUSED = ("efimm: run: la57=1: this CPU has no five-level paging "
           "(CPUID.(EAX=7,ECX=0):ECX[16] clear)")
EFI_UNSUPPORTED = 3
PAYLOAD_PF = 128 + 14


def test_payload_maps_touches_pages_out_and_unmaps_above_2_47(efimm_boot):
    res = efimm_boot(args=f"run {PAYLOAD} 256 ptdump mem=8M la57=1", timeout=120)
    assert not res.timed_out
    assert SWITCHED in res.text
    assert "la57: 256 pages at 0x0000800000001000" in res.text
    # efimm_ptdump in five-level mode: the region above 2^47, user, 4K
    assert "---[ k_mem_map area ]---\n0000800000001000-0000800000100fff     1M  RW  NX  U  WB   4K" \
        in res.text.replace("\r", "")
    assert "la57: FAIL" not in res.text
    assert "la57: PASS" in res.text
    assert res.status == 0


def test_four_levels_stay_the_default(efimm_boot):
    res = efimm_boot(args=f"run {PAYLOAD}", timeout=90)
    assert SWITCHED not in res.text
    assert "la57: efimm runs four-level paging (run with la57=1)" in res.text
    assert res.status == 2


def test_stress_passes_with_five_levels(efimm_boot):
    res = efimm_boot(args="run efimm/payloads/paging_test.elf stress 4096 20000 "
                     "mem=4M swap=24M la57=1", timeout=240)
    assert not res.timed_out
    assert SWITCHED in res.text
    assert "paging_test: stress: 0 mismatches" in res.text
    assert "paging_test: PASS" in res.text
    assert res.status == 0


def test_memtour_sees_the_upper_area(efimm_boot):
    res = efimm_boot(args="run efimm/payloads/memtour.elf la57=1", timeout=120)
    assert "-> 0x00008000000" in res.text
    assert "checks, 0 failed: PASS" in res.text
    assert res.status == 0


def test_ptdump_shows_pml5(efimm_boot):
    res = efimm_boot(args="ptdump --grid --efimm la57=1 ; "
                     "ptdump --efimm 0x500000000000 la57=1", timeout=90)
    text = res.text.replace("\r", "")
    assert "PML5 at 0x" in text and ": entire address space\n" in text
    assert ": for 0x0000000000000000 - 0x0000ffffffffffff\n" in text
    assert "\nPML5E: 0x0000000000000000 -> 0x" in text
    assert "\nPML4E: not present\n" in text
    assert res.status == 0


def test_fault_report_walks_five_levels(efimm_boot):
    res = efimm_boot(args="run efimm/payloads/fault_unmapped.elf la57=1", timeout=90)
    text = res.text.replace("\r", "")
    assert res.status == PAYLOAD_PF
    assert "efimm: FATAL: #PF page fault (vector 14)" in text
    assert "\nPML5E: 0x0000000000000000 -> 0x" in text
    assert "efimm: denied: not present: the PML4E is empty" in text


def test_la57_refused_without_cpu_support(efimm_boot):
    res = efimm_boot(args=f"run {PAYLOAD} la57=1", timeout=90, cpu="qemu64")
    assert REFUSED in res.text
    assert "boot services exited" not in res.text
    assert res.status == EFI_UNSUPPORTED


def test_application_processors_run_five_levels_too(efimm_boot):
    """The APs copy the boot CPU's CR4 and root after the switch."""
    res = efimm_boot(args=f"run {PAYLOAD} la57=1", timeout=120, cpus=4)
    assert SWITCHED in res.text
    assert "efimm: 4 CPUs online" in res.text
    assert "la57: PASS" in res.text
    assert res.status == 0


def test_bad_la57_value_is_refused(efimm_boot):
    res = efimm_boot(args=f"run {PAYLOAD} la57=2", timeout=60)
    assert "efimm: run: bad option 'la57=2': la57 takes 0 or 1" in res.text
    assert "boot services exited" not in res.text


def test_la57_in_a_suite(efimm_boot, tmp_path):
    """A suite runs at one paging depth: la57=1 before the list gives every
    payload five levels (the la57 payload passes above 2^47); lines that
    disagree are refused before anything runs."""
    same, mixed = tmp_path / "same.lst", tmp_path / "mixed.lst"
    same.write_text(f"{PAYLOAD} 64\nefimm/payloads/hello.elf\n")
    mixed.write_text(f"efimm/payloads/hello.elf\n{PAYLOAD} 64 la57=1\n")
    files = {"efimm/same.lst": str(same), "efimm/mixed.lst": str(mixed)}
    res = efimm_boot(args="suite la57=1 @efimm/same.lst", files=files, timeout=240)
    assert SWITCHED in res.text
    assert "la57: 64 pages at 0x00008000" in res.text
    assert "efimm: suite: 2 passed, 0 failed, 0 skipped" in res.text
    assert res.status == 0
    res = efimm_boot(args="suite @efimm/mixed.lst", files=files, timeout=60)
    assert ("efimm: suite: la57=: every payload of a suite runs at one paging "
            "depth (one per boot): give la57=1 before the list, or on every line"
            ) in res.text
    assert "boot services exited" not in res.text
