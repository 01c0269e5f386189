"""Fixtures for the QEMU boot tests.

efimm_boot(config=None, args=None, files=None, drop=(), mem="512M",
           timeout=90, keys=(), stop_on=None, extra=(), **qemu)
    builds a disk image (esp/ + files + config; `args` makes a one-entry
    config running ARGS then poweroff) and boots it in QEMU/OVMF.
    Returns tools.efimm_qemu.Result (.text, .status, .timed_out).
    qemu: further keywords of efimm_qemu.boot (cpu, cpus, machine).
    The serial log of every boot is written to build/test-logs/ and
    printed when a test fails, so a failure always shows what efimm said.

once_per_session(tmp_path_factory, key, make)
    what make(directory) returns, made once per session even under
    pytest-xdist (-n 2): for a module fixture's boot that tests on both
    workers use.
"""
import fcntl
import os
import pickle
import re
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import efimm_qemu  # noqa: E402

LOG_DIR = os.path.join(ROOT, "build", "test-logs")


@pytest.fixture
def efimm_boot(request, tmp_path):
    logs = []

    def boot(config=None, args=None, files=None, drop=(), mem="512M",
             timeout=90, keys=(), stop_on=None, extra=(), **qemu):
        if args is not None:
            config = ("timeout 0\ndefault t\n"
                      f'entry t "test" {args} ; poweroff\n')
        img = efimm_qemu.build_image(str(tmp_path / f"disk{len(logs)}.img"),
                                     files, config, drop=drop)
        res = efimm_qemu.boot(img, mem=mem, timeout=timeout, keys=keys,
                              stop_on=stop_on, extra=extra, **qemu)
        os.makedirs(LOG_DIR, exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]", "_", request.node.name)
        path = os.path.join(LOG_DIR, f"{name}-{len(logs)}.log")
        with open(path, "w") as f:
            f.write(res.text)
        logs.append((path, res))
        return res

    yield boot
    rep = getattr(request.node, "rep_call", None)
    if rep is not None and rep.failed:
        for path, res in logs:
            print(f"\n===== serial log {path} ({res!r}) =====\n{res.text[-6000:]}")


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    setattr(item, "rep_" + rep.when, rep)


def once_per_session(tmp_path_factory, key, make):
    """Returns (directory, make(directory)), make run once per test session
    whichever pytest-xdist worker asks first (under a file lock, in the
    base temporary directory the workers share); the others read its
    pickled result.  make writes its files into directory and returns
    something picklable.  A make that raises is retried by the next."""
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent
    d = root / f"once-{key}"
    with open(root / f"once-{key}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        done = d / "result.pickle"
        if done.exists():
            return d, pickle.loads(done.read_bytes())
        d.mkdir(exist_ok=True)
        result = make(d)
        done.write_bytes(pickle.dumps(result))
        return d, result
