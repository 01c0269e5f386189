"""QEMU tests of demand paging: payload/paging_test.c run
with mem= small enough to force eviction and a RAM backing store (swap=).
Each boot does a few seconds of payload work under TCG."""
import re

import pytest

from shellcases import about, check, shell_cases

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


def test_ptdump_shows_paged_out_pages_as_swapped(efimm_boot):
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


def test_paging_out_the_running_stack_page(efimm_boot):
    # used to #GP in memcpy: efimm ran on the page it was paging out
    res = run(efimm_boot, "stackout", "mem=4M swap=8M", timeout=90)
    passed(res)
    assert "paging_test: stack paged out and back" in res.text


HELLO = "efimm/payloads/hello.elf"
TOO_LARGE = re.compile(r"^efimm: run: swap=1048576K: backing store too large "
                       r"for this machine's RAM \(at most (\d+)M leaves the "
                       r"payload room\)$", re.M)
# clock used to spin for ever in its victim search (the stack page's
# accessed bit set again on every pass); nru/lru evicted the stack page
# and died "out of backing store"
PINMORE_OPTS = "mem=4M swap=8M evict={}"


def test_pin_of_more_pages_than_frames_is_refused_nru(efimm_boot):
    """pinmore under nru (under clock it is the final command of the first
    Shell boot of the test below)."""
    passed(run(efimm_boot, "pinmore", PINMORE_OPTS.format("nru"), timeout=90))


def test_refusals_then_pin_of_more_pages_and_largest_swap(efimm_boot):
    """Two Shell boots (tests/boot/shellcases.py):
    - swap= that leaves the payload no room is refused with one line while
      boot services still run; a bad evict= is refused, nothing entered;
      then (the final command) pinmore under clock passes.
    - The largest store the first line names, plus 1M, is refused; then
      (final) that largest store runs."""
    res, parts = shell_cases(efimm_boot, [f"run {HELLO} swap=1G",
                                          f"run {PAYLOAD} arena 16 evict=fifo"],
                             final=f"run {PAYLOAD} pinmore {PINMORE_OPTS.format('clock')}")
    swap, evict = parts
    line = TOO_LARGE.search(swap.text)
    assert line, f"{swap!r}: no 'too large' line"
    check(swap, 2, absent=["boot services exited"])     # EFI_INVALID_PARAMETER
    most = int(line.group(1))
    assert 256 < most < 512
    assert "evict takes clock, nru or lru" in evict.text, evict
    check(evict, 2, absent=["efimm: entering"])
    with about("pinmore, clock (final)"):
        passed(res)

    res, parts = shell_cases(efimm_boot, [f"run {HELLO} swap={most + 1}M"],
                             final=f"run {HELLO} swap={most}M")
    assert f"swap={(most + 1) * 1024}K: backing store too large" in parts[0].text, parts[0]
    check(parts[0], 2, absent=["boot services exited"])
    with about(f"swap={most}M (final)"):
        assert "efimm: payload exited with status 0" in parts.final
        assert res.status == 0
