"""The Training lab page through AppTest (the tiny checkpoints let app.py draw its sidebar),
with a real worker pool: train two runs, see the curves and heatmap, decode a typed sequence,
and the bad-input paths."""

import json
import os
import signal
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app_fixtures import tiny_env, tiny_root  # noqa: F401  (fixtures)
from s2s.ui import lab_runs

APP = str(Path(__file__).resolve().parent.parent / "app.py")
PAGE = "pages/7_training_lab.py"


@pytest.fixture()
def lab(tiny_env, monkeypatch):
    monkeypatch.setenv("S2S_LAB_WORKERS", "2")
    lab_runs.pool.clear()
    yield
    lab_runs.pool().close()
    lab_runs.pool.clear()


def open_page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120).run()
    return at.switch_page(PAGE).run()


def messages(at: AppTest) -> list[str]:
    """The message boxes' text, markdown escapes removed (widgets.show_error escapes markup)."""
    return [e.value.replace("\\", "") for e in (*at.error, *at.warning, *at.info, *at.success)]


def charts(at: AppTest) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def small(at: AppTest, steps: int = 40) -> AppTest:
    at.select_slider(key="w:lab.hidden").set_value(16)
    at.number_input(key="w:lab.steps").set_value(steps)
    return at


def train_until_done(at: AppTest, timeout: float = 240.0) -> AppTest:
    at.button(key="w:lab.train").click().run()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        caps = [c.value for c in at.caption]
        if sum(c.startswith(("Finished", "Stopped")) for c in caps) == 2:
            return at.run()  # the page's last draw, with the decoding box
        assert not at.exception, at.exception
        time.sleep(1.0)
        at.run()
    raise AssertionError(f"not finished: {[c.value for c in at.caption]}")


def test_page_before_training(lab):
    at = open_page()
    assert not at.exception
    assert at.title[0].value == "Training lab"
    assert any("press Train" in m for m in messages(at))
    assert at.selectbox(key="w:lab.model_a").value == "vanilla"
    assert at.selectbox(key="w:lab.model_b").value == "bahdanau"
    assert lab_runs.pool().counts() == {}


def test_train_two_models_then_decode_a_typed_sequence(lab):
    at = train_until_done(small(open_page()))
    assert not at.exception
    pool = lab_runs.pool()
    assert pool.counts() == {"done": 2}
    specs = charts(at)
    titles = [s["layout"]["title"]["text"] for s in specs if s["layout"].get("title")]
    assert "Training loss" in titles and any(t.startswith("Exact match by input length") for t in titles)
    loss = next(s for s in specs if s["layout"].get("title", {}).get("text") == "Training loss")
    assert len(loss["data"]) == 2 and all(len(tr["x"]) >= 2 for tr in loss["data"])
    heat = [s for s in specs if s["data"][0]["type"] == "heatmap"]
    assert len(heat) == 2  # the probe (B) and the typed sequence (B): vanilla has none
    assert sum("vanilla model has no attention" in m for m in messages(at)) == 2
    assert at.select_slider(key="w:lab.step").value == 40
    # scrub back to the start: the heatmap is the untrained one
    at.select_slider(key="w:lab.step").set_value(0).run()
    assert "step 0" in charts(at)[2]["layout"]["title"]["text"]
    # the clicker's buttons (Page Down / Up press them) step through the snapshots, and stop at the ends
    stops = at.select_slider(key="w:lab.step").options
    assert at.button(key="w:lab.prev").disabled and not at.button(key="w:lab.next").disabled
    at.button(key="w:lab.next").click().run()
    assert str(at.select_slider(key="w:lab.step").value) == stops[1]
    at.button(key="w:lab.prev").click().run()
    assert at.select_slider(key="w:lab.step").value == 0
    assert any("keydown" in h.proto.body for h in at.get("html"))  # the clicker's key listener
    at.text_input(key="w:lab.typed").set_value("a b c").run()
    outputs = [c.value for c in at.get("code")]
    assert len(outputs) == 2 and all(o.split() and set(o.split()) <= set("abcdefghijkl") | {"</s>"} for o in outputs)


def test_unknown_symbols_are_refused_with_the_allowed_ones(lab):
    at = train_until_done(small(open_page(), steps=5))
    at.text_input(key="w:lab.typed").set_value("a b <b>z</b>").run()
    refused = [m for m in messages(at) if m.startswith("Not decoded")]
    assert len(refused) == 2 and all("allowed" in m and "a b c d e f g h i j k l" in m for m in refused)
    assert not at.get("code") and not at.exception


@pytest.mark.parametrize("key, value, expect", [
    ("w:lab.max_len", 30, "max_len must be a whole number from 1 to 20"),
    ("w:lab.min_len", 0, "min_len must be"),
    ("w:lab.seconds", 300.0, "at most 120 s"),
    ("w:lab.seconds", 5000.0, "seconds must be a number from 1 to 600"),
    ("w:lab.steps", 0, "steps must be"),
])
def test_out_of_range_settings_start_nothing(lab, key, value, expect):
    at = open_page()
    at.number_input(key=key).set_value(value)
    at.button(key="w:lab.train").click().run()
    assert not at.exception
    assert any(m.startswith("Nothing was started") and expect in m for m in messages(at)), messages(at)
    assert lab_runs.pool().counts() == {}


def test_train_pressed_twice_and_by_several_sessions(lab):
    sessions = [small(open_page(), steps=20_000) for _ in range(3)]
    for at in sessions:
        at.button(key="w:lab.train").click().run()
        at.button(key="w:lab.train").click().run()  # again, while it trains
        assert not at.exception
    counts = lab_runs.pool().counts()
    assert sum(counts.values()) == 6 and counts.get("running", 0) <= 2  # 3 sessions x 2 models, 2 workers
    queued = [m for at in sessions for m in messages(at) if m.startswith("Waiting for a free worker")]
    assert queued  # the final session's runs wait, with their place in the queue
    for at in sessions:
        at.button(key="w:lab.stop").click().run()
        assert not at.exception


def rerun_until(at: AppTest, done, timeout: float = 120.0) -> AppTest:
    """Rerun the page (as its timer does) until `done(at)`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        at.run()
        assert not at.exception, at.exception
        if done(at):
            return at
        time.sleep(0.5)
    raise AssertionError(f"timed out: {messages(at)} {[c.value for c in at.caption]}")


def test_train_again_while_one_run_still_trains_starts_nothing(lab):
    at = small(open_page(), steps=20_000)
    at.button(key="w:lab.train").click().run()
    ids = dict(at.session_state[lab_runs.RUNS_KEY])
    pool = lab_runs.pool()
    pool.cancel(ids["a"])  # A has ended (stopped); B still trains
    rerun_until(at, lambda at: pool.status(ids["a"]).status == "stopped")
    at.number_input(key="w:lab.steps").set_value(30)  # other settings: still nothing new
    at.button(key="w:lab.train").click().run()
    assert not at.exception
    assert dict(at.session_state[lab_runs.RUNS_KEY]) == ids
    assert pool.counts() == {"stopped": 1, "running": 1}
    at.button(key="w:lab.stop").click().run()


def test_a_crashed_worker_is_shown_as_that_runs_error(lab):
    at = small(open_page(), steps=20_000)
    at.button(key="w:lab.train").click().run()
    ids = dict(at.session_state[lab_runs.RUNS_KEY])
    pool = lab_runs.pool()
    rerun_until(at, lambda at: pool.status(ids["a"]).snapshots and pool.status(ids["a"]).pid)
    os.kill(pool.status(ids["a"]).pid, signal.SIGKILL)
    rerun_until(at, lambda at: any(m.startswith("This run failed") for m in messages(at)))
    failed = [m for m in messages(at) if m.startswith("This run failed")]
    assert failed == ["This run failed: the training process ended without a result (killed by signal 9)"]
    assert pool.status(ids["b"]).status == "running"  # the other run goes on
    at.button(key="w:lab.stop").click().run()
    assert not at.exception
