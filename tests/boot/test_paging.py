"""QEMU tests of demand paging: payload/paging_test.c run
with mem= small enough to force eviction and a RAM backing store (swap=).
Each boot does a few seconds of payload work under TCG."""
import pytest

PAYLOAD = "efimm/payloads/paging_test.elf"
PAYLOAD_FAULT = 128 + 14


def run(efimm_boot, scenario, opts, timeout=120):
    res = efimm_boot(args=f"run {PAYLOAD} {scenario} {opts}", timeout=timeout)
    assert not res.timed_out
    return res


def passed(res):
    assert "paging_test: FAIL" not in res.text
    assert "paging_test: PASS" in res.text
    assert "efimm: payload exited with status 0" in res.text
    assert res.status == 0


@pytest.mark.parametrize("policy", ["clock", "nru", "lru"])
def test_arena_larger_than_memory(efimm_boot, policy):
    res = run(efimm_boot, "arena 2048",
              f"mem=4M swap=16M evict={policy} paging=1")
    passed(res)
    assert f"efimm: paging: policy {policy}, backing store 16384 KiB" in res.text
    # the paging=1 report at exit
    assert "efimm: paging: fault cycles:" in res.text.split(
        "efimm: payload exited")[1]


def test_page_out_in_pin_unpin_and_store_limits(efimm_boot):
    passed(run(efimm_boot, "api", "mem=4M swap=2M"))


def test_stress_four_times_memory(efimm_boot):
    res = run(efimm_boot, "stress 4096 20000", "mem=4M swap=24M")
    passed(res)
    assert "paging_test: stress: 0 mismatches" in res.text


def test_access_after_unmap_is_fatal(efimm_boot):
    res = run(efimm_boot, "unmapped", "mem=2M swap=1M")
    assert res.status == PAYLOAD_FAULT
    assert "efimm: FATAL: #PF page fault (vector 14)" in res.text
    assert ": unmapped" in res.text
    assert "did not fault" not in res.text


def test_out_of_backing_store_is_reported_as_such(efimm_boot):
    res = run(efimm_boot, "oom", "mem=2M swap=1M")
    assert res.status == PAYLOAD_FAULT
    assert "efimm: FATAL: out of backing store serving #PF at 0x6000" in res.text
    assert "no fault was refused" not in res.text


def test_bad_paging_options_are_refused(efimm_boot):
    res = efimm_boot(args=f"run {PAYLOAD} arena 16 evict=fifo", timeout=60)
    assert "evict takes clock, nru or lru" in res.text
    assert "efimm: entering" not in res.text


def test_ptdump_shows_paged_out_pages_as_swapped(efimm_boot):
    import re
    res = run(efimm_boot, "ptdump", "mem=8M swap=4M")
    passed(res)
    m = re.search(r"paging_test: paged out 0x0*([0-9a-f]+)-0x0*([0-9a-f]+)", res.text)
    assert m, "no paged-out range printed"
    start, end = int(m.group(1), 16), int(m.group(2), 16)
    kmem = res.text.split("---[ k_mem_map area ]---")[1]
    swapped = [(int(a, 16), int(b, 16)) for a, b in
               re.findall(r"^([0-9a-f]{16})-([0-9a-f]{16}) .*swapped", kmem, re.M)]
    assert (start, end) in swapped, swapped
    assert "W+X audit: 0 W+X pages (PASS)" in kmem


def test_pin_of_more_pages_than_frames_is_refused(efimm_boot):
    # clock used to spin for ever in its victim search (the stack page's
    # accessed bit set again on every pass); nru/lru evicted the stack
    # page and died "out of backing store"
    for policy in ("clock", "nru"):
        res = run(efimm_boot, "pinmore", f"mem=4M swap=8M evict={policy}",
                  timeout=90)
        passed(res)


def test_paging_out_the_running_stack_page(efimm_boot):
    # used to #GP in memcpy: efimm ran on the page it was paging out
    res = run(efimm_boot, "stackout", "mem=4M swap=8M", timeout=90)
    passed(res)
    assert "paging_test: stack paged out and back" in res.text


def test_swap_beyond_ram_is_refused_before_taking_over(efimm_boot):
    """swap= that leaves the payload no room is refused with one line while
    boot services still run; the largest store the line names still runs."""
    import re
    res = efimm_boot(args="run efimm/payloads/hello.elf swap=1G", timeout=60)
    assert not res.timed_out
    line = re.search(r"efimm: run: swap=1048576K: backing store too large "
                     r"for this machine's RAM \(at most (\d+)M leaves the "
                     r"payload room\)", res.text)
    assert line, res.text
    assert res.status == 2              # EFI_INVALID_PARAMETER
    assert "boot services exited" not in res.text
    most = int(line.group(1))
    assert 256 < most < 512
    res = efimm_boot(args=f"run efimm/payloads/hello.elf swap={most}M",
                     timeout=120)
    assert not res.timed_out
    assert "efimm: payload exited with status 0" in res.text
    assert res.status == 0
    res = efimm_boot(args=f"run efimm/payloads/hello.elf swap={most + 1}M",
                     timeout=60)
    assert f"swap={(most + 1) * 1024}K: backing store too large" in res.text
    assert res.status == 2
