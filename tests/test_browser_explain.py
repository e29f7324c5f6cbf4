"""The Explain & intervene page in a real browser (Debian's chromium, as tests/test_browser.py):
type a sentence, see attention beside the attributions, press "block the subject" and see the
blocked and removed translations beside the original. Saves a screenshot (tests/artifacts/, or
$S2S_SCREENSHOTS)."""


import pytest

from app_fixtures import SHOTS, needs_browser, shipped_root, tiny_root  # noqa: F401  (fixture)
from s2s.tools import bench_app

SENTENCE = "Tom bought a red car yesterday."

pytestmark = needs_browser


def test_browser_explain_block_the_subject(tiny_root):
    sync_api = pytest.importorskip("playwright.sync_api")
    root = shipped_root() or tiny_root
    SHOTS.mkdir(parents=True, exist_ok=True)
    with bench_app.serve(root) as (url, _proc), sync_api.sync_playwright() as p:
        browser = bench_app.launch_browser(p)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 2400})
            page.goto(f"{url}/explain")
            page.locator("textarea").first.wait_for(timeout=120_000)
            bench_app.wait_done(page, 0, 1, timeout_ms=180_000)  # the default sentence's run has ended
            page.locator("textarea").first.fill(SENTENCE)
            page.get_by_role("button", name="Translate").click()
            bench_app.wait_done(page, 2, 5, timeout_ms=180_000)  # attention + 2 methods, top-k bars, override map
            page.get_by_role("button", name="Preset: block the subject").click()
            bench_app.wait_done(page, 5, 8, timeout_ms=180_000)  # original / blocked / removed beside it
            assert page.get_by_text("blocked from attention").count() >= 1
            assert page.get_by_text("removed from the input").count() >= 1
            page.wait_for_timeout(1000)
            page.screenshot(path=str(SHOTS / "explain.png"))
        finally:
            browser.close()
