"""Two replicas behind HAProxy (s2s/tools/cluster.py) on the tiny checkpoints: a browser session
through the balancer, then failover (one replica killed while a browser tab and Locust users
use it), and a replica that never becomes healthy. One cluster for the module; the failover
test kills one of its replicas, so it comes last.

Needs /usr/sbin/haproxy (scripts/test installs it with chromium); skipped without it, except under
CI, where its absence is a failure of the set-up.
"""

import json
import os
import socket
import subprocess
import sys
import time

import pytest

from app_fixtures import needs_browser, tiny_root  # noqa: F401  (fixture)
from s2s.tools import bench_app, cluster as cluster_mod
from s2s.tools.cluster import COOKIE, HAPROXY, ClusterError, cluster
from s2s.tools.home_page import HomePage as Session

if not HAPROXY.exists() and os.environ.get("CI"):
    pytest.fail(f"{HAPROXY} is absent under CI: scripts/test must install haproxy", pytrace=False)
pytestmark = pytest.mark.skipif(not HAPROXY.exists(),
                                reason=f"{HAPROXY} is absent (install it: apt-get install -y haproxy)")
MODELS = ["eng-spa/vanilla", "eng-spa/bahdanau"]
VIEW = "?text=Where+is+the+station%3F&models=eng-spa%2Fvanilla%2Ceng-spa%2Fbahdanau&beam=1&lp=1"


@pytest.fixture(scope="module")
def two(tiny_root):
    with cluster(2, tiny_root) as c:
        yield c


def replica_of(page) -> str | None:
    return next((c["value"] for c in page.context.cookies() if c["name"] == COOKIE), None)


def test_a_replica_that_never_becomes_healthy_is_named_and_the_rest_stop(tiny_root, monkeypatch):
    started = []
    start = cluster_mod.start_replica
    monkeypatch.setattr(cluster_mod, "start_replica", lambda *a: started.append(start(*a)) or started[-1])
    with socket.socket() as taken:  # r2's port is taken: its server exits
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        with pytest.raises(ClusterError, match=r"replica r2 \(port \d+\) exited"):
            with cluster(2, tiny_root, ports=[bench_app.free_port(), taken.getsockname()[1]], timeout=120):
                pass
    assert len(started) == 2 and all(r.proc.poll() is not None for r in started)  # r1 stopped too


@needs_browser
def test_a_browser_session_through_the_balancer(two):
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = bench_app.launch_browser(p)
        try:
            page = browser.new_page()
            page.goto(two.url + "/" + VIEW)
            bench_app.wait_done(page, 2, 1, "Where is the station?", timeout_ms=120_000)
            mine = replica_of(page)
            assert mine in ("r1", "r2")
            page.locator("textarea").first.fill("I am hungry.")
            page.get_by_role("button", name="Translate").click()
            bench_app.wait_done(page, 2, 1, "I am hungry.")
            assert replica_of(page) == mine  # sticky: the session stays in its process
            assert page.locator('[data-testid="stException"]').count() == 0
            # leastconn: a new session goes to the other replica, which serves it as well
            other = Session(two.url)
            other.open()
            other.translate("I am hungry.", MODELS)
            assert other.replica == {"r1": "r2", "r2": "r1"}[mine]
            other.close()
        finally:
            browser.close()


@needs_browser
def test_failover_sessions_move_to_the_live_replica(two, tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api")
    # 10 users: leastconn also counts the connections the tab holds open on its replica, and with 4
    # users a loaded run once put all of them on the other one (the test then proves nothing)
    config = {"host": two.url, "users": 10, "spawn_rate": 10, "seconds": 30, "think": 1.0, "timeout": 20,
              "requests": 0, "models": MODELS, "beam": 1, "lp": 1.0,
              "sentences": ["I am hungry.", "Where is the station?", "She reads a book every night.", "I like cats."]}
    (tmp_path / "config.json").write_text(json.dumps(config))
    users = None
    try:
        with sync_api.sync_playwright() as p:
            browser = bench_app.launch_browser(p)
            try:
                page = browser.new_page()
                page.goto(two.url + "/" + VIEW)
                bench_app.wait_done(page, 2, 1, "Where is the station?", timeout_ms=120_000)
                victim_name = replica_of(page)
                victim = next(r for r in two.replicas if r.name == victim_name)
                live = next(r.name for r in two.replicas if r is not victim)
                # the tab's websocket counts on its replica: leastconn puts the users on both
                users = subprocess.Popen([sys.executable, "-m", "s2s.tools.protocol_run", str(tmp_path / "config.json"),
                                          str(tmp_path / "run")], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
                time.sleep(12)  # the users are translating, on both replicas
                killed_at = time.time()
                victim.proc.kill()
                victim.proc.wait()
                # the tab reconnects through the balancer to the live replica; the view comes back from the URL
                deadline = time.monotonic() + 60
                while replica_of(page) != live and time.monotonic() < deadline:
                    page.wait_for_timeout(250)
                assert replica_of(page) == live
                bench_app.wait_done(page, 2, 1, "Where is the station?", timeout_ms=60_000)
                assert page.locator("textarea").first.input_value() == "Where is the station?"
                assert page.locator('[data-testid="stException"]').count() == 0
            finally:
                browser.close()
        for _ in range(2):  # new sessions go only to the live one
            new = Session(two.url)
            new.open()
            assert new.replica == live
            new.close()
        assert users.wait(timeout=120) == 0, users.stderr.read().decode()[-2000:]
    finally:
        if users is not None and users.poll() is None:
            users.kill()
            users.wait()
    records = json.loads((tmp_path / "run.json").read_text())["records"]
    window = (killed_at - 1, killed_at + 15)  # the kill, the health checks (3 x 2 s), the reconnects
    failed = [r for r in records if not r["ok"]]
    assert all(window[0] <= r["at"] <= window[1] and r["name"] == "translate" for r in failed), failed
    before = {r["user"] for r in records if r["at"] < killed_at and r["replica"] == victim_name}
    placed = sorted({(r["user"], r["replica"]) for r in records if r["at"] < killed_at})
    assert before, f"no Locust user was on the killed replica {victim_name}: the test would prove nothing ({placed})"
    after = [r for r in records if r["at"] > window[1]]
    assert after and all(r["ok"] and r["replica"] == live for r in after), after
    moved = [r for r in records if r["name"] == "reconnect" and r["user"] in before]
    assert moved and all(r["ok"] and r["replica"] == live for r in moved), moved
    assert before <= {r["user"] for r in after}  # each of them goes on translating on the live replica
