"""The Training lab in a real browser: press Train, watch the curves grow and the probe's
heatmap change, with several sessions pressing Train at once. Saves training_lab.png to
$S2S_SCREENSHOTS (docs/screenshots refreshes the one the docs show) or tests/artifacts/."""

import os

import pytest

from app_fixtures import SHOTS, needs_browser, tiny_root  # noqa: F401  (fixture)
from s2s.tools import bench_app

pytestmark = needs_browser
# [type, number of points or cells] of every plotly chart, and the first heatmap's weights
# (_fullData: the traces as plotly drew them, arrays decoded)
CHARTS_JS = """() => [...document.querySelectorAll('.js-plotly-plot')].map(p => (p._fullData || []).map(
  tr => [tr.type, tr.type === 'heatmap' ? JSON.stringify(Array.from(tr.z, row => Array.from(row)))
                                        : (tr.x || []).length]))"""
NO_EXCEPTION_JS = "() => document.querySelectorAll('[data-testid=\"stException\"]').length"


def open_lab(context, url, seconds: int):
    page = context.new_page()
    page.goto(f"{url}/training_lab")
    box = page.get_by_label("Time budget, seconds", exact=False)
    box.wait_for(timeout=120_000)
    box.fill(str(seconds))
    box.press("Enter")
    page.wait_for_timeout(500)
    return page


def heatmap_and_loss(page):
    charts = page.evaluate(CHARTS_JS)
    heat = [tr[1] for chart in charts for tr in chart if tr[0] == "heatmap"]
    losses = charts[0] if charts else []
    return (heat[0] if heat else None), [n for kind, n in losses if kind == "scatter"]


def test_browser_lab_trains_and_the_curves_and_heatmap_change(tiny_root):
    sync_api = pytest.importorskip("playwright.sync_api")
    SHOTS.mkdir(parents=True, exist_ok=True)
    with bench_app.serve(tiny_root) as (url, _proc), sync_api.sync_playwright() as p:
        browser = bench_app.launch_browser(p)
        try:
            contexts = [browser.new_context(viewport={"width": 1280, "height": 2000}) for _ in range(3)]
            pages = [open_lab(c, url, seconds) for c, seconds in zip(contexts, (40, 5, 5))]
            for page in pages:  # three sessions press Train at (nearly) the same time
                page.get_by_role("button", name="Train", exact=True).click()
            main = pages[0]
            main.wait_for_function("() => [...document.querySelectorAll('.js-plotly-plot')].some("
                                   "p => (p.data || []).some(tr => tr.type === 'heatmap'))", timeout=180_000, polling=250)
            first_heat, first_loss = heatmap_and_loss(main)
            # a few seconds more training (slower on a loaded machine: wait for the next snapshot)
            main.wait_for_function(f"(first) => {{ const h = ({CHARTS_JS})().flat().find(tr => tr[0] === 'heatmap');"
                                   " return h && h[1] !== first; }", arg=first_heat, timeout=180_000, polling=500)
            later_heat, later_loss = heatmap_and_loss(main)
            assert first_heat is not None and later_heat is not None
            assert later_heat != first_heat  # the probe's attention changed as it trained
            assert len(later_loss) == 2 and sum(later_loss) > sum(first_loss)  # both loss curves grew
            assert all(page.evaluate(NO_EXCEPTION_JS) == 0 for page in pages)
            if os.environ.get("S2S_SCREENSHOTS"):  # the docs' picture: the whole run, both models finished
                main.get_by_text("Finished:", exact=False).nth(1).wait_for(timeout=300_000)
                main.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')",
                                       timeout=60_000)
            main.wait_for_timeout(1000)
            main.screenshot(path=str(SHOTS / "training_lab.png"))
            if not os.environ.get("S2S_SCREENSHOTS"):
                main.get_by_role("button", name="Stop", exact=True).click()
                main.get_by_text("Stopped:", exact=False).first.wait_for(timeout=60_000)
            assert main.evaluate(NO_EXCEPTION_JS) == 0
        finally:
            browser.close()
