"""The app benchmark's in-page timing (on a static page) and the benchmark end to end (tiny checkpoints).

The figures themselves are not judged: the command prints them (see the README). Needs
/usr/bin/chromium, else skipped.
"""

import re

import pytest

from app_fixtures import needs_browser, tiny_root  # noqa: F401  (fixture)
from s2s.tools import bench_app

pytestmark = needs_browser
# a button that shows its result 300 ms after the click
PAGE = """<button onclick="setTimeout(() => { window.shownAt = performance.timeOrigin + performance.now();
  document.body.insertAdjacentHTML('beforeend', '<p id=result>done</p>'); }, 300)">Go</button>"""
READY = "(id) => !!document.getElementById(id)"


@pytest.fixture
def page():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = bench_app.launch_browser(p)
        try:
            yield browser.new_page()
        finally:
            browser.close()


def test_stopwatch_times_the_click_to_the_frame_with_the_result(page):
    page.set_content(PAGE)
    page.evaluate(bench_app.stopwatch_js(READY), "result")
    page.get_by_role("button", name="Go").click()
    seconds = page.evaluate("() => window.__s2s.done")
    assert 0.3 <= seconds < 2.0


def test_frame_when_gives_the_time_of_the_first_frame_once_ready(page):
    page.set_content(PAGE)
    page.get_by_role("button", name="Go").click()
    drawn = page.evaluate(bench_app.frame_when_js(READY), "result")
    now = page.evaluate("() => performance.timeOrigin + performance.now()")
    assert page.evaluate("() => window.shownAt") <= drawn < now


def test_both_give_up_after_their_timeout(page):
    page.set_content(PAGE)
    with pytest.raises(Exception, match="not ready in 200 ms"):
        page.evaluate(bench_app.frame_when_js(READY, timeout_ms=200), "never")
    page.evaluate(bench_app.stopwatch_js(READY, timeout_ms=200), "never")
    page.get_by_role("button", name="Go").click()
    with pytest.raises(Exception, match="no result in 200 ms"):
        page.evaluate("() => window.__s2s.done")


def test_benchmark_prints_its_figures(tiny_root, capsys, monkeypatch):
    pytest.importorskip("playwright.sync_api")
    monkeypatch.setenv("S2S_CHECKPOINTS", str(tiny_root))
    bench_app.main(["--beam", "2", "--runs", "2"])
    out = capsys.readouterr().out
    lines = re.findall(r"^(cold start, \w+|submit \(\w+\)|server RSS)[^:]*:\s+([\d.]+) (?:s|MiB)", out, re.M)
    figures = {name: float(value) for name, value in lines}
    seconds = ("cold start, home", "cold start, link", "submit (computed)", "submit (cached)")
    assert set(figures) == {*seconds, "server RSS"}, out
    assert "2 runs" in out, out
    assert all(0 < figures[name] < 120 for name in seconds), out
    assert figures["server RSS"] > 50, out
