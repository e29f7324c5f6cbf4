"""The lab's worker pool: real worker processes (spawn), queueing, caps, cancellation, crashes."""

import os
import signal
import threading
import time

import pytest

from s2s.errors import ConfigError, S2SError
from s2s.lab import LabSettings
from s2s.lab_pool import ACTIVE, LabPool, PoolFull

QUICK = LabSettings(steps=20, every=10, test_per_length=2, hidden=16, emb_dim=8, seconds=120.0)
LONG = LabSettings(steps=20_000, every=50, test_per_length=2, hidden=16, emb_dim=8, seconds=120.0)


@pytest.fixture()
def pool():
    p = LabPool(workers=1, max_seconds=120.0, max_steps=100_000, max_queued=4, keep_results=3, abandon_after=60.0,
                grace=30.0)
    yield p
    p.close()


def wait(pool, run_id, until, timeout=120.0):
    """Poll like a page does until `until(view)`; returns the view."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        v = pool.status(run_id)
        if until(v):
            return v
        time.sleep(0.1)
    raise AssertionError(f"timed out; last status {v.status if v else None}")


def ended(v):
    return v.status not in ACTIVE


def test_runs_queue_behind_the_workers_and_all_finish(pool):
    ids = [pool.submit(f"s{i}:a", QUICK) for i in range(3)]
    views = [pool.status(i) for i in ids]
    assert [v.status for v in views] == ["running", "queued", "queued"]
    assert [v.position for v in views] == [None, 1, 2]
    most = 0
    while any([pool.status(i).active for i in ids]):  # every run polled, as the page does
        most = max(most, pool.counts().get("running", 0))
        time.sleep(0.05)
    assert most == 1  # one worker: never two runs at once
    for run_id in ids:
        v = pool.status(run_id)
        assert v.status == "done", v.error
        assert v.summary["steps"] == 20 and v.weights
        assert [s["step"] for s in v.snapshots] == [0, 10, 20]


def test_the_same_owner_gets_its_run_back_not_a_second_one(pool):
    a = pool.submit("s:a", LONG)
    assert pool.submit("s:a", LONG) == a
    assert pool.submit("s:b", LONG) != a
    assert pool.counts() == {"running": 1, "queued": 1}


def test_runs_above_the_caps_or_a_full_queue_are_refused(pool):
    with pytest.raises(ConfigError, match="at most 120 s"):
        pool.submit("s:a", LabSettings(seconds=121.0))
    small = LabPool(workers=1, max_steps=50)
    try:
        with pytest.raises(ConfigError, match="at most 50 steps"):
            small.submit("s:a", LabSettings(steps=51))
    finally:
        small.close()
    for i in range(5):  # one running, four waiting
        pool.submit(f"s{i}:a", LONG)
    with pytest.raises(PoolFull, match="4 runs are already waiting"):
        pool.submit("late:a", LONG)
    assert pool.counts() == {"running": 1, "queued": 4}


def test_many_sessions_pressing_train_at_once():
    p = LabPool(workers=1, max_queued=100)
    errors, ids = [], []
    try:
        def press(i):
            try:
                for _ in range(3):  # each presses Train three times
                    ids.append((i, p.submit(f"s{i}:a", LONG)))
            except Exception as exc:  # noqa: BLE001  (the test counts them)
                errors.append(exc)

        threads = [threading.Thread(target=press, args=(i,)) for i in range(20)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not errors
        assert len({run_id for _, run_id in ids}) == 20  # one run per session
        assert p.counts() == {"running": 1, "queued": 19}
    finally:
        p.close()


def test_stop_keeps_what_was_learnt_and_frees_the_worker(pool):
    a = pool.submit("s:a", LONG)
    b = pool.submit("t:a", QUICK)
    wait(pool, a, lambda v: len(v.snapshots) >= 2)
    t0 = time.monotonic()
    pool.cancel(a)
    v = wait(pool, a, ended, timeout=10)
    assert time.monotonic() - t0 < 5
    assert v.status == "stopped" and v.summary["ended"] == "stopped" and v.weights
    assert wait(pool, b, ended).status == "done"  # the queued run got the worker


def test_a_queued_run_cancelled_never_starts(pool):
    a = pool.submit("s:a", LONG)
    b = pool.submit("t:a", LONG)
    pool.cancel(b)
    v = pool.status(b)
    assert v.status == "cancelled" and v.pid is None and not v.snapshots
    pool.cancel(a)
    wait(pool, a, ended, timeout=30)


def test_a_run_nobody_watches_is_cancelled():
    p = LabPool(workers=1, abandon_after=1.0)
    try:
        a = p.submit("s:a", LONG)
        b = p.submit("t:a", LONG)
        time.sleep(2.0)
        assert p.status(b, heartbeat=False).status == "cancelled"
        v = wait(p, a, ended, timeout=30)
        assert v.status == "cancelled"
        wait(p, a, lambda v: v.pid is None, timeout=20)  # its process is ended and reaped
        assert not os.path.exists(f"/proc/{v.pid}") or "Z" in open(f"/proc/{v.pid}/stat").read().split()[2]
    finally:
        p.close()


def test_a_crashed_worker_is_that_runs_error_not_a_hang(pool):
    a = pool.submit("s:a", LONG)
    b = pool.submit("t:a", QUICK)
    v = wait(pool, a, lambda v: v.pid is not None and v.snapshots)
    os.kill(v.pid, signal.SIGKILL)
    v = wait(pool, a, ended, timeout=10)
    assert v.status == "error" and "killed by signal 9" in v.error
    assert wait(pool, b, ended).status == "done"


def test_a_hung_worker_is_ended_at_its_time_cap():
    p = LabPool(workers=1, grace=1.0, startup=1.0)
    try:
        a = p.submit("s:a", LabSettings(steps=20_000, seconds=3.0, test_per_length=2, hidden=16, emb_dim=8))
        v = wait(p, a, lambda v: v.pid is not None)
        os.kill(v.pid, signal.SIGSTOP)  # frozen while starting: it never ends by itself
        v = wait(p, a, ended, timeout=30)
        assert v.status == "error" and "past its time cap" in v.error
    finally:
        p.close()


def test_finished_results_are_bounded(pool):
    a = pool.submit("s:a", LONG)
    for i in range(6):  # cancelled while queued: finished without a process
        pool.cancel(pool.submit(f"q{i}:a", LONG))
    time.sleep(0.5)
    assert pool.counts() == {"running": 1, "cancelled": 3}
    pool.cancel(a)


def test_a_closed_pool_refuses_new_runs(pool):
    pool.close()
    with pytest.raises(S2SError, match="shut down"):
        pool.submit("s:a", QUICK)


def test_sizes_from_the_environment(monkeypatch):
    monkeypatch.setenv("S2S_LAB_WORKERS", "3")
    monkeypatch.setenv("S2S_LAB_MAX_SECONDS", "30")
    p = LabPool.from_env()
    try:
        assert (p.workers, p.max_seconds) == (3, 30.0)
    finally:
        p.close()
    monkeypatch.setenv("S2S_LAB_WORKERS", "many")
    with pytest.raises(ConfigError, match="S2S_LAB_WORKERS must be a number"):
        LabPool.from_env()
