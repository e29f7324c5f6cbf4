"""The protocol client (s2s/tools/st_protocol.py) and the Locust user (s2s/tools/streamlit_user.py)
against the real server on the tiny checkpoints: one server for the module.

The Locust user runs in its own process (s2s.tools.protocol_run): Locust patches the standard
library for gevent when imported, which this test process must not be.
"""

import csv
import json
import subprocess
import sys
from urllib.parse import parse_qs

import pytest

from app_fixtures import tiny_root  # noqa: F401  (fixture)
from s2s.tools import bench_app
from s2s.tools.home_page import HomePage as Session
from s2s.tools.st_protocol import PageError, check_local

MODELS = ["eng-spa/vanilla", "eng-spa/bahdanau"]


@pytest.fixture(scope="module")
def server(tiny_root):
    with bench_app.serve(tiny_root) as (url, _proc):
        yield url


def test_only_this_machine_is_targeted():
    assert check_local("http://127.0.0.1:8501/") == "http://127.0.0.1:8501"
    assert check_local("http://localhost:9") == "http://localhost:9"
    for url in ("http://example.com:8501", "https://127.0.0.1:8501", "http://10.0.0.1", "ws://127.0.0.1:1"):
        with pytest.raises(ValueError, match="only http://127.0.0.1"):
            check_local(url)


def test_session_sets_the_widgets_and_gets_every_result(server):
    session = Session(server, timeout=60)
    try:
        opened = session.open()
        assert opened.status == 0 and opened.failure() is None
        assert session.session_id and session.page_hash  # a real session of the home page
        run = session.translate("Where is the station?", MODELS + ["eng-spa/dot"], beam=3, lp=0.5)
        shown = run.translations()
        assert set(shown) == {"vanilla", "bahdanau", "dot"} and all(t.strip() for t in shown.values())
        # the server took the widgets' values: the URL it wrote holds them
        query = parse_qs(session.query_string)
        assert query["text"] == ["Where is the station?"] and query["beam"] == ["3"] and query["lp"] == ["0.5"]
        assert query["models"] == [",".join(MODELS + ["eng-spa/dot"])]
        assert run.received > 0
        # a new tab on that URL shows the same view
        other = Session(server)
        other.query_string = session.query_string
        assert set(other.check_view(other.reconnect())) == {"vanilla", "bahdanau", "dot"}
        other.close()
    finally:
        session.close()


def test_an_error_box_is_an_error(server):
    session = Session(server, timeout=60)
    try:
        session.open()
        with pytest.raises(PageError, match="could not be loaded"):
            session.translate("I am here.", ["eng-spa/vanilla", "eng-spa/broken"])
        with pytest.raises(PageError, match="not offered"):
            session.translate("I am here.", ["eng-spa/nonexistent"])
    finally:
        session.close()


def locust(tmp_path, server, models, name):
    config = {"host": server, "users": 1, "spawn_rate": 1, "seconds": 60, "think": 0.0, "timeout": 30,
              "requests": 1, "models": models, "beam": 1, "lp": 1.0, "sentences": ["She reads a book."]}
    (tmp_path / f"{name}.json.in").write_text(json.dumps(config))
    prefix = str(tmp_path / name)
    proc = subprocess.run([sys.executable, "-m", "s2s.tools.protocol_run", str(tmp_path / f"{name}.json.in"), prefix],
                          capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads((tmp_path / f"{name}.json").read_text()), prefix


def test_locust_user_one_request(server, tmp_path):
    summary, prefix = locust(tmp_path, server, MODELS, "ok")
    assert [r["name"] for r in summary["records"]] == ["open", "translate"]
    translate = summary["records"][1]
    assert translate["ok"] and translate["error"] is None and translate["ms"] > 0 and translate["bytes"] > 0
    assert translate["replica"] == "" and translate["user"] is not None  # no balancer in front
    assert summary["names"]["translate"] == {"requests": 1, "failures": 0, "p50_ms": pytest.approx(translate["ms"], rel=0.1, abs=10),
                                             "p95_ms": pytest.approx(translate["ms"], rel=0.1, abs=10)}
    rows = {row["Name"]: row for row in csv.DictReader(open(prefix + "_stats.csv"))}
    assert rows["translate"]["Request Count"] == "1" and rows["translate"]["Failure Count"] == "0"
    assert "<html" in open(prefix + ".html").read(200).lower()

    summary, _ = locust(tmp_path, server, ["eng-spa/vanilla", "eng-spa/broken"], "broken")
    translate = summary["records"][1]
    assert not translate["ok"] and "could not be loaded" in translate["error"]
    assert summary["names"]["translate"]["failures"] == 1
    assert any("could not be loaded" in e["error"] for e in summary["errors"])
